"""ADD unpacks a local file when its content is a tar archive (plain or gzip/bzip2/xz
compressed), whatever its name; add-instead-of-copy offers COPY only when it checked that
no source is one. What the engine does with each case is checked in
tests/engine/test_lint_fixes_build.py."""
from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile

import pytest

from studio.core import apply_edits, parse
from studio.core.archives import Unpack, unpack_kind
from studio.core.lint import fix_all, lint


def tar_bytes() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        info = tarfile.TarInfo("inner")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"hi\n"))
    return out.getvalue()


@pytest.mark.parametrize("content,kind", [
    (tar_bytes(), Unpack.ARCHIVE),
    (gzip.compress(tar_bytes()), Unpack.ARCHIVE),
    (bz2.compress(tar_bytes()), Unpack.ARCHIVE),
    (lzma.compress(tar_bytes()), Unpack.ARCHIVE),
    (b"\x28\xb5\x2f\xfd" + bytes(600), Unpack.UNKNOWN),  # zstd: Python cannot look inside
    (b"plain text\n" * 100, Unpack.PLAIN),
    (gzip.compress(b"just text, gzipped\n" * 100), Unpack.PLAIN),  # compressed, but no tar inside
    (bytes(1024), Unpack.PLAIN),  # a zero block is the end of a tar: nothing to unpack
    (b"", Unpack.PLAIN),
    (b"\x1f\x8b\x08broken", Unpack.PLAIN),
    (tar_bytes()[:511], Unpack.PLAIN),
])
def test_unpack_kind_reads_the_content(tmp_path, content, kind):
    path = tmp_path / "data.bin"
    path.write_bytes(content)
    assert unpack_kind(path) is kind


def findings(text: str, context) -> list:
    return [f for f in lint(parse(text), context_dir=context) if f.code == "add-instead-of-copy"]


def test_plain_sources_get_the_fix(tmp_path):
    (tmp_path / "x.conf").write_text("a=1\n")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "inner.tar").write_bytes(tar_bytes())  # inside a folder: copied as is
    text = "from a:1\nadd x.conf dir /x/\n"
    (finding,) = findings(text, tmp_path)
    assert finding.fix is not None and "none is an archive" in finding.message
    assert apply_edits(text, finding.fix(parse(text))) == "from a:1\ncopy x.conf dir /x/\n"
    fixed, done = fix_all(text, enabled={"add-instead-of-copy"}, context_dir=tmp_path)
    assert fixed == "from a:1\ncopy x.conf dir /x/\n" and [f.code for f in done] == ["add-instead-of-copy"]


@pytest.mark.parametrize("source", ["data.bin", "*.bin", "./sub/../data.bin", "/data.bin"])
def test_an_archive_by_content_is_left_to_add(tmp_path, source):
    (tmp_path / "data.bin").write_bytes(gzip.compress(tar_bytes()))
    text = f"FROM a:1\nADD {source} /4/\n"
    assert findings(text, tmp_path) == []
    assert fix_all(text, context_dir=tmp_path)[0] == text


@pytest.mark.parametrize("source,why", [
    ("missing.txt", "is not in"),
    ("../outside.txt", "is not in"),
    ("d[ab].txt", "does not expand"),
])
def test_what_cannot_be_checked_gets_no_fix(tmp_path, source, why):
    (tmp_path / "da.txt").write_text("x")
    (finding,) = findings(f"FROM a:1\nADD {source} /x\n", tmp_path)
    assert finding.fix is None and why in finding.message and "no quick fix" in finding.message


def test_without_a_context_the_finding_says_so(tmp_path):
    (finding,) = findings("FROM a:1\nADD x.conf /x\n", None)
    assert finding.fix is None and "the build context is not known" in finding.message


def test_a_symlink_out_of_the_context_is_not_followed(tmp_path):
    outside = tmp_path / "outside.tar"
    outside.write_bytes(tar_bytes())
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "link.bin").symlink_to(outside)
    (finding,) = findings("FROM a:1\nADD link.bin /x\n", ctx)
    assert finding.fix is None and "out of the context" in finding.message
