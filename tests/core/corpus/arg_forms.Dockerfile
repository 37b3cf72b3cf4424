ARG REGISTRY
ARG IMAGE=alpine
ARG TAG=3.20
ARG VARIANT
ARG DEBUG
FROM ${REGISTRY:-docker.io}/library/$IMAGE:${TAG}${VARIANT:+-$VARIANT} AS base
FROM ${IMAGE}:${TAG} AS plain
FROM busybox${DEBUG:+:debug}
COPY --from=base /etc/os-release /base
COPY --from=plain /etc/os-release /plain
