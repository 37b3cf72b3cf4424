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
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == VARINT:
            value, pos = _varint(buf, pos)
            yield number, wire, value
        elif wire == LENGTH:
            size, pos = _varint(buf, pos)
            if pos + size > end:
                raise WireError("truncated field")
            yield number, wire, buf[pos:pos + size]
            pos += size
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


def _vertex(buf: bytes) -> Vertex:
    v = Vertex()
    for number, _, value in fields(buf):
        if number == 1:
            v.digest = _text(value)
        elif number == 2:
            v.inputs.append(_text(value))
        elif number == 3:
            v.name = _text(value)
        elif number == 4:
            v.cached = bool(value)
        elif number == 5 and isinstance(value, bytes):
            v.started = _timestamp(value)
        elif number == 6 and isinstance(value, bytes):
            v.completed = _timestamp(value)
        elif number == 7:
            v.error = _text(value)
    return v


def _status(buf: bytes) -> VertexStatus:
    s = VertexStatus()
    for number, _, value in fields(buf):
        if number == 1:
            s.id = _text(value)
        elif number == 2:
            s.vertex = _text(value)
        elif number == 3:
            s.name = _text(value)
        elif number == 4:
            s.current = int(value)  # type: ignore[arg-type]
        elif number == 5:
            s.total = int(value)  # type: ignore[arg-type]
        elif number == 8 and isinstance(value, bytes):
            s.completed = _timestamp(value)
    return s


def _log(buf: bytes) -> VertexLog:
    log = VertexLog()
    for number, _, value in fields(buf):
        if number == 1:
            log.vertex = _text(value)
        elif number == 2 and isinstance(value, bytes):
            log.timestamp = _timestamp(value)
        elif number == 3:
            log.stream = int(value)  # type: ignore[arg-type]
        elif number == 4 and isinstance(value, bytes):
            log.msg = value
    return log


def _warning(buf: bytes) -> VertexWarning:
    w = VertexWarning()
    for number, _, value in fields(buf):
        if number == 1:
            w.vertex = _text(value)
        elif number == 2:
            w.level = int(value)  # type: ignore[arg-type]
        elif number == 3:
            w.short = _text(value)
        elif number == 4:
            w.detail.append(_text(value))
    return w


_PARTS = {1: ("vertexes", _vertex), 2: ("statuses", _status), 3: ("logs", _log), 4: ("warnings", _warning)}


def decode_status(data: bytes) -> StatusResponse:
    """Decode one ``StatusResponse`` message."""
    response = StatusResponse()
    for number, wire, value in fields(data):
        part = _PARTS.get(number)
        if part is not None and wire == LENGTH:
            getattr(response, part[0]).append(part[1](value))  # type: ignore[arg-type]
    return response


def decode_trace(aux: str) -> StatusResponse:
    """Decode the base64 ``aux`` of a ``moby.buildkit.trace`` message."""
    try:
        return decode_status(base64.b64decode(aux))
    except (ValueError, TypeError) as exc:
        raise WireError(f"undecodable BuildKit trace: {exc}") from exc
