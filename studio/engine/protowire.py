"""A small protobuf wire-format reader for BuildKit's ``StatusResponse`` (no protobuf dependency).

Only the fields progress needs are decoded; unknown fields are skipped, so newer
engines that add fields still decode.
"""
from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field

VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5


class WireError(ValueError):
    """Truncated or malformed protobuf data."""


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise WireError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise WireError("varint too long")


def fields(buf: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """Yield ``(field number, wire type, value)``; LENGTH values are bytes, others ints."""
    pos, end = 0, len(buf)
    while pos < end:
        key = buf[pos]  # one-byte keys and lengths are the common case: skip the loop
        if key < 0x80:
            pos += 1
        else:
            key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == LENGTH:
            if pos >= end:
                raise WireError("truncated field")
            size = buf[pos]
            if size < 0x80:
                pos += 1
            else:
                size, pos = _varint(buf, pos)
            if pos + size > end:
                raise WireError("truncated field")
            yield number, wire, buf[pos:pos + size]
            pos += size
        elif wire == VARINT:
            value, pos = _varint(buf, pos)
            yield number, wire, value
        elif wire == FIXED64:
            pos += 8
            yield number, wire, int.from_bytes(buf[pos - 8:pos], "little")
        elif wire == FIXED32:
            pos += 4
            yield number, wire, int.from_bytes(buf[pos - 4:pos], "little")
        else:
            raise WireError(f"unsupported wire type {wire}")
        if pos > end:
            raise WireError("truncated fixed field")


def _timestamp(buf: bytes) -> float:
    seconds = nanos = 0
    for number, _, value in fields(buf):
        if number == 1:
            seconds = value  # type: ignore[assignment]
        elif number == 2:
            nanos = value  # type: ignore[assignment]
    return seconds + nanos / 1e9


def _text(value: int | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


@dataclass
class Vertex:
    digest: str = ""
    inputs: list[str] = field(default_factory=list)
    name: str = ""
    cached: bool = False
    started: float | None = None  # Unix seconds (engine clock)
    completed: float | None = None
    error: str = ""


@dataclass
class VertexStatus:
    id: str = ""
    vertex: str = ""
    name: str = ""
    current: int = 0
    total: int = 0
    completed: float | None = None


@dataclass
class VertexLog:
    vertex: str = ""
    stream: int = 1  # 1 stdout, 2 stderr
    msg: bytes = b""
    timestamp: float | None = None


@dataclass
class VertexWarning:
    vertex: str = ""
    level: int = 0
    short: str = ""
    detail: list[str] = field(default_factory=list)


@dataclass
class StatusResponse:
    vertexes: list[Vertex] = field(default_factory=list)
    statuses: list[VertexStatus] = field(default_factory=list)
    logs: list[VertexLog] = field(default_factory=list)
    warnings: list[VertexWarning] = field(default_factory=list)


# field number -> (attribute, how to read it), per message type
_VERTEX = {1: ("digest", "str"), 2: ("inputs", "strs"), 3: ("name", "str"), 4: ("cached", "bool"),
           5: ("started", "time"), 6: ("completed", "time"), 7: ("error", "str")}
_STATUS = {1: ("id", "str"), 2: ("vertex", "str"), 3: ("name", "str"), 4: ("current", "int"),
           5: ("total", "int"), 8: ("completed", "time")}
_LOG = {1: ("vertex", "str"), 3: ("stream", "int"), 4: ("msg", "bytes")}  # timestamps unused
_WARNING = {1: ("vertex", "str"), 2: ("level", "int"), 3: ("short", "str"), 4: ("detail", "strs")}


def _message(cls, spec: dict[int, tuple[str, str]], buf: bytes):
    obj = cls()
    for number, _wire, value in fields(buf):
        entry = spec.get(number)
        if entry is None:
            continue
        attr, kind = entry
        is_bytes = isinstance(value, bytes)
        if kind == "str":
            setattr(obj, attr, _text(value))
        elif kind == "strs":
            getattr(obj, attr).append(_text(value))
        elif kind == "bytes" and is_bytes:
            setattr(obj, attr, value)
        elif kind == "time" and is_bytes:
            setattr(obj, attr, _timestamp(value))
        elif kind == "bool" and not is_bytes:
            setattr(obj, attr, bool(value))
        elif kind == "int" and not is_bytes:
            setattr(obj, attr, int(value))
    return obj


_PARTS = {1: ("vertexes", Vertex, _VERTEX), 2: ("statuses", VertexStatus, _STATUS),
          3: ("logs", VertexLog, _LOG), 4: ("warnings", VertexWarning, _WARNING)}


def decode_status(data: bytes) -> StatusResponse:
    """Decode one ``StatusResponse`` message."""
    response = StatusResponse()
    for number, wire, value in fields(data):
        part = _PARTS.get(number)
        if part is not None and wire == LENGTH:
            getattr(response, part[0]).append(_message(part[1], part[2], value))  # type: ignore[arg-type]
    return response


def decode_trace(aux: str) -> StatusResponse:
    """Decode the base64 ``aux`` of a ``moby.buildkit.trace`` message."""
    try:
        return decode_status(base64.b64decode(aux))
    except (ValueError, TypeError) as exc:
        raise WireError(f"undecodable BuildKit trace: {exc}") from exc


# ---- writing: the few message shapes the BuildKit session answers with -------------
_ONE_BYTE = [bytes([n]) for n in range(0x80)]  # the varints most fields and tags are


def varint(value: int) -> bytes:
    """Protobuf base-128 varint; negative int64 values take ten bytes, as Go writes them."""
    if 0 <= value < 0x80:
        return _ONE_BYTE[value]
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def field_varint(number: int, value: int) -> bytes:
    """A varint field; proto3 leaves zero values out."""
    return varint(number << 3 | VARINT) + varint(value) if value else b""


def field_bytes(number: int, value: bytes | str, keep_empty: bool = False) -> bytes:
    """A length-delimited field (bytes, string or an embedded message)."""
    if isinstance(value, str):
        value = value.encode()
    if not value and not keep_empty:
        return b""
    return varint(number << 3 | LENGTH) + varint(len(value)) + value


def read_message(buf: bytes) -> dict[int, list[int | bytes]]:
    """Every field of a message by number (repeated fields keep their order)."""
    out: dict[int, list[int | bytes]] = {}
    for number, _, value in fields(buf):
        out.setdefault(number, []).append(value)
    return out
