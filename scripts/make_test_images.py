#!/usr/bin/env python3
"""Create the offline base images the tests build on, without touching any registry.

``stage-studio-test/busybox:latest`` is a busybox root file system (a static busybox
binary plus one link per applet) imported with ``docker import``. Running this again
when the image exists does nothing.

    make_test_images.py [--check]   --check: exit 1 if an image is missing, change nothing
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import time

import docker

BUSYBOX_IMAGE = "stage-studio-test/busybox:latest"


def busybox_binary() -> str:
    for candidate in (shutil.which("busybox"), "/bin/busybox", "/usr/bin/busybox"):
        if candidate and os.path.isfile(candidate):
            return os.path.realpath(candidate)
    sys.exit("make_test_images: no busybox binary found (on Debian: apt-get install busybox-static)")


def busybox_rootfs(binary: str) -> bytes:
    """A tar of a minimal root file system: /bin/busybox and a link for every applet."""
    applets = subprocess.run([binary, "--list"], capture_output=True, text=True, check=True).stdout.split()
    buf = io.BytesIO()
    now = time.time()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for directory in ("bin", "tmp", "etc", "root", "proc", "sys", "dev", "usr", "usr/bin", "var"):
            info = tarfile.TarInfo(directory)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if directory == "tmp" else 0o755
            info.mtime = now
            tar.addfile(info)
        with open(binary, "rb") as fh:
            data = fh.read()
        info = tarfile.TarInfo("bin/busybox")
        info.size = len(data)
        info.mode = 0o755
        info.mtime = now
        tar.addfile(info, io.BytesIO(data))
        for applet in applets:
            if applet == "busybox":
                continue
            info = tarfile.TarInfo(f"bin/{applet}")
            info.type = tarfile.SYMTYPE
            info.linkname = "busybox"
            info.mode = 0o777
            info.mtime = now
            tar.addfile(info)
        passwd = b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
        group = b"root:x:0:\nnogroup:x:65534:\n"
        for name, content in (("etc/passwd", passwd), ("etc/group", group)):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mode = 0o644
            info.mtime = now
            tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


def image_exists(client: docker.DockerClient, ref: str) -> bool:
    try:
        client.images.get(ref)
        return True
    except docker.errors.ImageNotFound:
        return False


def main() -> int:
    check_only = "--check" in sys.argv[1:]
    client = docker.from_env(timeout=120)
    if image_exists(client, BUSYBOX_IMAGE):
        return 0
    if check_only:
        return 1
    repository, tag = BUSYBOX_IMAGE.rsplit(":", 1)
    client.api.import_image_from_data(
        busybox_rootfs(busybox_binary()),
        repository=repository,
        tag=tag,
        changes=['CMD ["/bin/sh"]', "ENV PATH=/bin:/usr/bin"],
    )
    if not image_exists(client, BUSYBOX_IMAGE):
        sys.exit(f"make_test_images: import of {BUSYBOX_IMAGE} did not produce the image")
    print(f"make_test_images: created {BUSYBOX_IMAGE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
