FROM alpine
LABEL org.opencontainers.image.title="demo" \
      org.opencontainers.image.description="a \"quoted\" description" \
      maintainer="team@example.invalid"
ENV APP_HOME=/srv/app \
    APP_USER=app \
    PATH=/srv/app/bin:$PATH
ENV LEGACY value with spaces
ARG VERSION=1.0.0
LABEL version=$VERSION
