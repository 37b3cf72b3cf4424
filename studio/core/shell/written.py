"""Words as written: split at blanks with quotes and escapes kept, quotes removed without
expansion, and instruction words with their offsets across line continuations.

Each with BuildKit's rule for its caller: heredoc delimiters (backslash escapes), flag
values (backslash escapes even inside single quotes, as in extractBuilderFlags), and COPY
paths in ``# escape=`` ` `` files (backtick escapes, backslashes are plain characters).
``span_words`` keeps each word's offsets, for edits and quick fixes that replace exact bytes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@lru_cache(maxsize=8)
def _patterns(escape: str, single_quote_escapes: bool) -> tuple[re.Pattern[str], re.Pattern[str]]:
    e = re.escape(escape)
    double = rf'"((?:[^"{e}]|{e}[\s\S]?)*)"?'
    single = rf"'((?:[^'{e}]|{e}[\s\S]?)*)'?" if single_quote_escapes else r"'([^']*)'?"
    word = re.compile(rf"""(?:[^\s"'{e}]|{e}[\s\S]?|{double}|{single})+""")
    piece = re.compile(rf"{e}([\s\S]?)|{double}|{single}")
    return word, piece


def raw_words(text: str, escape: str = "\\") -> list[str]:
    """The words of ``text`` split at unquoted whitespace, quotes and escapes kept."""
    return [m.group() for m in _patterns(escape, False)[0].finditer(text)]


def unquote(word: str, escape: str = "\\", single_quote_escapes: bool = False) -> str:
    """``word`` with its quotes and escape characters removed (no variable expansion)."""
    if '"' not in word and "'" not in word and escape not in word:
        return word
    inner = re.compile(re.escape(escape) + r"([\s\S]?)")

    def piece(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return m.group(1)
        if m.group(2) is not None:
            return inner.sub(r"\1", m.group(2))
        content = m.group(3) or ""
        return inner.sub(r"\1", content) if single_quote_escapes else content

    return _patterns(escape, single_quote_escapes)[1].sub(piece, word)


def continuation_end(text: str, i: int, escape: str, end: int | None = None) -> int | None:
    """If ``text[i]`` is an escape that ends its line (escape, optional blanks, line
    ending), the offset just after that line ending; else None. Nothing past ``end``
    (default: the whole text) is looked at."""
    if text[i] != escape:
        return None
    stop = len(text) if end is None else end
    j = i + 1
    while j < stop and text[j] in " \t":
        j += 1
    if j >= stop:  # an escape at the very end continues nothing
        return None
    if text.startswith("\r\n", j):
        return j + 2
    if text[j] in "\r\n":
        return j + 1
    return None


def skip_dropped_lines(text: str, i: int, end: int) -> int:
    """After a line continuation BuildKit drops comment lines and empty lines: the
    offset of the first line from ``i`` that counts (at most ``end``)."""
    while i < end:
        j = i
        while j < end and text[j] in " \t":
            j += 1
        if j < end and (text[j] == "#" or text[j] in "\r\n"):
            nl = text.find("\n", j)
            i = end if nl < 0 or nl >= end else nl + 1
            continue
        return i
    return i


@dataclass(frozen=True)
class SpanWord:
    """A word of an instruction with its span in the text."""

    text: str  # as written (quotes kept)
    start: int
    end: int


def span_words(text: str, start: int, end: int, escape: str = "\\") -> list[SpanWord]:
    """Whitespace-separated words of ``text[start:end]``; a line continuation (escape at
    end of line) separates words and the comment or empty lines after it are skipped,
    as BuildKit does. Quotes group words (``"a b"`` is one)."""
    out: list[SpanWord] = []
    i = start
    while i < end:
        ch = text[i]
        if ch in " \t":
            i += 1
            continue
        cont = continuation_end(text, i, escape, end)
        if cont is not None:
            i = skip_dropped_lines(text, cont, end)
            continue
        if ch in "\r\n":
            i = skip_dropped_lines(text, i + 1, end)
            continue
        w = i
        quote = None
        while i < end:
            c = text[i]
            if quote:
                if c == quote:
                    quote = None
                elif c == escape and quote == '"' and i + 1 < end:
                    i += 1
                i += 1
                continue
            if c in " \t\r\n" or continuation_end(text, i, escape, end) is not None:
                break
            if c in "'\"":
                quote = c
            elif c == escape and i + 1 < end:
                i += 1
            i += 1
        out.append(SpanWord(text[w:i], w, i))
    return out
