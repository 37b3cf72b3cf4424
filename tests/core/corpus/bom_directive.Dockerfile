# syntax=docker/dockerfile:1
FROM busybox AS one
RUN echo one > /one

FROM busybox
COPY --from=one /one /one
