"""Every instruction's value in bulk: the text after its keyword as one logical line.

The value is what dockerfile-parse's ``DockerfileParser.structure`` offers per
instruction (and what BuildKit reads before splitting off flags): continuations joined,
the comment and blank lines BuildKit skips inside them dropped, outer spaces removed.
Reading it for every instruction of a big file should cost about what a lookup does,
so it is worked out from the lexer's nodes by C-level iteration (slices, one regex
substitution over all of them, strips), never one instruction at a time in Python,
except where that shortcut could differ from the long way.
"""
from __future__ import annotations

from itertools import compress, repeat
from operator import add, eq, itemgetter

from studio.core.logical import GO_SPACE, continuation_gaps, logical_line, split_keyword
from studio.core.syntax import CONTENT_END, KEYWORD, KIND, START, RawNode

_KIND, _START, _CONTENT_END, _KEYWORD = itemgetter(KIND), itemgetter(START), itemgetter(CONTENT_END), itemgetter(KEYWORD)
_AFTER_KEYWORD = "\t\v\f\r "  # what BuildKit skips between the keyword and its arguments
_ODD_SPACES = [c for c in GO_SPACE if c not in _AFTER_KEYWORD + "\n"]  # other spaces only stripped at the end
_SEPARATOR = "\x00"  # (neither a space, a line end, "#" nor an escape character)


def instruction_value(text: str, start: int, content_end: int, escape: str) -> str:
    """The value of the instruction at ``text[start:content_end]``, the long way."""
    joined, _ = logical_line(text, start, content_end, escape)
    return joined[split_keyword(joined, 0)[1]:].rstrip(GO_SPACE)


def instruction_values(text: str, raws: list[RawNode], escape: str) -> list[str]:
    """The value of every instruction among the lexed nodes ``raws``, in order.

    A node whose keyword the lexer saw written in one piece at its start has its value
    right after that keyword. The others (an unusual first line, the last instruction
    of a text ending without a newline) take the long way.
    """
    nodes = list(compress(raws, map(eq, map(_KIND, raws), repeat("instruction"))))
    if not nodes:
        return []
    written = list(map(_KEYWORD, nodes))
    after = map(add, map(_START, nodes), map(len, written))
    rests = list(map(text.__getitem__, map(slice, after, map(_CONTENT_END, nodes))))
    gaps = continuation_gaps(escape)
    if _SEPARATOR in text:
        rests = list(map(gaps.sub, repeat(""), rests))
    else:  # one substitution for all: no gap reaches from one instruction's text into the next
        rests = gaps.sub("", _SEPARATOR.join(rests)).split(_SEPARATOR)
    if any(c in text for c in _ODD_SPACES):
        values = list(map(str.lstrip, map(str.rstrip, rests, repeat(GO_SPACE)), repeat(_AFTER_KEYWORD)))
    else:  # the same in one pass: a value never starts with a line end unless it is empty
        values = list(map(str.strip, rests, repeat(GO_SPACE)))
    odd = list(compress(range(len(nodes)), map(eq, written, repeat(""))))
    if nodes[-1][CONTENT_END] == len(text):
        odd.append(len(nodes) - 1)
    for i in odd:
        values[i] = instruction_value(text, nodes[i][START], nodes[i][CONTENT_END], escape)
    return values
