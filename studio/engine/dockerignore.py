"""``.dockerignore`` exactly as the docker CLI reads and applies it.

Semantics of moby's pattern matcher: each line is trimmed, ``#`` lines are comments, a
leading ``!`` re-includes, patterns are ``filepath.Clean``-ed with a leading ``/`` dropped,
``*`` and ``?`` never cross ``/``, ``**`` crosses any number of directories, ``[...]`` is a
class and ``\\`` escapes. The last matching pattern wins, and a pattern that matches a
parent directory matches everything below it.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

_ESCAPE = set(".+()|{}$")


class IgnoreSyntaxError(ValueError):
    """A pattern Docker itself would refuse (the build would fail the same way)."""


def clean(path: str) -> str:
    """Go's ``filepath.Clean`` for slash paths (``posixpath.normpath`` keeps ``//`` at the start)."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    out = "/".join(parts)
    return ("/" + out) if rooted else (out or ".")


@dataclass(frozen=True)
class Pattern:
    text: str  # cleaned, without "!"
    exclusion: bool  # a "!" pattern: re-include what matches
    regex: re.Pattern[str]

    def match(self, path: str) -> bool:
        return self.regex.match(path) is not None


def _compile(pattern: str) -> re.Pattern[str]:
    out = ["^"]
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            if i < n and pattern[i] == "*":
                i += 1
                if i < n and pattern[i] == "/":
                    i += 1
                out.append(".*" if i >= n else "(.*/)?")
            else:
                out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch in _ESCAPE:
            out.append("\\" + ch)
        elif ch == "\\":
            if i < n:
                out.append(re.escape(pattern[i]))
                i += 1
            else:
                out.append("\\\\")
        elif ch in "[]^":
            out.append(ch)  # classes pass through, as in Go; so does a bare "^"
        else:
            out.append(re.escape(ch) if not ch.isalnum() else ch)
    out.append("$")
    try:
        return re.compile("".join(out), re.DOTALL)
    except re.error as exc:
        raise IgnoreSyntaxError(f"bad .dockerignore pattern {pattern!r}: {exc}") from exc


def parse_lines(text: str) -> list[str]:
    """The pattern list as the CLI's ``ReadAll`` produces it (``!`` kept as a prefix)."""
    patterns = []
    for number, raw in enumerate(text.splitlines()):
        if number == 0:
            raw = raw.lstrip("\ufeff")
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        invert = line.startswith("!")
        if invert:
            line = line[1:].strip()
            if not line:
                raise IgnoreSyntaxError('illegal exclusion pattern: "!"')
        line = clean(line)
        if len(line) > 1 and line.startswith("/"):
            line = line[1:]
        patterns.append("!" + line if invert else line)
    return patterns


class IgnoreMatcher:
    """Decides which context paths (slash-separated, relative) are left out."""

    def __init__(self, patterns: list[str]) -> None:
        self.patterns: list[Pattern] = []
        for raw in patterns:
            exclusion = raw.startswith("!")
            text = raw[1:] if exclusion else raw
            self.patterns.append(Pattern(text, exclusion, _compile(text)))
        self.has_exclusions = any(p.exclusion for p in self.patterns)

    @classmethod
    def from_text(cls, text: str) -> IgnoreMatcher:
        return cls(parse_lines(text))

    def ignored(self, path: str) -> bool:
        """True when ``path`` is not sent (moby's ``MatchesOrParentMatches``)."""
        path = clean(path)
        parent = posixpath.dirname(path) or "."
        parents = parent.split("/")
        matched = False
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue  # only a later pattern of the other kind can change the answer
            hit = pattern.match(path)
            if not hit and parent != ".":
                hit = any(pattern.match("/".join(parents[: i + 1])) for i in range(len(parents)))
            if hit:
                matched = not pattern.exclusion
        return matched

    def may_reinclude_below(self, directory: str) -> bool:
        """Whether the CLI still walks an ignored directory: only when a ``!`` pattern's text
        starts with the directory's path (so ``!**/keep`` does not reach into ``build/``)."""
        prefix = directory.rstrip("/") + "/"
        return any(p.exclusion and (p.text + "/").startswith(prefix) for p in self.patterns)


def load(context_dir: str | Path, dockerfile_path: str | Path | None = None) -> tuple[IgnoreMatcher, Path | None]:
    """The matcher for a build: ``<Dockerfile>.dockerignore`` beside the Dockerfile wins over
    the context's ``.dockerignore`` (as BuildKit-era CLIs do). Returns the file used, if any."""
    candidates = []
    if dockerfile_path:
        candidates.append(Path(str(dockerfile_path) + ".dockerignore"))
    candidates.append(Path(context_dir) / ".dockerignore")
    for candidate in candidates:
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8", errors="replace")
            except OSError as exc:  # the CLI fails too; building without it would send what it excludes
                raise ValueError(f"cannot read {candidate}: {(exc.strerror or str(exc)).lower()}") from None
            return IgnoreMatcher.from_text(text), candidate
    return IgnoreMatcher([]), None
