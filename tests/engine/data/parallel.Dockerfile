ARG BASE=stage-studio-test/busybox:latest
FROM ${BASE} AS build
WORKDIR /w
RUN echo building && sleep 1 && echo one > one
COPY a.txt /w/
FROM ${BASE}
RUN echo other && sleep 1 && echo two > two
FROM scratch AS unused
COPY a.txt /
FROM ${BASE} AS final
COPY --from=build /w/one /one
COPY --from=1 /two /two
