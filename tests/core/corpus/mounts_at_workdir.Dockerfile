FROM golang:1.22 AS tools
RUN go install golang.org/x/tools/cmd/stringer@v0.21.0

FROM golang:1.22 AS gen
WORKDIR /src
RUN --mount=type=bind,source=.,target=/src \
    --mount=from=tools,source=/go/bin,target=/tools \
    /tools/stringer -type=Kind ./kinds

FROM golang:1.22 AS build
WORKDIR /out
RUN --mount=from=gen ls -la
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=bind,target=/src,rw \
    cd /src && go build -o /out/app .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
