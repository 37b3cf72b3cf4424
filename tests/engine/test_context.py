"""The build context tar: exact size before upload, GNU/USTAR (never PAX), streamed, .dockerignore."""
from __future__ import annotations

import io
import os
import tarfile

import pytest

from studio.engine import context as build_context
from studio.engine.context import ContextError, scan

NAME = ".stage-studio.Dockerfile"


def _tar(ctx) -> tuple[bytes, list[bytes]]:
    chunks = list(ctx.chunks())
    return b"".join(chunks), chunks


def test_size_is_known_before_upload_and_matches_the_stream(context_dir):
    (context_dir / "sub" / "deep").mkdir(parents=True)
    (context_dir / "sub" / "deep" / ("n" * 150)).write_bytes(os.urandom(3000))  # needs a GNU long name
    os.symlink("a.txt", context_dir / "link")
    ctx = scan(context_dir, "FROM scratch\n", NAME)
    data, _ = _tar(ctx)
    assert len(data) == ctx.size
    names = tarfile.open(fileobj=io.BytesIO(data)).getnames()
    assert NAME in names and "a.txt" in names and ".dockerignore" in names
    assert "secret.key" not in names
    assert f"sub/deep/{'n' * 150}" in names and "link" in names
    assert b"PaxHeader" not in data and b"@PAXHEADER" not in data.upper()


def test_dockerfile_text_is_sent_not_read(context_dir):
    (context_dir / NAME).write_text("stale file on disk")
    ctx = scan(context_dir, "FROM scratch\nCOPY a.txt /\n", NAME)
    tar = tarfile.open(fileobj=io.BytesIO(_tar(ctx)[0]))
    members = [m for m in tar.getmembers() if m.name == NAME]
    assert len(members) == 1
    assert tar.extractfile(members[0]).read() == b"FROM scratch\nCOPY a.txt /\n"


def test_stream_is_chunked_not_held_in_memory(context_dir):
    (context_dir / "big.bin").write_bytes(b"\0" * (3 * build_context.CHUNK + 17))
    ctx = scan(context_dir, "FROM scratch\n", NAME)
    _, chunks = _tar(ctx)
    assert max(len(c) for c in chunks) <= build_context.CHUNK
    assert sum(map(len, chunks)) == ctx.size


def test_large_context_warns(context_dir, monkeypatch):
    monkeypatch.setattr(build_context, "LARGE_CONTEXT", 100)
    (context_dir / "big.bin").write_bytes(b"x" * 1000)
    ctx = scan(context_dir, "FROM scratch\n", NAME)
    assert ctx.warning and "MB" in ctx.warning


def test_dockerfile_specific_ignore_file_wins(context_dir, tmp_path):
    dockerfile = tmp_path / "app.Dockerfile"
    (tmp_path / "app.Dockerfile.dockerignore").write_text("a.txt\n")
    ctx = scan(context_dir, "FROM scratch\n", NAME, dockerfile)
    names = {e.name for e in ctx.entries}
    assert "a.txt" not in names and "secret.key" in names


def test_excluded_directory_is_not_walked_unless_reincluded(context_dir):
    (context_dir / "node_modules" / "x").mkdir(parents=True)
    (context_dir / "node_modules" / "x" / "f.js").write_text("1")
    (context_dir / "out").mkdir()
    (context_dir / "out" / "keep.txt").write_text("k")
    (context_dir / "out" / "drop.txt").write_text("d")
    (context_dir / ".dockerignore").write_text("node_modules\nout\n!out/keep.txt\n")
    names = {e.name for e in scan(context_dir, "FROM scratch\n", NAME).entries}
    assert not any(n.startswith("node_modules") for n in names)
    assert "out/keep.txt" in names and "out/drop.txt" not in names


def test_missing_context_is_a_clear_error(tmp_path):
    with pytest.raises(ContextError, match="not a directory"):
        scan(tmp_path / "nope", "FROM scratch\n", NAME)


def test_cancel_stops_the_stream(context_dir):
    ctx = scan(context_dir, "FROM scratch\n", NAME)
    with pytest.raises(InterruptedError):
        list(ctx.chunks(lambda: True))


def test_dockerfile_only_context(context_dir):
    ctx = scan(context_dir, "FROM scratch\n", NAME, files=False)
    names = tarfile.open(fileobj=io.BytesIO(_tar(ctx)[0])).getnames()
    assert names == [NAME] and ctx.files == 1
