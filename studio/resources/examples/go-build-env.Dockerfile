# The classic Go multi-stage build.
#
# Stage "build-env" carries the whole Go toolchain (hundreds of MB) and compiles a
# static binary. The final stage starts again from a tiny alpine image and copies
# only that binary across: the toolchain never reaches the image you ship.
# CGO_ENABLED=0 makes the binary static, so it needs no C library from alpine.
#
# The global ARG GO_VERSION (declared before the first FROM) is visible to FROM lines
# only; a stage must repeat `ARG GO_VERSION` to use it in its own instructions. Try
# `stage-studio graph --build-arg GO_VERSION=1.23` to see the base image change.
ARG GO_VERSION=1.22

FROM golang:${GO_VERSION}-alpine AS build-env
WORKDIR /src
# Download modules first so this layer stays cached while only the code changes.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM alpine:3.20
RUN apk add --no-cache ca-certificates
COPY --from=build-env /out/app /usr/local/bin/app
USER nobody
ENTRYPOINT ["/usr/local/bin/app"]
