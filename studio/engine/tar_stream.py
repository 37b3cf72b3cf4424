"""A forward-only tar reader over a stream of byte chunks, for image archives.

``tarfile`` in stream mode reads an image correctly but slowly: its header parsing and
buffer slicing cost ~14.8 s for a 77 MB, 20,000-file image here (dive: ~6 s for the
whole job), and every byte of file data is copied several times on the way to being
skipped. This reader parses the 512-byte headers with slices and ``int(..., 8)``, skips
file contents by advancing over the engine's chunks (no copy), and reads a layer tar
nested in the archive through a bounded view of the same stream. It understands what
``docker save`` and layer tars use: ustar (with its name prefix), GNU long names and
links (``L``/``K``), PAX extended headers (``x``: path, linkpath, size; ``g`` ignored) and
base-256 sizes. A header whose checksum is wrong is an error (the stream is not a tar);
tests compare every entry with ``tarfile`` on real layers.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

BLOCK = 512


class TarError(ValueError):
    """The bytes are not a tar stream (or it ends in the middle of an entry)."""


class Header(NamedTuple):
    name: str
    type: str  # "0" file, "5" dir, "2" symlink, "1" hard link, ...
    size: int
    mode: int
    linkname: str


class ChunkSource:
    """Bytes from an iterator of chunks, read or skipped without joining the chunks."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._chunk = memoryview(b"")
        self._pos = 0
        self.consumed = 0

    def _next_chunk(self) -> bool:
        for chunk in self._chunks:
            if chunk:
                self._chunk, self._pos = memoryview(chunk), 0
                return True
        return False

    def read(self, n: int) -> bytes:
        """Up to ``n`` bytes (fewer only at the end of the stream)."""
        left = len(self._chunk) - self._pos
        if left >= n:
            out = self._chunk[self._pos:self._pos + n].tobytes()
            self._pos += n
            self.consumed += n
            return out
        parts = [self._chunk[self._pos:].tobytes()]
        got = left
        self._pos = len(self._chunk)
        while got < n and self._next_chunk():
            take = min(n - got, len(self._chunk))
            parts.append(self._chunk[:take].tobytes())
            self._pos = take
            got += take
        self.consumed += got
        return b"".join(parts)

    def skip(self, n: int) -> int:
        """Drop ``n`` bytes; returns how many there were."""
        done = 0
        while done < n:
            left = len(self._chunk) - self._pos
            if left == 0:
                if not self._next_chunk():
                    break
                continue
            take = min(n - done, left)
            self._pos += take
            done += take
        self.consumed += done
        return done


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
    return raw.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def _number(raw: bytes) -> int:
    if raw[:1] and raw[0] & 0x80:  # base-256 (GNU): sizes of 8 GiB and more
        value = int.from_bytes(raw, "big", signed=False) & ~(0x80 << (8 * (len(raw) - 1)))
        return value
    text = raw.split(b"\0", 1)[0].strip()
    return int(text, 8) if text else 0


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


def entries(source) -> Iterator[tuple[Header, Bounded]]:
    """Each entry with a bounded view of its contents; unread contents are skipped
    before the next header is read, so the caller may read, or not."""
    pending: dict[str, str] = {}
    while True:
        block = source.read(BLOCK)
        if len(block) < BLOCK:
            if block.strip(b"\0"):
                raise TarError("the tar stream ends inside a header")
            return
        if not block.strip(b"\0"):
            return  # end of archive
        stored = _number(block[148:156])
        if stored != sum(block[:148]) + 256 + sum(block[156:]):
            raise TarError("not a tar stream (a header's checksum is wrong)")
        kind = chr(block[156]) if block[156] else "0"
        size = _number(block[124:136])
        name = block[0:100]
        if block[257:263] == b"ustar\x00" and block[345] != 0:
            name = block[345:500].split(b"\0", 1)[0] + b"/" + name.split(b"\0", 1)[0]
        body = Bounded(source, size)
        if kind in ("x", "g", "L", "K"):
            data = body.read(size)
            body.finish()
            source.skip(-size % BLOCK)
            if kind == "x":
                pending.update(_pax(data))
            elif kind == "L":
                pending["path"] = _text(data)
            elif kind == "K":
                pending["linkpath"] = _text(data)
            continue
        header = Header(pending.get("path", None) or _text(name), kind, int(pending.get("size", size)),
                        _number(block[100:108]), pending.get("linkpath", None) or _text(block[157:257]))
        pending = {}
        body = Bounded(source, header.size)
        yield header, body
        body.finish()
        source.skip(-header.size % BLOCK)
