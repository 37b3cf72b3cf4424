"""Reading what the engine answers a build: its JSON lines as they arrive, its error
bodies, and the hints a failure gets (a source .dockerignore left out, a line that needs
a secret or ssh the request did not carry)."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator

from studio.engine.build_request import BuildRequest
from studio.engine.events import BuildFailed


def messages(chunks: Iterator[bytes]) -> Iterator[dict]:
    """Decode the engine's JSON lines as they arrive (objects never span a newline)."""
    buffer = b""
    decoder = json.JSONDecoder()
    for chunk in chunks:
        buffer += chunk
        if b"\n" not in buffer:
            continue
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            yield from _decode_line(line, decoder)
    if buffer.strip():
        yield from _decode_line(buffer, decoder)


def _decode_line(line: bytes, decoder: json.JSONDecoder) -> Iterator[dict]:
    text = line.decode("utf-8", "replace").strip()
    pos = 0
    while pos < len(text):
        try:
            obj, end = decoder.raw_decode(text, pos)
        except ValueError:
            yield {"stream": text[pos:] + "\n"}
            return
        if isinstance(obj, dict):
            yield obj
        pos = end
        while pos < len(text) and text[pos] in " \r\t":
            pos += 1


def error_message(body: str) -> str:
    try:
        return str(json.loads(body).get("message") or body)
    except (ValueError, AttributeError):
        return f"the engine refused the build: {body[:300]}"


_NOT_FOUND = re.compile(r'"/?([^"]+)":? not found')


def hint_ignored_source(failure: BuildFailed, ctx, req: BuildRequest) -> None:
    """A COPY source the engine did not find because .dockerignore left it out: say so."""
    m = _NOT_FOUND.search(failure.message)
    if m is None:
        return
    from studio.engine.dockerignore import IgnoreMatcher, load

    try:  # a session build has no scan: find the file as the scan does
        ignore_file = ctx.ignore_file if ctx is not None else load(req.context_dir, req.dockerfile_path)[1]
        if ignore_file is None:
            return
        matcher = IgnoreMatcher.from_text(ignore_file.read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError):
        return
    if matcher.ignored(m.group(1)):
        failure.add_hint(f"{m.group(1)} is left out of the build context by {ignore_file.name}")
        failure.own[-1] = f" is left out of the build context by {ignore_file.name})"  # (the path is the engine's)


def hint_session_input(failure: BuildFailed, stage_map, req: BuildRequest) -> None:
    from studio.engine.failures import session_input_hint

    said = failure.message.lower()
    if failure.exit_code is None and "secret" not in said and "ssh" not in said:
        return  # the step never ran (a parse error, say): a missing secret is not why
    hint = session_input_hint(stage_map, failure.line, {s.id for s in req.secrets}, {s.id for s in req.ssh})
    if hint and hint not in failure.message:
        failure.add_hint(hint)


def cause_of(exc: BaseException, kind: type) -> BaseException | None:
    """``exc`` or the first exception of type ``kind`` in its chain (HTTP libraries wrap
    what the request body raised)."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        if isinstance(current, kind):
            return current
        current, seen = current.__cause__ or current.__context__, seen + 1
    return None
