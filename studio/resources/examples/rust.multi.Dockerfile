# Rust, multi-stage: a static musl binary copied into an empty image.
#
# On alpine, Rust links against musl and produces a fully static binary. Such a
# binary needs nothing from the operating system, so the final stage can be
# "scratch" - the empty image - holding just that one file.
FROM rust:1.79-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
RUN cargo build --release && cp target/release/app /app

FROM scratch
COPY --from=build /app /app
# No /etc/passwd in scratch: use a numeric, unprivileged user.
USER 65534
ENTRYPOINT ["/app"]
