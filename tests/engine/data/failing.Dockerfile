FROM stage-studio-test/busybox:latest AS a
RUN echo before; echo err >&2; exit 3
