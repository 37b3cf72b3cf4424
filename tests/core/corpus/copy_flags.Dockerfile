FROM alpine AS build
RUN mkdir -p /out && echo x > /out/x

FROM alpine
COPY --link --chmod=0755 --chown=1000:1000 --from=build /out/x /usr/local/bin/x
COPY --parents --from=build /out/./x /parents/
COPY --exclude=*.tmp --from=build /out/ /excl/
