# syntax=docker/dockerfile:1
FROM alpine
RUN <<EOF
echo crlf
EOF
CMD ["sh"]
