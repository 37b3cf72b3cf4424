# Build caches, the naive way: every change re-downloads everything.
#
# Each code change invalidates COPY . . and so the go build after it, which then
# downloads modules and recompiles every package from nothing. The apt lists stay
# in the image, and so does the toolchain.
FROM golang:1.22-bookworm
RUN apt-get update && apt-get install -y git
WORKDIR /src
COPY . .
RUN go build -o /out/app ./cmd/app
ENTRYPOINT ["/out/app"]
