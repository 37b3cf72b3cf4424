# syntax=docker/dockerfile:1
FROM golang:1.22 AS src
WORKDIR /src
COPY . .

FROM golang:1.22 AS build
RUN --mount=type=bind,from=src,source=/src,target=/src \
    --mount=type=cache,target=/root/.cache/go-build \
    cd /src && go build -o /out/app .
RUN --mount=from=busybox:1.36,src=/bin,dst=/bb ls /bb

FROM scratch
COPY --from=build /out/app /app
