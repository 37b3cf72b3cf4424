"""Raw spans inside an instruction, so quick fixes replace exactly the bytes they mean."""
from __future__ import annotations

from studio.core.model import Instruction, TextEdit
from studio.core.shell import SpanWord, span_words


def instruction_words(text: str, ins: Instruction, end: int, escape: str) -> list[SpanWord]:
    """The argument words (after flags) of an instruction."""
    return span_words(text, ins.args_start, end, escape)


def flag_removal(text: str, start: int, end: int) -> TextEdit:
    """Delete a flag token and the blanks after it (``FROM --platform=x img`` -> ``FROM img``)."""
    j = end
    while j < len(text) and text[j] in " \t":
        j += 1
    return TextEdit(start, j, "")

