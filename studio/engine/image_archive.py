"""Read an image's layers as file lists, streamed from ``GET /images/{name}/get``.

The engine answers with the ``docker save`` tar: Docker 20.10 writes the legacy layout
(``<id>/layer.tar``, a config ``<hex>.json``, ``manifest.json``), Docker 25+ the OCI
layout (``blobs/sha256/<hex>`` for layers, config and manifests, plus ``index.json`` and
a compatibility ``manifest.json``). Both are read in one forward pass, outer and inner
(``tar_stream``: tarfile's stream mode was three times slower than dive here): nothing
is written to disk and file contents are skipped, never kept. The manifest usually comes last, so layers are keyed by their member name and put
in order at the end. Only small JSON members (configs, manifests) are held in memory.
"""
from __future__ import annotations

import json
import posixpath
import re
import threading
import zlib
from dataclasses import dataclass, field
from urllib.parse import quote

from studio.core.layer_files import Entry
from studio.engine import sdk
from studio.engine.socket_reader import BodyError, body_chunks
from studio.engine.tar_stream import ChunkSource, TarError, entries, layer_headers, reused_buffer_chunks

_BUF = 1 << 20
# Docker 20.10 writes the whole image to a temporary directory before its first byte: a 1 GB
# image took 35 s to answer here under load, past the client's usual read timeout.
SAVE_TIMEOUT = 900.0
_ODD_NAME = re.compile(r"^/|//|(^|/)\.\.?(/|$)")  # what normpath would change (a trailing "/" aside)

_JSON_LIMIT = 64 << 20  # a config or manifest larger than this is not one


class ImageArchiveError(Exception):
    """The stream is not an image archive this reader understands (the message says why)."""


class _HeadThen:
    """``head`` then the rest of ``body``: a sniffed member read from its start."""

    def __init__(self, head: bytes, body) -> None:
        self._head, self._body = head, body

    def read(self, n: int) -> bytes:
        if not self._head:
            return self._body.read(n)
        out, self._head = self._head[:n], self._head[n:]
        return out + self._body.read(n - len(out)) if len(out) < n else out

    def skip(self, n: int) -> int:
        from_head = len(self.read(min(n, len(self._head))))
        return from_head + (self._body.skip(n - from_head) if n > from_head else 0)


class _Gunzip:
    """A gzip-compressed member, decompressed as it is read."""

    def __init__(self, body) -> None:
        self._body = body
        self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._out = b""

    def read(self, n: int) -> bytes:
        while len(self._out) < n:
            data = self._body.read(_BUF)
            if not data:
                self._out += self._z.flush()
                break
            self._out += self._z.decompress(data)
        out, self._out = self._out[:n], self._out[n:]
        return out

    def skip(self, n: int) -> int:
        done = 0
        while done < n:
            got = len(self.read(min(n - done, _BUF)))
            if not got:
                break
            done += got
        return done


@dataclass
class ImageArchive:
    """What an image's save stream holds: its layers (oldest first) and its config."""

    layers: list[list[Entry]]
    layer_ids: list[str]  # each layer's member ("<id>/layer.tar" or "blobs/sha256/<hex>"), a link's own name
    config: dict
    layout: str  # "legacy" | "oci"
    notes: list[str] = field(default_factory=list)

    @property
    def history(self) -> list[dict]:
        """The config's history, oldest first (``created_by``, ``empty_layer``, ``comment``)."""
        return list(self.config.get("history") or [])


def layer_entries(source) -> list[Entry]:
    """Every member of one layer tar, in tar order, contents skipped."""
    out: list[Entry] = []
    append, new, odd = out.append, tuple.__new__, _ODD_NAME.search
    for fields in layer_headers(source):
        name = fields[0]
        # the regular expression only for the few names that may need it (a dot after a slash...)
        if name[-1:] == "/" or not name or (("/." in name or "//" in name or name[0] in "/.") and odd(name)):
            name = posixpath.normpath(name.lstrip("/"))
            if name in (".", "", "..") or name.startswith("../"):  # nothing outside the root
                continue
            fields = (name,) + fields[1:]
        append(new(Entry, fields))
    return out


def read_archive(stream, sink=None) -> ImageArchive:
    """Read a ``docker save`` stream of ONE image: a ChunkSource, or a file to read.
    ``sink`` (``layer_order.EarlyStack``) is handed each layer, layer link and legacy
    layer ``json`` as it is read."""
    source = stream if isinstance(stream, ChunkSource) else ChunkSource(iter(lambda: stream.read(_BUF), b""))
    layers: dict[str, list[Entry]] = {}
    links: dict[str, str] = {}
    small: dict[str, bytes] = {}
    try:
        for member, body in entries(source):
            name = posixpath.normpath(member.name)
            if member.type == "2" and name.endswith(".tar"):
                links[name] = posixpath.normpath(posixpath.join(posixpath.dirname(name), member.linkname))
                if sink is not None:
                    sink.link(name, links[name])
            elif member.type not in ("0", "7"):
                continue
            elif name.endswith(".tar") and not name.startswith("blobs/"):
                layers[name] = layer_entries(body)
                if sink is not None:
                    sink.layer(name, layers[name])
            elif name.endswith(".json") or name in ("repositories", "oci-layout"):
                if member.size <= _JSON_LIMIT:
                    small[name] = body.read(member.size)
            elif name.startswith("blobs/"):
                _read_blob(name, member.size, body, layers, small)
                if sink is not None and name in layers:
                    sink.layer(name, layers[name])
            elif sink is not None and name.endswith("/json") and member.size <= _JSON_LIMIT:
                sink.legacy_json(posixpath.dirname(name), body.read(member.size))
    except TarError as exc:
        raise ImageArchiveError(f"the engine's answer is not an image archive: {exc}") from None
    except BodyError as exc:
        raise ImageArchiveError(str(exc)) from None
    return _assemble(layers, links, small)


def _read_blob(name: str, size: int, body, layers: dict, small: dict) -> None:
    """An OCI blob is a layer (tar, maybe gzip), a JSON document, or something to skip."""
    head = body.read(1024)
    first = head.lstrip()[:1]
    if first in (b"{", b"[") and size <= _JSON_LIMIT:
        small[name] = head + body.read(size)
        return
    source = _HeadThen(head, body)
    if head[:2] == b"\x1f\x8b":
        source = _Gunzip(source)
    elif head[:4] == b"\x28\xb5\x2f\xfd":
        raise ImageArchiveError(f"layer {name} is zstd-compressed, which this reader does not unpack")
    try:
        layers[name] = layer_entries(source)
    except TarError:
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
        name = posixpath.normpath(layer)
        key = links.get(name, name)  # 20.10 saves a layer identical to an earlier one as a symlink
        if key not in layers:
            raise ImageArchiveError(f"layer {layer} is listed in the manifest but missing from the archive")
        ordered.append(layers[key])
        ids.append(name)  # its own name, not the one it links to
    layout = "oci" if "oci-layout" in small or "index.json" in small else "legacy"
    return ImageArchive(ordered, ids, config, layout, notes)


class PendingSave:
    """An image inspected and its save stream requested on a thread: the engine (20.10
    writes the whole image before its first byte) works while the caller goes on (imports,
    parsing a Dockerfile); ``stream()`` waits for the answer, raising what the request raised.
    With ``early`` (``early_save.EarlySave``, sent before the SDK was loaded) that request is
    already on its way and no other is made."""

    def __init__(self, api, image: str, early=None) -> None:
        self.inspected = api.inspect_image(image)
        self.early = early
        self._answer: list = []
        self._thread = None
        if early is None:
            self._thread = threading.Thread(target=self._request, args=(api,), name="save-request", daemon=True)
            self._thread.start()

    def _request(self, api) -> None:
        try:
            self._answer.append(save_stream(api, self.inspected["Id"]))
        except BaseException as exc:  # noqa: BLE001 - raised again by stream(), on the caller's thread
            self._answer.append(exc)

    def stream(self) -> ChunkSource:
        if self.early is not None:
            from studio.engine.early_save import EarlySaveError

            try:
                return ChunkSource(body_chunks(self.early.adopt(SAVE_TIMEOUT), SAVE_TIMEOUT))
            except (EarlySaveError, OSError) as exc:
                raise ImageArchiveError(str(exc)) from None
        self._thread.join()
        if isinstance(self._answer[0], BaseException):
            raise self._answer[0]
        return self._answer[0]

    def check(self, archive: ImageArchive) -> None:
        """The early request named the image, the inspect resolved the name a moment later:
        raise when the archive is not the inspected image (a tag moved in between). Layers
        and creation time are compared, as the image id is not the config's digest in every
        image store."""
        if self.early is None:
            return
        inspected = self.inspected
        layers = list((inspected.get("RootFS") or {}).get("Layers") or [])
        config_layers = list((archive.config.get("rootfs") or {}).get("diff_ids") or [])
        same_time = _same_instant(inspected.get("Created"), archive.config.get("created"))
        if layers != config_layers or not same_time:
            raise ImageArchiveError(f"{self.early.image} changed while it was read (another image has its name "
                                    "now); run explore again")


def _same_instant(a, b) -> bool:
    """Whether two RFC 3339 times name the same instant to the second (the engine writes
    the config's ``created`` and the inspect's ``Created`` with different precision)."""
    if not a or not b:
        return a == b
    return str(a)[:19] == str(b)[:19]


def save_stream(api, image: str) -> ChunkSource:
    """The engine's save stream of ``image`` (``GET /images/{name}/get``). Over a plain
    socket it is received by a thread of its own, megabytes per call (``socket_reader``);
    over TLS or ssh read a megabyte at a time into one buffer through http.client (the
    SDK's ``get_image`` hands out a new bytes object per chunk, through urllib3)."""
    path = f"/images/{quote(image, safe='/:')}/get"  # quoted as the SDK quotes names
    body = sdk.get_raw_body(api, path, SAVE_TIMEOUT)
    if isinstance(body, sdk.RawBody):
        return ChunkSource(body_chunks(body, SAVE_TIMEOUT))
    return ChunkSource(reused_buffer_chunks(body))
