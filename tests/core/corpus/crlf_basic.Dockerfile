FROM alpine:3.20 AS build
RUN apk add --no-cache build-base \
    make
COPY . /src
RUN make -C /src

FROM alpine:3.20
COPY --from=build /src/out /usr/bin/
