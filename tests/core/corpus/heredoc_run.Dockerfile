# syntax=docker/dockerfile:1
FROM debian:bookworm AS base
RUN <<EOF
set -e
apt-get update
apt-get install -y --no-install-recommends curl
rm -rf /var/lib/apt/lists/*
EOF
RUN <<EOT bash
  echo "in bash"
  FROM this-is-not-an-instruction
EOT
RUN python3 <<'PY'
print("hello")
PY
CMD ["bash"]
