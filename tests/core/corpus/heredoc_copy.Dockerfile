# syntax=docker/dockerfile:1
FROM alpine AS cfg
COPY <<EOF /etc/app.conf
listen 8080
RUN echo not an instruction
EOF
COPY <<-"END" /etc/motd
	welcome
	END
COPY <<one.txt <<two.txt /data/
first
one.txt
second
two.txt
ADD <<EOF /etc/hosts.extra
10.0.0.1 db
EOF

FROM alpine
COPY --from=cfg /etc/app.conf /etc/
