"""The forward-only tar reader gives what tarfile gives: every format docker save and layer
tars use, chunk boundaries anywhere, and real layers from the engine."""
from __future__ import annotations

import io
import tarfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.engine.tar_stream import ChunkSource, TarError, entries


def make_tar(fmt, members) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as tar:
        for name, kind, data, link in members:
            info = tarfile.TarInfo(name)
            info.type, info.mode = kind, 0o640
            if kind == tarfile.REGTYPE:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                info.linkname = link
                tar.addfile(info)
    return out.getvalue()


MEMBERS = [
    ("usr", tarfile.DIRTYPE, b"", ""),
    ("usr/bin/" + "x" * 120, tarfile.REGTYPE, b"long name" * 100, ""),  # > 100 bytes: prefix, L or PAX
    ("usr/lib/" + "d" * 90 + "/" + "f" * 60, tarfile.REGTYPE, b"", ""),
    ("etc/caf\u00e9.conf", tarfile.REGTYPE, b"x" * 513, ""),
    ("bin/sh", tarfile.SYMTYPE, b"", "/bin/" + "busybox" * 20),
    ("bin/ls", tarfile.LNKTYPE, b"", "bin/sh"),
    ("tmp/.wh.huge.bin", tarfile.REGTYPE, b"", ""),
    ("d/.wh..wh..opq", tarfile.REGTYPE, b"", ""),
]


def theirs(data: bytes):
    return [(m.name, m.type.decode(), m.size, m.mode, m.linkname) for m in tarfile.open(fileobj=io.BytesIO(data))]


def ours(data: bytes, chunk: int = 1 << 20):
    chunks = [data[i:i + chunk] for i in range(0, len(data), chunk)]
    return [(h.name.rstrip("/"), h.type, h.size, h.mode, h.linkname) for h, _ in entries(ChunkSource(chunks))]


@pytest.mark.parametrize("fmt", [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
def test_formats_read_as_tarfile_reads_them(fmt):
    members = MEMBERS if fmt != tarfile.USTAR_FORMAT else [  # ustar: names split into prefix + name only
        m for m in MEMBERS if len(m[0].rsplit("/", 1)[-1]) <= 100 and len(m[3]) < 100 and "é" not in m[0]]
    data = make_tar(fmt, members)
    assert ours(data) == theirs(data)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=3000))
def test_any_chunk_boundaries(chunk):
    data = make_tar(tarfile.PAX_FORMAT, MEMBERS)
    assert ours(data, chunk) == theirs(data)


def test_contents_can_be_read_or_left():
    data = make_tar(tarfile.GNU_FORMAT, MEMBERS)
    seen = {}
    for header, body in entries(ChunkSource([data])):
        if header.name.startswith("etc/"):
            seen[header.name] = body.read(10)
    assert seen == {"etc/caf\u00e9.conf": b"x" * 10}


def test_garbage_is_not_a_tar():
    with pytest.raises(TarError):
        list(entries(ChunkSource([b'{"schemaVersion": 2}'.ljust(1024, b" ")])))


@pytest.mark.engine
def test_real_layers_read_as_tarfile_reads_them(docker_client):
    saved = b"".join(docker_client.api.get_image("stage-studio-test/busybox:latest"))
    outer = tarfile.open(fileobj=io.BytesIO(saved))
    layers = 0
    for member in outer.getmembers():
        if not member.isfile():
            continue
        data = outer.extractfile(member).read()
        try:
            expected = theirs(data)
        except tarfile.ReadError:
            continue  # a config or manifest
        assert ours(data, 4096) == expected
        layers += 1
    assert layers >= 1
    assert [h.name.rstrip("/") for h, _ in entries(ChunkSource([saved]))] == [m.name for m in outer.getmembers()]


def test_layer_entries_normalise_names_as_normpath_does():
    import posixpath

    from studio.engine.image_archive import layer_entries
    from studio.engine.tar_stream import Bounded

    names = ["./etc/", "usr//bin/x", "/abs", "a/./b", ".hidden", "d/.wh.x", "../evil", ".", "a/b/", "plain/f.txt",
             "x/../y", "..", "./", "d/..hidden"]
    data = make_tar(tarfile.PAX_FORMAT, [(n, tarfile.REGTYPE, b"", "") for n in names])
    expected = [p for p in (posixpath.normpath(n.lstrip("/")) for n in names)
                if p not in (".", "") and not p.startswith("../") and p != ".."]
    got = [e.path for e in layer_entries(Bounded(ChunkSource([data, bytes(1024)]), len(data)))]
    assert got == expected
