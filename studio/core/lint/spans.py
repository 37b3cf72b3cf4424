"""Raw spans inside an instruction, so quick fixes replace exactly the bytes they mean."""
from __future__ import annotations

from dataclasses import dataclass

from studio.core.model import Instruction, TextEdit
from studio.core.words import continuation_end, skip_dropped_lines


@dataclass(frozen=True)
class RawWord:
    text: str  # as written (quotes kept)
    start: int
    end: int


def raw_words(text: str, start: int, end: int, escape: str = "\\") -> list[RawWord]:
    """Whitespace-separated words of ``text[start:end]``; a line continuation (escape at
    end of line) separates words and the comment or empty lines after it are skipped,
    as BuildKit does. Quotes group words (``"a b"`` is one)."""
    out: list[RawWord] = []
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
        out.append(RawWord(text[w:i], w, i))
    return out


def instruction_words(text: str, ins: Instruction, end: int, escape: str) -> list[RawWord]:
    """The argument words (after flags) of an instruction."""
    return raw_words(text, ins.args_start, end, escape)


def flag_removal(text: str, start: int, end: int) -> TextEdit:
    """Delete a flag token and the blanks after it (``FROM --platform=x img`` -> ``FROM img``)."""
    j = end
    while j < len(text) and text[j] in " \t":
        j += 1
    return TextEdit(start, j, "")

