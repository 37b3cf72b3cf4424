# syntax=docker/dockerfile:1.7
ARG GO_VERSION=1.22
ARG ALPINE=3.20

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine${ALPINE} AS build
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
RUN --mount=type=bind,target=. \
    --mount=type=cache,target=/root/.cache/go-build \
    GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .

FROM alpine:${ALPINE}
RUN apk add --no-cache ca-certificates
COPY --from=build /out/app /usr/local/bin/app
CMD ["app"]
