FROM busybox
RUN cat <<EOF > /script.sh && chmod +x /script.sh
echo hi
FROM scratch
COPY --from=nope / /
EOF
RUN 3<<EOF cat /dev/fd/3
data
EOF
RUN echo "<<EOF is not a heredoc here"
RUN ["sh", "-c", "echo <<EOF"]
RUN <<A <<B sh
echo a
A
echo b
B
