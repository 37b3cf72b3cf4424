# One shared builder base, two compile stages, one small final image.
#
# "build-essential" installs the C toolchain once. "foo" and "bar" both start FROM it
# (BuildKit builds them in parallel), and the final stage copies just the two
# binaries out of them into a small alpine image.
FROM debian:bookworm-slim AS build-essential
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src

FROM build-essential AS foo
COPY foo/ ./
RUN make foo

FROM build-essential AS bar
COPY bar/ ./
RUN make bar

FROM alpine:3.20
COPY --from=foo /src/foo /usr/local/bin/foo
COPY --from=bar /src/bar /usr/local/bin/bar
CMD ["foo"]
