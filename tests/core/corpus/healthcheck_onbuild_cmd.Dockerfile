FROM alpine AS base
HEALTHCHECK --interval=5m --timeout=3s \
  CMD wget -qO- http://localhost/ || exit 1
HEALTHCHECK NONE
ONBUILD ADD . /app/src
MAINTAINER someone@example.invalid
FROM base
