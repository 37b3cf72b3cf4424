"""Sockets, device nodes, FIFOs and hard links in a context sent through our BuildKit session: the image
holds what ``DOCKER_BUILDKIT=1 docker build`` (buildx, whose fsutil sends the context)
puts in it on the same engine, compared entry by entry: name, type, mode, device numbers,
size and link target.

What fsutil sends (and so we do): a socket as a regular file of size 0 whose bytes the
engine asks for and gets none of (it cannot be opened); a device with its Go mode and its
major and minor numbers; a FIFO with its Go mode, never asked for. The engine decides the
rest: Docker 26.1 makes the devices and the FIFO, 20.10 writes a device as an empty file
and leaves a FIFO out. A file's later names go as hard links to the first one sent."""
from __future__ import annotations

import os
import socket
import stat
import tarfile

import pytest
from helpers import cli_image, exported_entries
from prerequisites import require
from testimages import TEST_LABEL

from studio.engine.builder import Build, BuildRequest

BB = "stage-studio-test/busybox:latest"
CLI = "/usr/bin/docker"
TEXT = f"FROM {BB}\nCOPY . /c/\n"


def _make(ctx, kind: str, name: str, holders: list) -> None:
    path = ctx / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        holders.append(server)
        os.chmod(path, 0o751)
    elif kind == "fifo":
        os.mkfifo(path, 0o640)
    elif kind == "chardev":
        os.mknod(path, 0o644 | stat.S_IFCHR, os.makedev(1, 3))
    elif kind == "bigdev":  # numbers past 8 bits: major 300, minor 70000
        os.mknod(path, 0o604 | stat.S_IFCHR, os.makedev(300, 70000))
    elif kind == "blockdev":
        os.mknod(path, 0o600 | stat.S_IFBLK, os.makedev(7, 200))
    else:
        raise AssertionError(kind)


@pytest.fixture
def context_with(tmp_path):
    """context_with(kind, ...): a context with a file and one entry of each kind asked for,
    at the top and in a sub-folder (sub/KIND)."""
    require(None if os.path.exists(CLI) else "needs Debian's docker CLI (apt-get install docker.io)")
    require(None if os.geteuid() == 0 else "making device nodes needs root")
    holders: list = []

    def make(*kinds: str):
        ctx = tmp_path / "ctx"
        ctx.mkdir()
        (ctx / "ok.txt").write_text("ok\n")
        (ctx / "Dockerfile").write_text(TEXT)
        for kind in kinds:
            _make(ctx, kind, kind, holders)
            _make(ctx, kind, f"sub/{kind}", holders)
        return ctx

    yield make
    for server in holders:
        server.close()


def listing(client, image_id: str) -> list[tuple]:
    """The image's /c entries as ``docker export`` gives them."""
    return [(m.name, m.type, m.mode, m.devmajor, m.devminor, m.size, m.linkname)
            for m in exported_entries(client, image_id)]


def cli_listing(engine, context) -> list[tuple]:
    return listing(engine.client, cli_image(engine, context, buildkit=True))


def session_listing(engine, context) -> list[tuple]:
    request = BuildRequest(TEXT, str(context), str(context / "Dockerfile"), backend="buildkit",
                           no_cache=True, labels={TEST_LABEL: "1"})
    build = Build(request, client=engine.client)
    events = list(build.events())
    assert build.result.ok, [e.message for e in events if e.event == "build_failed"]
    assert build.session is not None and build.session.stats.files_listed  # it went through the session
    return listing(engine.client, build.result.image_id)


def _modern(engine) -> bool:
    return not engine.client.version()["Version"].startswith("20.")


def _entries(found: list[tuple], name: str) -> list[tuple]:
    """(type, permission bits, major, minor, size, link) of c/NAME and c/sub/NAME."""
    return [(kind, mode & 0o7777, *rest) for path, kind, mode, *rest in found if path in (f"c/{name}", f"c/sub/{name}")]


def test_a_socket_arrives_as_docker_build_ships_it(engine, context_with, buildx_config):
    ctx = context_with("socket")
    ours = session_listing(engine, ctx)
    assert ours == cli_listing(engine, ctx)
    # an empty regular file with the socket's permissions, on both engines
    assert _entries(ours, "socket") == [(tarfile.REGTYPE, 0o751, 0, 0, 0, "")] * 2


@pytest.mark.parametrize("kind", ["chardev", "bigdev", "blockdev"])
def test_a_device_node_arrives_as_docker_build_ships_it(engine, context_with, buildx_config, kind):
    ctx = context_with(kind)
    ours = session_listing(engine, ctx)
    assert ours == cli_listing(engine, ctx)
    numbers = {"chardev": (1, 3), "bigdev": (300, 70000), "blockdev": (7, 200)}[kind]
    found = _entries(ours, kind)
    assert len(found) == 2
    if _modern(engine):  # a device (26.1 makes a block device a character one, as docker's does)
        assert {(kind_, major, minor) for kind_, _, major, minor, *_ in found} == {(tarfile.CHRTYPE, *numbers)}
    else:  # 20.10: an empty file
        assert {(kind_, size) for kind_, _, _, _, size, _ in found} == {(tarfile.REGTYPE, 0)}


def test_a_fifo_arrives_as_docker_build_ships_it(engine, context_with, buildx_config):
    ctx = context_with("fifo")
    ours = session_listing(engine, ctx)
    assert ours == cli_listing(engine, ctx)
    assert _entries(ours, "fifo") == ([(tarfile.FIFOTYPE, 0o640, 0, 0, 0, "")] * 2 if _modern(engine) else [])


def test_all_kinds_at_once(engine, context_with, buildx_config):
    """The repro: every kind in one context, beside a file and a link."""
    ctx = context_with("socket", "fifo", "chardev", "blockdev")
    os.symlink("ok.txt", ctx / "link")
    ours = session_listing(engine, ctx)
    assert ours == cli_listing(engine, ctx)
    assert _entries(ours, "ok.txt") == [(tarfile.REGTYPE, 0o644, 0, 0, 3, "")]
    assert _entries(ours, "link") == [(tarfile.SYMTYPE, 0o777, 0, 0, 0, "ok.txt")]


def test_hard_links_arrive_as_docker_build_ships_them(engine, context_with, buildx_config):
    """A file with several names goes once; each later name is a hard link to the first
    one sent (one that .dockerignore leaves out is no original). A FIFO's second name too."""
    ctx = context_with("fifo")
    (ctx / "a").write_text("same\n")
    os.link(ctx / "a", ctx / "sub" / "b")
    os.link(ctx / "a", ctx / "c")
    (ctx / "0-left-out").write_text("other\n")
    os.link(ctx / "0-left-out", ctx / "1-kept")
    os.link(ctx / "0-left-out", ctx / "2-kept")
    os.link(ctx / "fifo", ctx / "fifo-too")
    (ctx / ".dockerignore").write_text("0-left-out\n")
    ours = session_listing(engine, ctx)
    assert ours == cli_listing(engine, ctx)
    assert _entries(ours, "a") == [(tarfile.REGTYPE, 0o644, 0, 0, 5, "")]
    assert _entries(ours, "b") == _entries(ours, "c") == [(tarfile.LNKTYPE, 0o644, 0, 0, 0, "c/a")]
    assert _entries(ours, "1-kept") == [(tarfile.REGTYPE, 0o644, 0, 0, 6, "")]
    assert _entries(ours, "2-kept") == [(tarfile.LNKTYPE, 0o644, 0, 0, 0, "c/1-kept")]


def test_unsaved_dockerfile_text_is_not_lent_to_its_other_names(engine, tmp_path):
    """The Dockerfile's unsaved text replaces it in the context; a hard link to the file on
    disk still carries what the disk holds (it is sent as the original, not as a link)."""
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text(TEXT)
    os.link(ctx / "Dockerfile", ctx / "saved")
    unsaved = TEXT + "# not saved yet\n"
    build = Build(BuildRequest(unsaved, str(ctx), str(ctx / "Dockerfile"), backend="buildkit", no_cache=True,
                               labels={TEST_LABEL: "1"}), client=engine.client)
    list(build.events())
    assert build.result.ok, build.result.error
    found = listing(engine.client, build.result.image_id)
    assert _entries(found, "Dockerfile") == [(tarfile.REGTYPE, 0o644, 0, 0, len(unsaved), "")]
    assert _entries(found, "saved") == [(tarfile.REGTYPE, 0o644, 0, 0, len(TEXT), "")]
