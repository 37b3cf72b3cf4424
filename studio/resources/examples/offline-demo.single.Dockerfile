# check=skip=unpinned-base-image
#
# Offline demo, single stage. Builds here without any registry: it only uses the
# local stage-studio-test/busybox image. Build it with the offline-demo/ folder as
# the context and compare its size with offline-demo.multi.Dockerfile.
#
# The "toolchain" is 8 MB of zeros standing in for a compiler. The last RUN deletes
# it, but that does not help: the layer made by the earlier RUN still holds it, and
# every layer ships.
FROM stage-studio-test/busybox:latest
WORKDIR /src
COPY . .
RUN mkdir -p /toolchain && dd if=/dev/zero of=/toolchain/compiler bs=1024 count=8192
RUN sh build.sh /out
RUN rm -rf /toolchain
CMD ["cat", "/out/greeting.txt"]
