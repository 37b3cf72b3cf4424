"""The lexer: splits Dockerfile text into top-level nodes exactly where BuildKit does.

Speed matters (files open often, and the editor re-lexes on every keystroke), so the
lexer is one compiled regex per escape character that matches a whole logical
instruction (continuations, and the comment and blank lines BuildKit skips inside
them) in C. Where no heredoc can start (no ``<<``), a whole stretch is lexed with one
``findall`` and C-level arithmetic on the matches: no Python runs per node. Units
holding ``<<`` go one at a time (heredoc bodies). The output is a list of plain tuples
(``RawNode``); ``studio.core.instruction`` turns them into model objects on demand.

BuildKit rules followed (moby/buildkit frontend/dockerfile/parser/parser.go):
lines split on ``\\n`` with one ``\\r`` before it dropped; parser directives only
before any other line (a blank line, a non-directive comment or an unknown directive
name ends them); a line ending in the escape character (not itself escaped) plus spaces/tabs continues;
comment and whitespace-only lines inside a continuation are skipped; heredocs on RUN,
COPY, ADD (also inside ONBUILD) in shell form take the following lines up to their
terminators.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate, islice, repeat
from operator import itemgetter
from typing import NamedTuple

from studio.core.logical import GO_SPACE, heredoc_words, is_json_form, logical_line, split_keyword

_SPACE_NO_NL = GO_SPACE.replace("\n", "")
_CLS = "[" + re.escape(_SPACE_NO_NL) + "]"

# Go's RE2 \s is [\t\n\f\r ]; the directive regex is BuildKit's.
DIRECTIVE_RE = re.compile(r"#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*\Z", re.DOTALL)
VALID_DIRECTIVES = ("syntax", "escape", "check")
HEREDOC_KEYWORDS = frozenset(("RUN", "COPY", "ADD"))


class RawHeredoc(NamedTuple):
    delimiter: str
    strip_tabs: bool
    quoted: bool
    body_start: int
    body_end: int
    line: int
    end_line: int
    terminated: bool


# A node as the lexer sees it, a plain tuple for speed (the editor re-lexes per keystroke):
# (kind, start, end, line, end_line, content_end, heredocs or None, keyword).
# kind is one of "instruction", "comment", "blank", "directive", "bom"; content_end is
# the end of the instruction proper (== end unless heredoc bodies follow); keyword is
# the plain keyword the line starts with, as written (text[start:start+len]), or "".
RawNode = tuple
KIND, START, END, LINE, END_LINE, CONTENT_END, HEREDOCS, KEYWORD = range(8)


class Header(NamedTuple):
    nodes: list[RawNode]
    pos: int  # where the body starts
    line: int
    escape: str
    directives: dict[str, str]
    problems: list[tuple[str, str, int, int, int]]  # (code, message, line, start, end)


def _unit_source(escape: str, for_findall: bool) -> str:
    """One top-level unit as regex source: a blank line, a comment line, or a whole
    logical instruction. Named groups say which (``match``); for ``findall``, three
    groups instead: the unit's text, a mark (a blank line's end, a comment's ``#``, or
    nothing for an instruction), the keyword."""
    e = re.escape(escape)
    # An instruction's text, one piece at a time: plain characters, a run of escapes
    # (never a continuation), a continuation (a single escape, spaces/tabs, the line end,
    # then the comment and blank lines BuildKit skips), or an escape that is not one.
    # Possessive parts keep the match free of backtracking, so each character is read once.
    skipped = rf"(?:{_CLS}*+(?:#[^\n]*+)?\n)*+"
    piece = rf"[^\n{e}]++|{e}{{2,}}+|{e}[ \t]*+\r?\n{skipped}|{e}"
    keyword = r"([A-Za-z]++)" if for_findall else r"(?P<k>[A-Za-z]++)"
    instruction = rf"(?:{keyword}(?=[\t\v\f ]|\r?(?:\n|\Z)))?(?:{piece})*+(?:\n|\Z)"
    if for_findall:
        # (A blank last line without a line end goes to the instruction branch here, with
        # the same extent; the bulk lexer never keeps the unit at the end of a stretch.)
        return rf"({_CLS}*+([\n#])(?:(?<=#)[^\n]*(?:\n|\Z))?|{instruction})"
    return rf"(?P<b>{_CLS}*(?:\n|\Z))|(?P<c>{_CLS}*#[^\n]*(?:\n|\Z))|{instruction}"


@lru_cache(maxsize=4)
def unit_regex(escape: str) -> re.Pattern[str]:
    """One top-level unit: a blank line, a comment line, or a whole logical instruction."""
    return re.compile(_unit_source(escape, for_findall=False))


@lru_cache(maxsize=4)
def _bulk_regex(escape: str) -> re.Pattern[str]:
    """``unit_regex`` for ``findall``: per unit (its text, its mark, its keyword)."""
    return re.compile(_unit_source(escape, for_findall=True))


def lex_header(text: str) -> Header:
    """The BOM and the parser directives at the very top."""
    nodes: list[RawNode] = []
    pos, line = 0, 1
    if text.startswith("\ufeff"):
        nodes.append(("bom", 0, 1, 1, 1, 1, None, ""))
        pos = 1
    escape = "\\"
    directives: dict[str, str] = {}
    problems: list[tuple[str, str, int, int, int]] = []
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl + 1
        content = text[pos:end].rstrip("\n")
        content = content.removesuffix("\r")
        m = DIRECTIVE_RE.match(content.lstrip(GO_SPACE))
        if not m or m.group(1).lower() not in VALID_DIRECTIVES:
            break
        key, value = m.group(1).lower(), m.group(2)
        if key in directives:
            problems.append(("duplicate-directive", f"Only one {key} parser directive can be used; this one is an error for BuildKit.", line, pos, end))
        else:
            directives[key] = value
            if key == "escape":
                if value in ("\\", "`"):
                    escape = value
                else:
                    problems.append(("invalid-escape", f"The escape directive must be a backslash or a backtick, not {value!r}.", line, pos, end))
        nodes.append(("directive", pos, end, line, line, end, None, ""))
        pos, line = end, line + 1
    return Header(nodes, pos, line, escape, directives, problems)


def lex_body(text: str, pos: int, line: int, escape: str, out: list[RawNode],
             resync: tuple[int, list[RawNode], int] | None = None) -> int | None:
    """Append the nodes from ``pos`` to ``out``.

    With ``resync = (min_pos, old_nodes, delta)``, stop at the first node boundary at or
    after ``min_pos`` that is also an old node's start shifted by ``delta``; return that
    old node's index (or None when the lexer ran to the end).
    """
    if resync is None:
        _lex_to_end(text, pos, line, escape, out)
        return None
    match = unit_regex(escape).match
    n = len(text)
    min_pos, old, delta = resync
    lo = 0
    while pos < n:
        if pos >= min_pos:
            lo = _find_start(old, pos - delta, lo)
            if lo < len(old) and old[lo][1] == pos - delta:
                return lo
        node = _unit(text, match(text, pos), line, escape)
        out.append(node)
        pos, line = node[2], node[4] + 1
    return None


def _unit(text: str, m: re.Match[str], line: int, escape: str) -> RawNode:
    pos, end = m.span()
    last = line + text.count("\n", pos, end - 1)
    kind = m.lastgroup
    if kind == "b":
        return ("blank", pos, end, line, last, end, None, "")
    if kind == "c":
        return ("comment", pos, end, line, last, end, None, "")
    kw = m.group("k") if kind == "k" else ""
    if text.find("<<", pos, end) >= 0:
        return _lex_heredocs(text, pos, end, line, last, escape, kw)
    return ("instruction", pos, end, line, last, end, None, kw)


def _lex_to_end(text: str, pos: int, line: int, escape: str, out: list[RawNode]) -> None:
    """The whole-file lexer. Stretches of text where no heredoc can start (no ``<<``) go
    in bulk (``_lex_stretch``); the unit holding a ``<<`` and the unit a stretch ends in
    go one at a time. Each character is read at most three times: linear time."""
    n = len(text)
    match = unit_regex(escape).match
    rfind = text.rfind
    append = out.append
    while pos < n:
        at = find_heredoc_mark(text, pos, n)
        stop = n if at < 0 else rfind("\n", pos, at) + 1  # the start of the line holding "<<"
        while stop - pos > _PIECE:  # a long stretch in pieces: small lists stay in the CPU caches
            cut = rfind("\n", pos, pos + _PIECE) + 1
            taken = _lex_stretch(text, pos, cut, line, escape, out) if cut > pos else (pos, line)
            if taken[0] == pos:  # one unit longer than a piece
                break
            pos, line = taken
        if stop > pos:
            pos, line = _lex_stretch(text, pos, stop, line, escape, out)
        limit = n - 1 if at < 0 else at
        while pos <= limit:  # up to the unit holding the "<<" (and its heredoc bodies, if any)
            node = _unit(text, match(text, pos), line, escape)
            append(node)
            pos, line = node[END], node[END_LINE] + 1


_PIECE = 1 << 16  # characters lexed in bulk at once, at most (about 1,000 units)

# Per findall match: the unit's text, its kind by its mark, its keyword.
_TEXT, _MARK, _KEYWORD = itemgetter(0), itemgetter(1), itemgetter(2)
_KINDS = {"\n": "blank", "#": "comment", "": "instruction"}


def _lex_stretch(text: str, pos: int, stop: int, line: int, escape: str, out: list[RawNode]) -> tuple[int, int]:
    """Append the units of ``text[pos:stop]`` (holding no ``<<``) but the last, which the
    end of the stretch may have cut short; return where that one starts, and its line.

    One ``findall``, then every offset and line number by C-level iteration (lengths and
    newline counts, summed up), so Python does no work per unit. A unit that ends before
    ``stop`` ends with a newline and never looked past it, so it is the unit the
    whole text has there.
    """
    found = _bulk_regex(escape).findall(text, pos, stop)
    del found[-2:]  # the empty match at stop, and the unit that reaches stop
    if not found:
        return pos, line
    units = list(map(_TEXT, found))
    newlines = list(map(str.count, units, repeat("\n")))
    starts = list(accumulate(map(len, units), initial=pos))
    end_lines = accumulate(newlines, initial=line - 1)  # a unit's own final newline starts no line of it
    next(end_lines)
    out.extend(zip(map(_KINDS.__getitem__, map(_MARK, found)), starts, islice(starts, 1, None),
                   accumulate(newlines, initial=line), end_lines, islice(starts, 1, None), repeat(None),
                   map(_KEYWORD, found)))
    return starts[-1], line + sum(newlines)


def find_heredoc_mark(text: str, start: int, end: int) -> int:
    """Where the first ``<<`` in ``text[start:end]`` is, or -1. (Searching for one
    character is many times faster: a text with no ``<`` at all is common.)"""
    at = text.find("<", start, end)
    return at if at < 0 else text.find("<<", at, end)


def _find_start(old: list[RawNode], target: int, lo: int) -> int:
    """Index of the first old node starting at or after ``target`` (binary search)."""
    hi = len(old)
    while lo < hi:
        mid = (lo + hi) // 2
        if old[mid][1] < target:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _lex_heredocs(text: str, start: int, end: int, line: int, last: int, escape: str, written: str) -> RawNode:
    """An instruction that mentions ``<<``: take its heredoc bodies, if it has any."""
    joined, _ = logical_line(text, start, end, escape)
    keyword, rest_at = split_keyword(joined, 0)
    kw = keyword.upper()
    if kw == "ONBUILD":
        keyword, rest_at = split_keyword(joined, rest_at)
        kw = keyword.upper()
    if kw not in HEREDOC_KEYWORDS or is_json_form(joined, rest_at):
        return ("instruction", start, end, line, last, end, None, written)
    words = heredoc_words(joined)
    if not words:
        return ("instruction", start, end, line, last, end, None, written)
    docs: list[RawHeredoc] = []
    pos, cur = end, last + 1
    n = len(text)
    for delimiter, strip_tabs, quoted in words:
        body_start, body_line = pos, cur
        terminated = False
        while pos < n:
            nl = text.find("\n", pos)
            stop = n if nl < 0 else nl + 1
            candidate = text[pos:stop].rstrip("\n")
            if candidate.endswith("\r") and nl >= 0:
                candidate = candidate[:-1]
            if strip_tabs:
                candidate = candidate.lstrip("\t")
            pos, cur = stop, cur + 1
            if candidate == delimiter:
                terminated = True
                break
        if pos == body_start:  # nothing left in the file: an empty body on the last line
            body_line = cur - 1
        docs.append(RawHeredoc(delimiter, strip_tabs, quoted, body_start, pos, body_line, cur - 1, terminated))
        if not terminated:
            break
    return ("instruction", start, pos, line, cur - 1, end, tuple(docs), written)


def shift_nodes(nodes: list[RawNode], delta: int, line_delta: int) -> list[RawNode]:
    """The same nodes, moved by ``delta`` characters and ``line_delta`` lines."""
    if not delta and not line_delta:
        return nodes
    out = [(k, s + delta, e + delta, l + line_delta, el + line_delta, ce + delta, h, kw)
           for k, s, e, l, el, ce, h, kw in nodes]
    for i, node in enumerate(out):
        if node[6] is not None:
            docs = tuple(d._replace(body_start=d.body_start + delta, body_end=d.body_end + delta,
                                    line=d.line + line_delta, end_line=d.end_line + line_delta)
                         for d in node[6])
            out[i] = node[:6] + (docs, node[7])
    return out
