FROM alpine:3.20
COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/nginx.conf
COPY --from=docker.io/library/busybox:1.36 /bin/busybox /bin/busybox
COPY --from=ghcr.io/example/tools@sha256:0000000000000000000000000000000000000000000000000000000000000000 /usr/bin/tool /usr/bin/tool
