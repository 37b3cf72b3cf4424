"""FIFOs, device nodes and sockets in a context: the image holds what ``docker build`` puts
in it on the same engine, compared entry by entry (type, mode, device numbers). The
classic CLI's tar (DOCKER_BUILDKIT=0) carries FIFOs and devices as they are and skips
sockets. With DOCKER_BUILDKIT=1 the engine decides: Docker 26.1 keeps FIFOs and devices,
20.10 turns a device into an empty file and drops a FIFO; a socket becomes an empty file
on both."""
from __future__ import annotations

import os
import socket
import tarfile

import pytest
from helpers import cli_image, exported_entries
from prerequisites import require
from testimages import TEST_LABEL

from studio.engine.builder import Build, BuildRequest

BB = "stage-studio-test/busybox:latest"
CLI = "/usr/bin/docker"
TEXT = f"FROM {BB}\nCOPY . /c/\n"


@pytest.fixture
def special(tmp_path):
    """A context with a file, a FIFO, a character and a block device, a socket and a link."""
    require(None if os.path.exists(CLI) else "needs Debian's docker CLI (apt-get install docker.io)")
    require(None if os.geteuid() == 0 else "making device nodes needs root")
    ctx = tmp_path / "ctx"
    (ctx / "sub").mkdir(parents=True)
    (ctx / "ok.txt").write_text("ok\n")
    (ctx / "Dockerfile").write_text(TEXT)
    os.mkfifo(ctx / "pipe", 0o640)
    os.mknod(ctx / "nulldev", 0o644 | 0o020000, os.makedev(1, 3))
    os.mknod(ctx / "sub" / "blockdev", 0o600 | 0o060000, os.makedev(7, 200))
    os.symlink("ok.txt", ctx / "link")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(ctx / "sock"))
    yield ctx
    server.close()


def listing(client, image_id: str) -> list[tuple]:
    """The image's /c entries as ``docker export`` gives them: name, type, mode, device."""
    return sorted((m.name, m.type, m.mode, m.devmajor, m.devminor) for m in exported_entries(client, image_id))


def cli_listing(engine, context, buildkit: bool) -> list[tuple]:
    return listing(engine.client, cli_image(engine, context, buildkit))


def studio_listing(engine, context, backend: str, session: bool | None = None) -> list[tuple]:
    request = BuildRequest(TEXT, str(context), str(context / "Dockerfile"), backend=backend,
                           no_cache=True, session=session, labels={TEST_LABEL: "1"})
    build = Build(request, client=engine.client)
    events = list(build.events())
    assert build.result.ok, [e for e in events if e.event == "build_failed"]
    return listing(engine.client, build.result.image_id)


def test_classic_builds_ship_fifos_and_devices_as_the_classic_cli(engine, special):
    ours = studio_listing(engine, special, "classic")
    assert ours == cli_listing(engine, special, buildkit=False)
    kinds = {name: kind for name, kind, *_ in ours}
    assert kinds["c/pipe"] == tarfile.FIFOTYPE and kinds["c/nulldev"] == tarfile.CHRTYPE
    assert kinds["c/sub/blockdev"] == tarfile.BLKTYPE and "c/sock" not in kinds
    assert [(mode & 0o7777, major, minor) for name, _, mode, major, minor in ours
            if name == "c/nulldev"] == [(0o644, 1, 3)]


def test_buildkit_tar_uploads_ship_what_docker_builds_does(engine, special, buildx_config):
    """The tar upload (--no-session); test_session_special_files.py compares builds
    through our session."""
    ours = studio_listing(engine, special, "buildkit", session=False)
    assert ours == cli_listing(engine, special, buildkit=True)
    kinds = {name: kind for name, kind, *_ in ours}
    assert kinds["c/sock"] == tarfile.REGTYPE
    if engine.client.version()["Version"].startswith("20."):
        assert kinds["c/nulldev"] == kinds["c/sub/blockdev"] == tarfile.REGTYPE and "c/pipe" not in kinds
    else:
        assert kinds["c/nulldev"] == tarfile.CHRTYPE and kinds["c/pipe"] == tarfile.FIFOTYPE


@pytest.mark.timeout(20)
def test_a_dockerfile_that_is_a_fifo_travels_as_its_text(tmp_path):
    """The text read from it is sent; the FIFO itself is neither sent nor opened (no hang)."""
    from studio.engine.context import scan

    ctx = tmp_path / "ctx"
    ctx.mkdir()
    os.mkfifo(ctx / "Dockerfile")
    for backend in ("buildkit", "classic"):
        sent = [e for e in scan(ctx, TEXT, "x", ctx / "Dockerfile", backend=backend).entries if e.name == "Dockerfile"]
        assert len(sent) == 1 and sent[0].info.isreg() and sent[0].data == TEXT.encode()


@pytest.fixture
def linked(tmp_path):
    """A context with one file under three names (hard links), the first of them left out
    by .dockerignore, and a file under two names."""
    require(None if os.path.exists(CLI) else "needs Debian's docker CLI (apt-get install docker.io)")
    ctx = tmp_path / "ctx"
    (ctx / "sub").mkdir(parents=True)
    (ctx / "Dockerfile").write_text(TEXT)
    (ctx / "a-left-out.bin").write_bytes(b"x" * 70_000)
    os.link(ctx / "a-left-out.bin", ctx / "b.bin")
    os.link(ctx / "a-left-out.bin", ctx / "sub" / "c.bin")
    (ctx / "one.txt").write_text("one\n")
    os.link(ctx / "one.txt", ctx / "two.txt")
    (ctx / ".dockerignore").write_text("a-left-out.bin\n")
    return ctx


def link_listing(client, image_id: str) -> list[tuple]:
    """The image's /c entries: name, type, size and, for a hard link, the name it links to."""
    return sorted((m.name, m.type, m.size, m.linkname if m.islnk() else "") for m in exported_entries(client, image_id))


def cli_link_listing(engine, context, buildkit: bool) -> list[tuple]:
    return link_listing(engine.client, cli_image(engine, context, buildkit))


@pytest.mark.parametrize("backend", ["classic", "buildkit"])
def test_a_file_with_several_names_is_sent_once_as_docker_build_sends_it(engine, linked, backend, buildx_config):
    """The classic CLI's tar and buildx's file sync send a later name of a file as a hard
    link to the first name sent; the classic builds and the tar uploads (--no-session)
    sent a full copy per name, and the image held each copy."""
    request = BuildRequest(TEXT, str(linked), str(linked / "Dockerfile"), backend=backend, no_cache=True,
                           session=False if backend == "buildkit" else None, labels={TEST_LABEL: "1"})
    build = Build(request, client=engine.client)
    events = list(build.events())
    assert build.result.ok, [e for e in events if e.event == "build_failed"]
    ours = link_listing(engine.client, build.result.image_id)
    assert ours == cli_link_listing(engine, linked, buildkit=backend == "buildkit")
    assert [entry for entry in ours if entry[1] == tarfile.LNKTYPE]  # (the image holds links, not copies)
