# One shared builder base, two compile stages, one small final image.
#
# "build-essential" installs the C toolchain once (and deletes apt's lists in the
# same RUN, so they never become part of a layer). "foo" and "bar" both start FROM
# it: they do not depend on each other, so BuildKit builds them in parallel. The
# final stage copies just the two binaries out of them into a small alpine image.
#
# Note: binaries compiled on Debian link against glibc, while alpine uses musl. For
# them to run on alpine, link them statically (e.g. make LDFLAGS=-static); or use
# debian:bookworm-slim as the final base, as c-make.multi.Dockerfile does.
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
