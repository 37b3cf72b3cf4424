# Go, the naive way: one stage that builds AND ships.
#
# It works, but the image you run still contains the whole Go toolchain, the module
# cache and your source code: hundreds of megabytes to run one small binary.
# Compare with go.multi.Dockerfile.
FROM golang:1.22
WORKDIR /src
COPY . .
RUN go build -o /usr/local/bin/app ./cmd/app
ENTRYPOINT ["/usr/local/bin/app"]
