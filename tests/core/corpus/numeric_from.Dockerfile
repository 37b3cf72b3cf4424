FROM golang:1.22
WORKDIR /go/src/app
COPY . .
RUN go build -o /app .

FROM alpine:3.20
RUN apk add --no-cache tzdata

FROM scratch
COPY --from=0 /app /app
COPY --from=1 /usr/share/zoneinfo /usr/share/zoneinfo
ENTRYPOINT ["/app"]
