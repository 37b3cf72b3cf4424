FROM alpine:3.20 AS a
RUN echo a
FROM alpine:3.20 AS b
RUN echo b
FROM alpine:3.20 AS c
RUN echo c
FROM alpine:3.20
COPY --from=a /etc/hostname /a
COPY --from=b /etc/hostname /b
COPY --from=c /etc/hostname /c
