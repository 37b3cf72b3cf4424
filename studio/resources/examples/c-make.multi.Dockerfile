# C with make, multi-stage: one shared toolchain stage, two compile stages.
#
# "build-essential" installs the C toolchain once. "foo" and "bar" both start FROM
# it, so BuildKit builds them in parallel, and each copies in only its own sources.
# The final stage is debian-slim (same C library as the compile stages) and gets
# just the two binaries.
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

FROM debian:bookworm-slim
COPY --from=foo /src/foo /usr/local/bin/foo
COPY --from=bar /src/bar /usr/local/bin/bar
CMD ["foo"]
