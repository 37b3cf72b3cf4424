# A service image as many projects first write it.
FROM python:3.12-slim AS base
RUN apt-get update
RUN apt-get install -y build-essential libpq-dev
RUN apt-get install -y curl
WORKDIR /app

FROM base AS deps
COPY requirements.txt .
RUN pip install -r requirements.txt

FROM alpine:3.20 AS fetch
RUN apk add curl tar
RUN curl -fsSL https://example.com/tool.tgz | tar xz -C /opt

FROM base
COPY --from=dpes /usr/local/lib/python3.12/site-packages /usr/local/lib/python3.12/site-packages
COPY --from=fetch /opt/tool /usr/local/bin/tool
COPY . .
RUN cd /app/static && ./build.sh
RUN useradd -u 1000001 app
USER root
CMD ["gunicorn", "app:app"]
