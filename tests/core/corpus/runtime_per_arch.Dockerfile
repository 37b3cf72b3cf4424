# Runtime images per architecture, chosen by TARGETARCH in the last stage.
ARG CUDA_VERSION=12.4.1
ARG UBUNTU_VERSION=22.04

FROM --platform=linux/amd64 nvidia/cuda:${CUDA_VERSION}-devel-ubuntu${UBUNTU_VERSION} AS build-amd64
RUN apt-get update && apt-get install -y --no-install-recommends cmake ccache \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /go/src/app
COPY . .
RUN make -j8 dist

FROM --platform=linux/arm64 nvidia/cuda:${CUDA_VERSION}-devel-ubuntu${UBUNTU_VERSION} AS build-arm64
RUN apt-get update && apt-get install -y --no-install-recommends cmake ccache \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /go/src/app
COPY . .
RUN make -j8 dist

FROM ubuntu:${UBUNTU_VERSION} AS runtime-amd64
RUN apt-get update && apt-get install -y ca-certificates \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
COPY --from=build-amd64 /go/src/app/dist/linux-amd64/bin/ /bin/

FROM ubuntu:${UBUNTU_VERSION} AS runtime-arm64
RUN apt-get update && apt-get install -y ca-certificates
COPY --from=build-arm64 /go/src/app/dist/linux-arm64/bin/ /bin/

FROM runtime-$TARGETARCH
ENV OLLAMA_HOST=0.0.0.0
EXPOSE 11434
ENTRYPOINT ["/bin/app"]
CMD ["serve"]
