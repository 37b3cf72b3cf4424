"""A forward-only tar reader over a stream of byte chunks, for image archives.

``tarfile`` in stream mode reads an image correctly but slowly (~14.8 s for a 77 MB,
20,000-file image here; dive: ~6 s for the whole job), and copies every byte of file data
on the way to skipping it. This reader copies only the 512-byte headers out of the
engine's chunks, skips file contents by moving a position (no copy), and reads a layer
tar nested in the archive in place (``layer_headers``: one tight loop, no object per
entry but its tuple). It understands what ``docker save`` and layer tars use: ustar (with
its name prefix), GNU long names and links (``L``/``K``), PAX extended headers (``x``:
path, linkpath, size; ``g`` ignored) and base-256 numbers. A header whose checksum is
wrong is an error (the stream is not a tar); tests compare every entry with ``tarfile``.
"""
from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Iterator
from typing import NamedTuple

BLOCK = 512
_KIND = [chr(i) for i in range(256)]
_KIND[0] = "0"  # pre-POSIX tars mark regular files with NUL
_META = ("x", "g", "L", "K")
_ENDS = (0, 32)  # a number field ends with NUL or space
_SIGNED = struct.Struct("148b8x356b")


class TarError(ValueError):
    """The bytes are not a tar stream (or it ends in the middle of an entry)."""


class Header(NamedTuple):
    name: str
    type: str  # "0" file, "5" dir, "2" symlink, "1" hard link, ...
    size: int
    mode: int
    linkname: str


class ChunkSource:
    """Bytes from an iterator of chunks, read or skipped without joining the chunks.

    A chunk is only looked at until the next one is asked for, so a producer may hand out
    the same buffer, refilled, every time (``reused_buffer_chunks``)."""

    def __init__(self, chunks: Iterable) -> None:
        self._chunks = iter(chunks)
        self._view = memoryview(b"")
        self._pos = 0
        self._base = 0  # stream offset of the current chunk's first byte

    @property
    def consumed(self) -> int:
        return self._base + self._pos

    def _next_chunk(self) -> bool:
        for chunk in self._chunks:
            if chunk:
                self._base += len(self._view)
                self._view, self._pos = memoryview(chunk).cast("B"), 0
                return True
        self._base += self._pos
        self._view, self._pos = memoryview(b""), 0
        return False

    def read(self, n: int) -> bytes:
        """Up to ``n`` bytes (fewer only at the end of the stream)."""
        pos = self._pos
        end = pos + n
        if end <= len(self._view):
            self._pos = end
            return self._view[pos:end].tobytes()
        parts = [self._view[pos:].tobytes()]
        got = len(parts[0])
        self._pos = len(self._view)
        while got < n and self._next_chunk():
            take = min(n - got, len(self._view))
            parts.append(self._view[:take].tobytes())
            self._pos = take
            got += take
        return b"".join(parts)

    def skip(self, n: int) -> int:
        """Drop ``n`` bytes; returns how many there were."""
        end = self._pos + n
        if end <= len(self._view):
            self._pos = end
            return n
        done = len(self._view) - self._pos
        self._pos = len(self._view)
        while done < n and self._next_chunk():
            take = min(n - done, len(self._view))
            self._pos = take
            done += take
        return done


def reused_buffer_chunks(readinto, size: int = 1 << 20) -> Iterator[memoryview]:
    """Chunks of a stream read with ``readinto`` into one buffer, refilled for each chunk
    (one fresh megabyte per chunk would cost a page fault per 4 KiB)."""
    buf = bytearray(size)
    view = memoryview(buf)
    while True:
        n = readinto(buf)
        if not n:
            return
        yield view[:n]


class Bounded:
    """The next ``size`` bytes of a source: one member's contents, read as a stream."""

    def __init__(self, source, size: int) -> None:
        self._source, self.left = source, size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        data = self._source.read(n)
        self.left -= len(data)
        return data

    def skip(self, n: int) -> int:
        done = self._source.skip(min(n, self.left))
        self.left -= done
        return done

    def finish(self) -> None:
        """Skip what the reader left unread."""
        self.skip(self.left)


def _text(raw: bytes) -> str:
    end = raw.find(0)
    return (raw if end < 0 else raw[:end]).decode("utf-8", "surrogateescape")


def _number(raw: bytes) -> int:
    if raw[:1] and raw[0] & 0x80:  # base-256 (GNU): sizes of 8 GiB and more
        return int.from_bytes(raw, "big", signed=False) & ~(0x80 << (8 * (len(raw) - 1)))
    text = raw.split(b"\0", 1)[0].strip()
    return int(text, 8) if text else 0


def _checked(block: bytes) -> bool:
    """The header checksum: the unsigned byte sum with the checksum field read as spaces.
    Adler-32's low half is 1 + the byte sum mod 65521, exact for 256 bytes (<= 65,280), so
    two C calls give the sum; old writers summed signed bytes, tried when that fails."""
    try:  # "012345\0 " as writers put it; anything else the long way
        stored = int(block[148:154], 8) if block[154] in _ENDS else _number(block[148:156])
    except ValueError:
        stored = _number(block[148:156])
    total = (zlib.adler32(block[:256]) & 0xFFFF) + (zlib.adler32(block[256:]) & 0xFFFF) - 2
    if stored == total - sum(block[148:156]) + 256:
        return True
    return stored == sum(_SIGNED.unpack(block)) + 256


def _fields(block: bytes, pending: dict | None) -> tuple[str, str, int, int, str]:
    """(name, kind, size, mode, linkname) of a checked header, PAX/GNU overrides applied."""
    kind = _KIND[block[156]]
    try:  # the usual "0001750\0" read in one call; int() refuses NULs and base-256 bytes
        size = int(block[124:135], 8) if block[135] in _ENDS else _number(block[124:136])
        mode = int(block[100:107], 8) if block[107] in _ENDS else _number(block[100:108])
    except ValueError:
        size, mode = _number(block[124:136]), _number(block[100:108])
    end = block.find(0, 0, 100)
    name = block[:100] if end < 0 else block[:end]
    if block[345] and block[257:263] == b"ustar\x00":
        end = block.find(0, 345, 500)
        name = block[345:500 if end < 0 else end] + b"/" + name
    name = name.decode("utf-8", "surrogateescape")
    link = _text(block[157:257]) if block[157] else ""
    if pending:
        name = pending.get("path") or name
        link = pending.get("linkpath") or link
        size = int(pending.get("size", size))
    return name, kind, size, mode, link


def _pax(body: bytes) -> dict[str, str]:
    out, at = {}, 0
    while at < len(body):
        space = body.find(b" ", at)
        if space < 0:
            break
        length = int(body[at:space])
        if length <= 0:
            break
        key, _, value = body[space + 1:at + length - 1].partition(b"=")
        out[key.decode("utf-8", "replace")] = value.decode("utf-8", "surrogateescape")
        at += length
    return out


def _meta(kind: str, data: bytes, pending: dict) -> None:
    """Fold a PAX (``x``) or GNU long name/link (``L``/``K``) entry into ``pending``."""
    if kind == "x":
        pending.update(_pax(data))
    elif kind == "L":
        pending["path"] = _text(data)
    elif kind == "K":
        pending["linkpath"] = _text(data)


def _next_block(source) -> bytes | None:
    """The next header block, or None at the end of the archive."""
    block = source.read(BLOCK)
    if len(block) < BLOCK:
        if block.strip(b"\0"):
            raise TarError("the tar stream ends inside a header")
        return None
    if block[148] == 0 and not block.strip(b"\0"):  # a real header's checksum field is never empty
        return None
    if not _checked(block):
        raise TarError("not a tar stream (a header's checksum is wrong)")
    return block


def entries(source) -> Iterator[tuple[Header, Bounded]]:
    """Each entry with a bounded view of its contents; unread contents are skipped
    before the next header is read, so the caller may read, or not."""
    pending: dict[str, str] = {}
    while True:
        block = _next_block(source)
        if block is None:
            return
        name, kind, size, mode, link = _fields(block, pending)
        if kind in _META:
            _meta(kind, source.read(size), pending)
            source.skip(-size % BLOCK)
            continue
        pending = {}
        body = Bounded(source, size)
        yield Header(name, kind, size, mode, link), body
        body.finish()
        source.skip(-size % BLOCK)


def layer_headers(body) -> list[tuple[str, str, int, int, str]]:
    """``(name, kind, size, mode, linkname)`` of every entry of the tar ``body`` (a member
    of the archive, or a stream with ``read`` and ``skip``), contents skipped; what follows
    the tar's end in a member is skipped."""
    source, stop = body, 0
    if isinstance(body, Bounded) and isinstance(body._source, ChunkSource):  # read in place
        source = body._source
        stop = source.consumed + body.left
    out = []
    append = out.append
    pending: dict[str, str] = {}
    read, skip = source.read, source.skip
    while True:
        if stop and source._base + source._pos >= stop:  # (``consumed``, without the call)
            break
        block = _next_block(source)
        if block is None:
            break
        fields = _fields(block, pending)
        size = fields[2]
        if fields[1] in _META:
            _meta(fields[1], read(size), pending)
            skip(-size % BLOCK)
            continue
        if pending:
            pending = {}
        append(fields)
        skip(size + (-size % BLOCK))
    if stop:
        left = stop - source.consumed
        if left < 0:
            raise TarError("a layer tar runs past the end of its member")
        body.left = left
    if isinstance(body, Bounded):
        body.finish()
    return out
