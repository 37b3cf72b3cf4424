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


def test_a_dockerfile_inside_the_context_travels_as_its_own_entry(context_dir):
    dockerfile = context_dir / "sub" / "app.Dockerfile"
    dockerfile.parent.mkdir()
    dockerfile.write_text("FROM scratch\n")
    dockerfile.chmod(0o640)
    saved = scan(context_dir, "FROM scratch\n", NAME, dockerfile, hide_outside=True)
    entry = next(e for e in saved.entries if e.name == "sub/app.Dockerfile")
    assert saved.dockerfile == "sub/app.Dockerfile" and entry.path == dockerfile and not saved.dockerfile_added
    assert NAME not in {e.name for e in saved.entries}
    unsaved = scan(context_dir, "FROM scratch\nLABEL a=b\n", NAME, dockerfile, hide_outside=True)
    entry = next(e for e in unsaved.entries if e.name == "sub/app.Dockerfile")
    assert entry.data == b"FROM scratch\nLABEL a=b\n" and entry.info.size == len(entry.data)
    assert entry.info.mode == 0o640 and dockerfile.read_text() == "FROM scratch\n"


def test_a_dockerfile_from_elsewhere_is_listed_in_dockerignore_as_the_cli_does(context_dir, tmp_path):
    outside = tmp_path / "elsewhere.Dockerfile"
    outside.write_text("FROM scratch\n")
    ctx = scan(context_dir, "FROM scratch\n", ".dockerfile.0123456789abcdef0123", outside, hide_outside=True)
    by_name = {e.name: e for e in ctx.entries}
    assert ctx.dockerfile == ".dockerfile.0123456789abcdef0123" and ctx.dockerfile_added
    assert by_name[".dockerignore"].data == b"*.key\n\n.dockerfile.0123456789abcdef0123\n"
    (context_dir / ".dockerignore").unlink()
    ctx = scan(context_dir, "FROM scratch\n", ".dockerfile.0123456789abcdef0123", None, hide_outside=True)
    assert {e.name: e for e in ctx.entries}[".dockerignore"].data == b".dockerignore\n.dockerfile.0123456789abcdef0123\n"
    assert sum(e.tar_size for e in ctx.entries) + 1024 == ctx.size


def test_a_dockerfile_that_dockerignore_leaves_out_is_still_sent(context_dir):
    dockerfile = context_dir / "Dockerfile"
    dockerfile.write_text("FROM scratch\n")
    (context_dir / ".dockerignore").write_text("Dockerfile\n")
    ctx = scan(context_dir, "FROM scratch\n", NAME, dockerfile, hide_outside=True)
    assert ctx.dockerfile == "Dockerfile" and ctx.dockerfile_added
    assert [e.name for e in ctx.entries].count("Dockerfile") == 1
