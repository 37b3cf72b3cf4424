"""``.dockerignore`` as each builder's client applies it.

Pattern syntax is moby's pattern matcher: each line is trimmed, ``#`` lines are comments, a
leading ``!`` re-includes, patterns are ``filepath.Clean``-ed with a leading ``/`` dropped,
``*`` and ``?`` never cross ``/``, ``**`` crosses any number of directories, ``[...]`` is a
class and ``\\`` escapes. The last matching pattern wins.

The two builders walk the context differently (checked against the real clients, see
tests/engine/test_dockerignore_table.py):
- classic (the docker CLI's tar, ``pkg/archive``): ``Matches`` compares a pattern of N parts
  with the path's first N parts, an excluded folder is entered only when a ``!`` pattern's
  text starts with its path, and ``.dockerignore`` and the Dockerfile are always sent (the
  engine drops them afterwards when a pattern excludes them); only the context's
  ``.dockerignore`` counts, never ``<Dockerfile>.dockerignore``;
- BuildKit (fsutil's filter and ``patternmatcher`` as in buildx and Docker 23+): each path is
  matched with its parent's results, a folder is entered whenever a ``!`` pattern has
  wildcards (so ``**`` then ``!**/*.txt`` keeps ``keep/ok.txt``), an excluded folder is sent
  when something inside it is, a pattern starting with ``**`` and no other wildcard matches
  any path that ends with the rest, and ``.dockerignore`` is just another file.
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
    suffix: str | None = None  # BuildKit's "suffix match" for "**rest" with no other wildcard
    kind: str = "regexp"  # BuildKit's match type: "exact", "prefix" or "regexp" (see _kind)

    @property
    def parts(self) -> int:
        return self.text.count("/") + 1

    def match(self, path: str, buildkit: bool = False) -> bool:
        if buildkit and self.suffix is not None:
            return path.endswith(self.suffix) or (self.suffix[0] == "/" and path == self.suffix[1:])
        if buildkit and self.kind == "exact":
            return path == self.text
        if buildkit and self.kind == "prefix":
            return path.startswith(self.text[:-2])
        return self.regex.match(path) is not None

    def prefix_only(self) -> bool:
        """Whether this pattern, without a trailing ``/**`` or ``/*``, has no wildcard."""
        return not any(ch in _without_glob_tail(self.text) for ch in "*[]?^\\")


def _without_glob_tail(text: str) -> str:
    for tail in ("/**", "/*"):
        if text.endswith(tail):
            return text[: -len(tail)]
    return text


def _suffix(pattern: str) -> str | None:
    """moby/patternmatcher treats a pattern that starts with ``**`` and has no other special
    character as "the path ends with the rest" (``**.md`` matches ``docs/a.md``)."""
    if not pattern.startswith("**"):
        return None
    rest = pattern[2:]
    if not rest or any(ch in rest for ch in "*?[]\\"):
        return None
    return rest


def _kind(pattern: str) -> str:
    """moby/patternmatcher's match type (BuildKit-era clients): a pattern with no wildcard,
    class or escape is compared as text ("exact"; a ``^`` in it is a plain character
    there), one whose only wildcard is a final ``**`` is a prefix; the rest are regexps."""
    kind, i, n = "exact", 0, len(pattern)
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*" and i < n and pattern[i] == "*":
            i += 2 if i + 1 < n and pattern[i + 1] == "/" else 1
            kind = ("prefix" if kind == "exact" else "regexp") if i >= n else "regexp"
        elif ch in "*?[]" or (ch == "\\" and i < n):
            kind = "regexp"
            i += ch == "\\"
    return kind


def _compile(pattern: str) -> re.Pattern[str]:
    """The regular expression moby's ``Pattern.compile`` writes for ``pattern``, read with Go's
    regexp semantics (see _go_to_python): ``.+()|{}$`` escaped, ``*``/``?``/``**`` turned
    into path-aware wildcards, ``\\x`` kept as a regexp escape, everything else (``[``,
    ``]``, ``^``, ``-`` ...) passed through, so ``[a-c]`` is a range as in Docker."""
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
                out.append("\\" + pattern[i])
                i += 1
            else:
                out.append("\\")
        else:
            out.append(ch)
    out.append("$")
    try:
        return re.compile(_go_to_python("".join(out)), re.ASCII)
    except re.error as exc:
        raise IgnoreSyntaxError(f"bad .dockerignore pattern {pattern!r}: {exc}") from exc


# Go's ASCII classes ([[:alpha:]] ...), which Python's re does not know.
_POSIX = {"alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ",
          "cntrl": "\\x00-\\x1f\\x7f", "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~",
          "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z",
          "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f"}
_GO_ONLY_ESCAPES = set("pPQEC")  # Unicode classes and quoting: no Python equivalent


def _go_to_python(regex: str) -> str:
    """The same regexp for Python: inside a class, ``[:name:]`` is expanded and ``[``, ``&``
    and ``~`` are escaped (Python reads ``[[`` and ``&&`` as future set operations); Go's
    ``\\z`` and ``$`` are Python's ``\\Z``; ``.`` stays off newlines, as in Go. Escapes
    Python cannot mean the same way are refused."""
    out: list[str] = []
    i, n = 0, len(regex)
    in_class = False
    while i < n:
        ch = regex[i]
        if ch == "\\" and i + 1 < n:
            nxt = regex[i + 1]
            if nxt in _GO_ONLY_ESCAPES:
                raise re.error(f"the Go escape \\{nxt} is not supported here")
            out.append("\\Z" if nxt == "z" else ch + nxt)
            i += 2
            continue
        if not in_class:
            if ch == "[":
                in_class = True
                out.append("[")
                i += 1
                if i < n and regex[i] == "^":
                    out.append("^")
                    i += 1
                if i < n and regex[i] == "]":  # a first "]" is a member, as in Go
                    out.append("\\]")
                    i += 1
                continue
            out.append("\\Z" if ch == "$" else ch)  # Go's $ is the end of the text only
        elif ch == "]":
            in_class = False
            out.append("]")
        elif ch == "[" and regex.startswith("[:", i):
            end = regex.find(":]", i + 2)
            name = regex[i + 2:end] if end > 0 else ""
            negated = name.startswith("^")
            chars = _POSIX.get(name.lstrip("^"))
            if chars is None or negated:
                raise re.error(f"unknown or negated class [:{name}:]")
            out.append(chars)
            i = end + 2
            continue
        elif ch in "[&~":
            out.append("\\" + ch)
        else:
            out.append(ch)
        i += 1
    return "".join(out)


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
            self.patterns.append(Pattern(text, exclusion, _compile(text), _suffix(text), _kind(text)))
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
        prefix = go_text(directory).rstrip("/") + "/"
        return any(p.exclusion and (p.text + "/").startswith(prefix) for p in self.patterns)

    # ---- the classic CLI (pkg/archive with the deprecated PatternMatcher.Matches) -------
    def ignored_classic(self, path: str) -> bool:
        """moby's ``Matches``: a pattern of N parts is also tried on the path's first N parts.
        A byte that is not UTF-8 (a name from os.listdir carries it as a surrogate) is read
        as Go reads it, U+FFFD (see go_text)."""
        path = go_text(path)
        parent = posixpath.dirname(path) or "."
        parents = parent.split("/")
        matched = False
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue
            hit = pattern.match(path)
            if not hit and parent != "." and pattern.parts <= len(parents):
                hit = pattern.match("/".join(parents[: pattern.parts]))
            if hit:
                matched = not pattern.exclusion
        return matched

    # ---- BuildKit (fsutil's filter with MatchesUsingParentResults) ----------------------
    def ignored_buildkit(self, path: str, parent: tuple[bool, ...] | None) -> tuple[bool, tuple[bool, ...]]:
        """Whether ``path`` is excluded, given its folder's per-pattern results (None at the
        top); returns the results to hand to its children."""
        matched = False
        results = []
        for i, pattern in enumerate(self.patterns):
            hit = bool(parent) and parent[i]  # type: ignore[index]
            if not hit:
                if pattern.exclusion != matched:
                    results.append(False)
                    continue
                hit = pattern.match(path, buildkit=True)
                if not hit and parent is None and "/" in path:
                    parts = path.split("/")[:-1]
                    hit = any(pattern.match("/".join(parts[: j + 1]), buildkit=True) for j in range(len(parts)))
            results.append(hit)
            if hit:
                matched = not pattern.exclusion
        return matched, tuple(results)

    def buildkit_enters(self, directory: str) -> bool:
        """Whether BuildKit still walks an excluded folder: always when some ``!`` pattern has
        a wildcard before its tail, else when one starts with the folder's path."""
        exclusions = [p for p in self.patterns if p.exclusion]
        if not exclusions:
            return False
        if not all(p.prefix_only() for p in exclusions):
            return True
        prefix = directory + "/"
        return any((_without_glob_tail(p.text) + "/").startswith(prefix) for p in exclusions)


def go_text(text: str) -> str:
    """``text`` as Go's regexp and text/scanner see it: each byte that is not UTF-8 (carried
    as a surrogate, Python's surrogateescape) one U+FFFD. The classic CLI compiles each
    pattern into a regexp that way, and a regexp's U+FFFD matches any such byte of a name,
    so ``ign\\xe9`` in .dockerignore leaves out ``ign\\xe9`` (and ``ign\\xff``)."""
    return _SURROGATES.sub("\ufffd", text)


_SURROGATES = re.compile("[\udc80-\udcff]")


def candidate_ignore_file(context_dir: str | Path, dockerfile_path: str | Path | None = None,
                          backend: str = "buildkit") -> Path | None:
    """For BuildKit, ``<Dockerfile>.dockerignore`` beside the Dockerfile wins over the
    context's ``.dockerignore`` (as BuildKit-era CLIs do); the classic CLI reads only the
    context's ``.dockerignore`` (``DOCKER_BUILDKIT=0 docker build -f x/app.Dockerfile x``
    ignores ``x/app.Dockerfile.dockerignore``; checked on 20.10 and 26.1). None when there
    is none."""
    candidates = []
    if dockerfile_path and backend != "classic":
        candidates.append(Path(str(dockerfile_path) + ".dockerignore"))
    candidates.append(Path(context_dir) / ".dockerignore")
    # a folder: the classic CLI fails on it before sending ("read .../.dockerignore: is a
    # directory"), so load does too; buildx and docker build with BuildKit take it for none
    return next((c for c in candidates if c.is_file() or (backend == "classic" and c.is_dir())), None)


def load(context_dir: str | Path, dockerfile_path: str | Path | None = None,
         backend: str = "buildkit") -> tuple[IgnoreMatcher, Path | None]:
    """The matcher for a build and the file it came from (see candidate_ignore_file)."""
    candidate = candidate_ignore_file(context_dir, dockerfile_path, backend)
    if candidate is None:
        return IgnoreMatcher([]), None
    try:
        # classic: each byte that is not UTF-8 read as Go reads it (see go_text); docker
        # build with BuildKit sends such a name all the same (both compared with the CLI)
        data = candidate.read_bytes()
        text = go_text(data.decode("utf-8", "surrogateescape")) if backend == "classic" else \
            data.decode("utf-8", "replace")
    except OSError as exc:  # the CLI fails too; building without it would send what it excludes
        raise ValueError(f"cannot read {candidate}: {(exc.strerror or str(exc)).lower()}") from None
    return IgnoreMatcher.from_text(text), candidate
