# Build caches, multi-stage with cache mounts (BuildKit).
#
# RUN --mount=type=cache keeps a folder between builds without putting it in any
# layer: apt's downloads, Go's module cache and Go's compile cache survive code
# changes, so a rebuild only recompiles what changed. --mount=type=bind reads the
# sources for one step without copying them into a layer. The final image is
# distroless with the static binary only.
FROM golang:1.22-bookworm AS build
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    rm -f /etc/apt/apt.conf.d/docker-clean \
 && apt-get update && apt-get install -y --no-install-recommends git
WORKDIR /src
RUN --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    --mount=type=cache,target=/go/pkg/mod \
    go mod download
RUN --mount=type=bind,target=. \
    --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
