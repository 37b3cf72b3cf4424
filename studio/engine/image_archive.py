"""Read an image's layers as file lists, streamed from ``GET /images/{name}/get``.

The engine answers with the ``docker save`` tar: Docker 20.10 writes the legacy layout
(``<id>/layer.tar``, a config ``<hex>.json``, ``manifest.json``), Docker 25+ the OCI
layout (``blobs/sha256/<hex>`` for layers, config and manifests, plus ``index.json`` and
a compatibility ``manifest.json``). Both are read in one pass with ``tarfile`` in stream
mode, outer and inner: nothing is written to disk and file contents are skipped, never
kept. The manifest usually comes last, so layers are keyed by their member name and put
in order at the end. Only small JSON members (configs, manifests) are held in memory.
"""
from __future__ import annotations

import io
import json
import posixpath
import tarfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from studio.core.layer_files import Entry

_BUF = 1 << 20
_JSON_LIMIT = 64 << 20  # a config or manifest larger than this is not one


class ImageArchiveError(Exception):
    """The stream is not an image archive this reader understands (the message says why)."""


class ChunkReader(io.RawIOBase):
    """A read-only file over an iterator of byte chunks (the SDK's streamed response)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        self._pending = memoryview(b"")
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            try:
                self._pending = memoryview(next(self._chunks))
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        self.consumed += n
        return n


class _Prefixed(io.RawIOBase):
    """``head`` then the rest of ``tail``: lets a sniffed member be read from its start."""

    def __init__(self, head: bytes, tail) -> None:
        self._head = memoryview(head)
        self._tail = tail

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._tail.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Gunzip(io.RawIOBase):
    """A streaming gzip reader (gzip.GzipFile wants to seek at its end on some inputs)."""

    def __init__(self, raw) -> None:
        self._raw = raw
        self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._out = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._out:
            data = self._raw.read(_BUF)
            if not data:
                self._out = self._z.flush()
                if not self._out:
                    return 0
                break
            self._out = self._z.decompress(data, len(buffer))
            if self._z.unconsumed_tail:
                self._raw = _Prefixed(self._z.unconsumed_tail, self._raw)
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n


@dataclass
class ImageArchive:
    """What an image's save stream holds: its layers (oldest first) and its config."""

    layers: list[list[Entry]]
    layer_ids: list[str]  # the member each layer came from ("<id>/layer.tar" or "blobs/sha256/<hex>")
    config: dict
    layout: str  # "legacy" | "oci"
    notes: list[str] = field(default_factory=list)

    @property
    def history(self) -> list[dict]:
        """The config's history, oldest first (``created_by``, ``empty_layer``, ``comment``)."""
        return list(self.config.get("history") or [])


def layer_entries(fileobj) -> list[Entry]:
    """Every member of one layer tar, in tar order, contents skipped."""
    entries: list[Entry] = []
    try:
        with tarfile.open(fileobj=fileobj, mode="r|", bufsize=_BUF) as layer:
            for m in layer:
                name = posixpath.normpath(m.name.lstrip("/"))
                if name in (".", "") or name.startswith("../"):
                    continue
                entries.append(Entry(name, m.type.decode("latin-1") or "0", m.size, m.mode, m.linkname))
    except tarfile.ReadError as exc:
        if "empty file" in str(exc):
            return entries  # a layer with no files (an empty tar) is fine
        raise
    return entries


def read_archive(stream) -> ImageArchive:
    """Read a ``docker save`` stream (a file-like object) of ONE image."""
    layers: dict[str, list[Entry]] = {}
    links: dict[str, str] = {}
    small: dict[str, bytes] = {}
    try:
        outer = tarfile.open(fileobj=stream, mode="r|", bufsize=_BUF)
    except tarfile.ReadError as exc:
        raise ImageArchiveError(f"the engine's answer is not an image archive: {exc}") from None
    with outer:
        for member in outer:
            name = posixpath.normpath(member.name)
            if member.issym() and name.endswith(".tar"):
                links[name] = posixpath.normpath(posixpath.join(posixpath.dirname(name), member.linkname))
                continue
            if not member.isfile():
                continue
            body = outer.extractfile(member)
            if name.endswith(".tar") and not name.startswith("blobs/"):
                layers[name] = layer_entries(body)
            elif name.endswith(".json") or name in ("repositories", "oci-layout"):
                if member.size <= _JSON_LIMIT:
                    small[name] = body.read()
            elif name.startswith("blobs/"):
                _read_blob(name, member.size, body, layers, small)
    return _assemble(layers, links, small)


def _read_blob(name: str, size: int, body, layers: dict, small: dict) -> None:
    """An OCI blob is a layer (tar, maybe gzip), a JSON document, or something to skip."""
    head = body.read(1024)
    first = head.lstrip()[:1]
    if first in (b"{", b"[") and size <= _JSON_LIMIT:
        small[name] = head + body.read()
        return
    raw = _Prefixed(head, body)
    if head[:2] == b"\x1f\x8b":
        raw = _Gunzip(raw)
    elif head[:4] == b"\x28\xb5\x2f\xfd":
        raise ImageArchiveError(f"layer {name} is zstd-compressed, which this reader does not unpack")
    try:
        layers[name] = layer_entries(io.BufferedReader(raw, _BUF))
    except tarfile.ReadError:
        pass  # not a tar: an attestation or other blob the image does not list as a layer


def _assemble(layers: dict, links: dict, small: dict) -> ImageArchive:
    if "manifest.json" not in small:
        raise ImageArchiveError("the image archive has no manifest.json")
    try:
        manifests = json.loads(small["manifest.json"])
    except ValueError as exc:
        raise ImageArchiveError(f"the image archive's manifest.json is not JSON: {exc}") from None
    if not manifests:
        raise ImageArchiveError("the image archive's manifest.json lists no image")
    first = manifests[0]
    notes = []
    if len(manifests) > 1:
        notes.append(f"the archive holds {len(manifests)} images; the first is read")
    config_name = posixpath.normpath(first.get("Config") or "")
    if config_name not in small:
        raise ImageArchiveError(f"the image config {config_name!r} is missing from the archive")
    config = json.loads(small[config_name])
    ordered, ids = [], []
    for layer in first.get("Layers") or []:
        key = posixpath.normpath(layer)
        key = links.get(key, key)  # 20.10 saves a layer identical to an earlier one as a symlink
        if key not in layers:
            raise ImageArchiveError(f"layer {layer} is listed in the manifest but missing from the archive")
        ordered.append(layers[key])
        ids.append(key)
    layout = "oci" if "oci-layout" in small or "index.json" in small else "legacy"
    return ImageArchive(ordered, ids, config, layout, notes)


def save_stream(api, image: str) -> ChunkReader:
    """The engine's save stream of ``image`` as a file (``GET /images/{name}/get``)."""
    return ChunkReader(api.get_image(image, chunk_size=_BUF))
