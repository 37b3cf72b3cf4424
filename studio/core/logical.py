"""One instruction's logical line: continuations joined, keyword, JSON form, heredoc words.

These follow BuildKit's parser so that ``Instruction.args`` is what BuildKit sees, and
keep a map back to text offsets so every piece has a span for minimal edits.
"""
from __future__ import annotations

import json
import re

from studio.core.flags import extract_flags
from studio.core.shell import raw_words, unquote

# Go's unicode.IsSpace, which BuildKit uses to strip lines.
GO_SPACE = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
            "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_LEAD = "[" + re.escape(GO_SPACE.replace("\n", "")) + "]*"
_LEAD_RE = re.compile(_LEAD)
_KEYWORD = re.compile(_LEAD + r"([^\t\v\f\r ]*)[\t\v\f\r ]*")
_HEREDOC = re.compile(r"(\d*)<<(-?)([^<]*)\Z", re.DOTALL)

_JSON = json.JSONDecoder()

Segments = list[tuple[int, int]]  # (index in the joined line, offset in the text), ascending


def _gap(escape: str) -> re.Pattern[str]:
    """What joining removes: escape, end of line, and the comment/blank lines after it."""
    e = re.escape(escape)  # the literal first lets the regex engine skip ahead fast
    return re.compile(f"{e}(?<!{e}{e})" + r"[ \t]*+\r?\n(?:" + _LEAD + r"+(?:#[^\n]*+)?\n)*+")


_GAPS = {"\\": _gap("\\"), "`": _gap("`")}


def continuation_gaps(escape: str) -> re.Pattern[str]:
    """The regex of what joining a logical line removes (see ``logical_line``)."""
    return _GAPS[escape]


def _trim_continuation(line: str, escape: str) -> str:
    """Drop a final escape (not itself escaped) and the spaces after it."""
    last = line[-1:]
    if last != escape and last != " " and last != "\t":
        return line
    tail = line.rstrip(" \t")
    if tail.endswith(escape) and not tail.endswith(escape + escape):
        return tail[:-1]
    return line


def _span(text: str, start: int, end: int) -> tuple[int, int]:
    """Where an instruction's text starts (after leading spaces) and stops (before its
    line end)."""
    stop = end
    if stop > start and text[stop - 1] == "\n":
        stop -= 1
        if stop > start and text[stop - 1] == "\r":
            stop -= 1
    elif stop > start and stop == len(text) and text[stop - 1] == "\r":
        stop -= 1
    return _LEAD_RE.match(text, start, stop).end(), stop


def logical_line(text: str, start: int, end: int, escape: str) -> tuple[str, Segments]:
    """Join the lines of ``text[start:end]`` as BuildKit does, with an offset map."""
    pos, stop = _span(text, start, end)
    if text.find("\n", pos, stop) < 0:  # one line: the common case
        return _trim_continuation(text[pos:stop], escape), [(0, pos)]
    parts: list[str] = []
    segments: Segments = []
    size = 0
    for m in _GAPS[escape].finditer(text, pos, stop):
        piece = text[pos:m.start()]
        segments.append((size, pos))
        parts.append(piece)
        size += len(piece)
        pos = m.end()
    line = text[pos:stop]
    stripped = line.lstrip(GO_SPACE)
    if stripped and stripped[0] != "#" or not segments:
        line = _trim_continuation(line, escape)
        segments.append((size, pos))
        parts.append(line)
    return "".join(parts), segments


def joined_line(text: str, start: int, end: int, escape: str) -> str:
    """``logical_line``'s joined line alone, without its offset map: the pieces between
    continuations are found in one split (a picture's rows join thousands of lines and
    need no offsets)."""
    pos, stop = _span(text, start, end)
    if text.find("\n", pos, stop) < 0:
        return _trim_continuation(text[pos:stop], escape)
    pieces = _GAPS[escape].split(text[pos:stop])
    last = pieces[-1]
    stripped = last.lstrip(GO_SPACE)
    if stripped and stripped[0] != "#" or len(pieces) == 1:
        pieces[-1] = _trim_continuation(last, escape)
    else:
        pieces.pop()
    return "".join(pieces)


_FIELD_GAPS = re.compile(r"[\t\v\f\r ]+")


def whitespace_fields(args: str) -> list[str]:
    """``args`` split as BuildKit's parser splits a whitespace-delimited argument list
    (FROM's, EXPOSE's, HEALTHCHECK's first word): at runs of spaces, tabs, vertical tabs,
    form feeds and carriage returns only. A no-break space, U+0085 or U+2028 stays inside
    its word, where Python's str.split() would cut (``args`` is already trimmed as Go's
    TrimSpace trims: of every Unicode space)."""
    return _FIELD_GAPS.split(args) if args else []


def to_offset(segments: Segments, index: int) -> int:
    """The text offset of character ``index`` of the joined line."""
    best = segments[0]
    for seg in segments:
        if seg[0] > index:
            break
        best = seg
    return best[1] + index - best[0]


def split_keyword(joined: str, pos: int) -> tuple[str, int]:
    """The instruction word at ``pos`` and where its arguments begin (BuildKit's split)."""
    m = _KEYWORD.match(joined, pos)
    return m.group(1), m.end()


def keyword_index(joined: str, pos: int) -> int:
    """Where the instruction word at ``pos`` starts (after leading spaces)."""
    return _KEYWORD.match(joined, pos).start(1)


def split_json_args(args: str) -> list[str] | None:
    """The exec-form list if ``args`` starts with a JSON array of strings, else None.

    Like BuildKit (Go's json.Decoder), only the first JSON value counts; text after it
    is ignored.
    """
    args = args.strip(GO_SPACE)
    if not args.startswith("["):
        return None
    try:
        value, _ = _JSON.raw_decode(args)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def is_json_form(joined: str, rest_at: int) -> bool:
    _, args_at = extract_flags(joined, rest_at)
    return split_json_args(joined[args_at:]) is not None


def heredoc_words(joined: str) -> list[tuple[str, bool, bool]]:
    """(delimiter, strip_tabs, quoted) for each ``<<WORD`` in the line, in order."""
    found = []
    for word in raw_words(joined):
        h = _HEREDOC.match(word)
        if not h or not h.group(3):
            continue
        rest = h.group(3)
        name = unquote(rest)
        if not name:
            continue
        quoted = (rest.count('"') + rest.count("'")) != (name.count('"') + name.count("'"))
        found.append((name, h.group(2) == "-", quoted))
    return found
