"""Masking secret values in everything a build tells: step output, step names, warnings,
errors and the result, for every face (CLI text, ``--json``, the GUI log, its history).

``docker build`` prints whatever a step prints, a secret too. Stage Studio knows the
values of the secrets it serves, so ``Build.events()`` passes every event through one
``Redactor`` and each value becomes ``MASK`` before any face sees it. Step output comes in
chunks, so a value can arrive in two pieces: the end of a chunk that could begin a value
is held back until the next chunk of the same step decides (or the step ends).

The values live on the redactor for the build's length only (it is dropped with the build)
and are never shown, logged or put in a message, not even the short-value warning.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from studio.engine.events import BuildEvent, BuildFailed, BuildResult, BuildWarning, StepLog

MASK = "****"
SHORT = 4  # a value shorter than this also masks the same letters in unrelated text


def secret_values(specs: Iterable) -> tuple[list[str], list[str]]:
    """(the texts to mask, ids of secrets whose value is shorter than ``SHORT``).

    A file's value and an environment variable's, read now; an empty or unreadable one is
    skipped (the session says it cannot serve it). The value is masked without the white
    space around it (a file's final newline is no secret, and masking it would join two
    lines of output), and so is each line of a value of several lines."""
    texts: set[str] = set()
    short: list[str] = []
    for spec in specs:
        raw = _read(spec)
        if not raw:
            continue
        value = raw.decode("utf-8", "replace")
        stripped = value.strip()
        found = {stripped} | {line.strip() for line in value.splitlines() if len(line.strip()) >= SHORT}
        found.discard("")
        if not found:
            continue
        if len(stripped) < SHORT:
            short.append(spec.id)
        texts |= found
    return sorted(texts, key=len, reverse=True), short


def short_value_warning(ident: str) -> BuildWarning:
    return BuildWarning(f"secret {ident}: its value is shorter than {SHORT} characters, so the same letters "
                        f"are masked as {MASK} wherever the build prints them, in unrelated words too")


def _read(spec) -> bytes:
    if spec.env is not None:
        return os.environ.get(spec.env, "").encode()
    try:
        with open(spec.src or "", "rb") as handle:
            return handle.read()
    except OSError:
        return b""


class Redactor:
    """Masks ``values`` in events; ``events()`` wraps a build's event stream."""

    def __init__(self, values: Iterable[str]) -> None:
        self._values = sorted({v for v in values if v}, key=len, reverse=True)
        self._firsts = {v[0] for v in self._values}
        self._held: dict[tuple, StepLog] = {}  # (stage, line, stream) -> output not yet passed on

    def __repr__(self) -> str:  # never print the values
        return f"Redactor({len(self._values)} values)"

    def __bool__(self) -> bool:
        return bool(self._values)

    def text(self, text: str) -> str:
        """``text`` with every value masked (the longest first, so a value that holds
        another is masked whole)."""
        for value in self._values:
            if value in text:
                text = text.replace(value, MASK)
        return text

    def text_outside(self, text: str, own: list[str]) -> str:
        """``text`` masked except where it holds ``own`` (our words: a hint, "line 7: "),
        each found at the start or else at its last place."""
        spans = []
        for phrase in own:
            start = 0 if phrase and text.startswith(phrase) else text.rfind(phrase) if phrase else -1
            if start >= 0:
                spans.append((start, start + len(phrase)))
        out, pos = [], 0
        for start, end in sorted(spans):
            if start < pos:  # overlaps the last kept phrase: keep the rest of it too
                start = pos
            out += [self.text(text[pos:start]), text[start:end]]
            pos = max(pos, end)
        out.append(self.text(text[pos:]))
        return "".join(out)

    def _held_back(self, text: str) -> int:
        """Where the longest end of ``text`` that could begin a value starts (``len(text)``:
        none could)."""
        longest = len(self._values[0]) if self._values else 0
        for start in range(max(0, len(text) - longest + 1), len(text)):
            if text[start] in self._firsts:
                tail = text[start:]
                if any(len(v) > len(tail) and v.startswith(tail) for v in self._values):
                    return start
        return len(text)

    def events(self, stream: Iterable[BuildEvent]) -> Iterator[BuildEvent]:
        for event in stream:
            if isinstance(event, StepLog):
                out = self._log(event)
                if out is not None:
                    yield out
                continue
            yield from self._release(event)
            self.scrub(event)
            yield event
        yield from self._release(None)

    def _log(self, event: StepLog) -> StepLog | None:
        key = (event.stage, event.line, event.stream)
        held = self._held.pop(key, None)
        text = self.text((held.text if held is not None else "") + event.text)
        cut = self._held_back(text)
        if cut < len(text):
            self._held[key] = StepLog(event.stage, event.line, event.stream, text[cut:])
        if cut == 0:
            return None
        event.text = text[:cut]
        return event

    def _release(self, event) -> Iterator[StepLog]:
        """Held output of the steps ``event`` ends (every step at the stream's end or at a
        build's end): the value never came, so it is passed on as it was."""
        kind = getattr(event, "event", None)
        for key in list(self._held):
            stage, line, _stream = key
            if (event is None or kind in ("build_finished", "build_failed")
                    or (kind == "step_finished" and (stage, line) == (event.stage, event.line))
                    or (kind == "stage_finished" and stage == event.stage)):
                yield self._held.pop(key)

    def scrub(self, obj) -> None:
        """Mask the values in the text fields of an event or result, in place (a failure is
        shared with ``Build.result``, so the result is masked with it). Stage names and the
        plan are the Dockerfile's own text and stay."""
        if not self._values:
            return
        own = getattr(obj, "own", None)
        for name in _TEXT_FIELDS:
            value = getattr(obj, name, None)
            if name == "message" and own and isinstance(value, str):
                setattr(obj, name, self.text_outside(value, own))
            elif isinstance(value, str):
                setattr(obj, name, self.text(value))
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                setattr(obj, name, [self.text(v) for v in value])
        for name in ("error", "result"):
            inner = getattr(obj, name, None)
            if isinstance(inner, (BuildFailed, BuildResult)):
                self.scrub(inner)


# every field of studio.engine.events that carries words from the engine or a step
_TEXT_FIELDS = ("message", "error", "warning", "last_log", "text")
