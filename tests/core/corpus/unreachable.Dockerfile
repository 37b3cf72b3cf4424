FROM alpine AS docs
RUN echo docs > /docs

FROM alpine AS test
RUN echo test > /test

FROM alpine AS build
RUN echo build > /build

FROM build AS release
COPY --from=build /build /release
