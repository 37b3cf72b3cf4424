# check=skip=unpinned-base-image
#
# Offline demo, multi-stage. Builds here without any registry: it only uses the
# local stage-studio-test/busybox image and scratch. Build it with the
# offline-demo/ folder as the context.
#
# (The check directive above tells linters that the ":latest" tag is deliberate:
# it is the only tag of the local test image.)
#
# "toolchain" installs the pretend 8 MB compiler once. "build" starts FROM it and
# produces the app. The final stage starts from scratch, the empty image, and
# copies in only busybox (a static binary, to have a shell command to run) and the
# built files: the toolchain never reaches it.
FROM stage-studio-test/busybox:latest AS toolchain
RUN mkdir -p /toolchain && dd if=/dev/zero of=/toolchain/compiler bs=1024 count=8192

FROM toolchain AS build
WORKDIR /src
COPY . .
RUN sh build.sh /out

FROM scratch
COPY --from=build /bin/busybox /bin/busybox
COPY --from=build /out/ /app/
ENTRYPOINT ["/bin/busybox"]
CMD ["cat", "/app/greeting.txt"]
