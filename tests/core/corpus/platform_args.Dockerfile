ARG BUILDER_IMAGE=tonistiigi/xx:1.4
FROM --platform=$BUILDPLATFORM ${BUILDER_IMAGE} AS xx
FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build
COPY --from=xx / /
ARG TARGETPLATFORM
RUN xx-go build -o /out/app . && xx-verify /out/app
FROM --platform=linux/amd64 alpine:3.20
COPY --from=build /out/app /app
