FROM debian:12-slim AS base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl ca-certificates \
    && rm -rf /var/lib/apt/lists/*

FROM base AS fetch
WORKDIR /tmp
# hadolint ignore=DL3003
RUN curl -fsSL https://example.com/tool.tgz | tar xz && cd tool && ./install.sh

FROM base
COPY --from=fetch /usr/local/bin/tool /usr/local/bin/tool
# stage-studio ignore=FinalUserRoot
USER root
HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD ["curl", "-f", "http://localhost:8080/health"]
STOPSIGNAL SIGTERM
CMD ["tool", "serve"]
