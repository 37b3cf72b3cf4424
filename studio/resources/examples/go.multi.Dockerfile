# Go, multi-stage: compile in a toolchain stage, ship only the binary.
#
# Stage "build" has the Go toolchain. CGO_ENABLED=0 makes a static binary, so the
# final stage can start from a tiny alpine image (it could even be scratch) and
# copy that one file across with COPY --from=build.
FROM golang:1.22-alpine AS build
WORKDIR /src
# Modules first: this layer stays cached while only the code changes.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM alpine:3.20
RUN apk add --no-cache ca-certificates
COPY --from=build /out/app /usr/local/bin/app
USER nobody
ENTRYPOINT ["/usr/local/bin/app"]
