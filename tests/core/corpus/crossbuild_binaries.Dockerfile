# syntax=docker/dockerfile:1

ARG GO_VERSION=1.22
ARG ALPINE_VERSION=3.20
ARG XX_VERSION=1.4.0

FROM --platform=$BUILDPLATFORM tonistiigi/xx:${XX_VERSION} AS xx

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine${ALPINE_VERSION} AS golatest

FROM golatest AS gobuild-base
RUN apk add --no-cache file bash clang lld musl-dev pkgconfig git make
COPY --link --from=xx / /

FROM gobuild-base AS build
WORKDIR /src
ARG TARGETPLATFORM
RUN --mount=type=bind,target=. \
    --mount=type=cache,target=/root/.cache \
    --mount=type=cache,target=/go/pkg/mod \
    xx-go build -trimpath -o /usr/bin/tool ./cmd/tool && \
    xx-verify --static /usr/bin/tool

FROM scratch AS binaries-unix
COPY --link --from=build /usr/bin/tool /

FROM binaries-unix AS binaries-darwin
FROM binaries-unix AS binaries-linux

FROM scratch AS binaries-windows
COPY --link --from=build /usr/bin/tool /tool.exe

FROM binaries-$TARGETOS AS binaries
# enable scanning for this stage
ARG BUILDKIT_SBOM_SCAN_STAGE=true

FROM gobuild-base AS test-coverage
WORKDIR /src
RUN --mount=type=bind,target=. \
    --mount=type=cache,target=/root/.cache \
    --mount=type=cache,target=/go/pkg/mod \
    go test -coverprofile=/tmp/coverage.txt ./...

FROM scratch AS test-coverage-export
COPY --from=test-coverage /tmp/coverage.txt /

FROM alpine:${ALPINE_VERSION} AS integration-tests-base
RUN apk add --no-cache git openssh-client
WORKDIR /work

FROM integration-tests-base AS integration-tests
RUN --mount=from=binaries \
    install -m 0755 tool /usr/bin/tool

FROM alpine:${ALPINE_VERSION}
RUN apk add --no-cache ca-certificates
COPY --from=binaries / /usr/bin/
ENTRYPOINT ["tool"]
