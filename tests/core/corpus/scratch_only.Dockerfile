FROM scratch
ADD rootfs.tar.gz /
CMD ["/bin/sh"]
