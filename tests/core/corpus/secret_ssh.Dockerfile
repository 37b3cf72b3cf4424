# syntax=docker/dockerfile:1
FROM alpine AS fetch
RUN apk add --no-cache git openssh-client
RUN --mount=type=ssh git clone git@example.invalid:org/repo.git /repo
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc cat /root/.npmrc >/dev/null

FROM alpine
COPY --from=fetch /repo /repo
