"""Whether a local file is one ADD would unpack.

Docker decides by content, not by name (moby's ``IsArchivePath``, which BuildKit's ADD
follows for Docker compatibility): the file is opened, a gzip, bzip2, xz or zstd stream is
decompressed when its magic bytes say so, and it is an archive when a tar reader then
reads a first header without error. So ``data.bin`` holding a .tar.gz is unpacked, and
``notes.tar`` holding text is copied. Lint must know which, or "use COPY" changes the image.
"""
from __future__ import annotations

import bz2
import gzip
import lzma
import tarfile
from enum import Enum
from pathlib import Path

_GZIP, _BZIP2, _XZ, _ZSTD = b"\x1f\x8b\x08", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd"


class Unpack(Enum):
    ARCHIVE = "archive"  # ADD unpacks it
    PLAIN = "plain"  # ADD copies it as it is
    UNKNOWN = "unknown"  # cannot tell here (unreadable, or zstd, which Python cannot read)


def _first_block(path: Path) -> bytes | None:
    """The first 512 bytes of the (decompressed) stream; None when this cannot be read."""
    with open(path, "rb") as raw:
        magic = raw.read(6)
        raw.seek(0)
        if magic.startswith(_ZSTD):
            return None
        if magic.startswith(_GZIP):
            stream = gzip.GzipFile(fileobj=raw)
        elif magic.startswith(_BZIP2):
            stream = bz2.BZ2File(raw)
        elif magic.startswith(_XZ):
            stream = lzma.LZMAFile(raw)
        else:
            return raw.read(512)
        try:
            with stream:
                return stream.read(512)
        except (OSError, EOFError, lzma.LZMAError):
            return b""  # a broken stream: Docker's tar reader fails on it too, so it is copied


def unpack_kind(path: str | Path) -> Unpack:
    """What ADD does with the regular file at ``path`` (folders are copied, never unpacked)."""
    try:
        block = _first_block(Path(path))
    except OSError:
        return Unpack.UNKNOWN
    if block is None:
        return Unpack.UNKNOWN
    if len(block) < 512:
        return Unpack.PLAIN  # Go's tar reader needs a whole header block
    try:
        tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
    except tarfile.HeaderError:
        return Unpack.PLAIN
    return Unpack.ARCHIVE
