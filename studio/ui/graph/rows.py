"""The instruction rows of a stage box: their text, worked out only when shown, and kept
across re-parses while the stage's source text stays the same.

Why: after a keystroke the core hands back new Stage objects for every stage after the
edit (their offsets moved). Recomputing their rows read every instruction's details
(flags, arguments), which the core otherwise leaves unread; and a collapsed box shows
only its first rows. So a box keeps its ``RowTexts`` while its slice of the text is the
same (only its line numbers shift), and a ``RowTexts`` reads an instruction only when a
row is drawn.
"""
from __future__ import annotations

from functools import lru_cache

from studio.core.model import Instruction, Stage
from studio.core.units import visible


def instruction_text(ins: Instruction) -> str:
    """One short line for an instruction row: keyword, the --from flag, the arguments
    (read without the instruction's other details: ``from_and_args``)."""
    source, args = ins.from_and_args()
    return _row_text(ins.keyword or ins.keyword_as_written or "?", source, args)


@lru_cache(maxsize=8192)
def _row_text(keyword: str, source: str | None, args: str) -> str:
    # cached: after a one-character edit every other row is the same text again
    parts = [keyword]
    if source is not None:
        parts.append(f"--from={source}")
    args = " ".join(args.split())
    if args:
        parts.append(args)
    return visible(" ".join(parts))  # a right-to-left override would turn the rest of the row round


class RowTexts:
    """The row texts of one stage's instructions, each worked out on first read."""

    __slots__ = ("_instructions", "_texts")

    def __init__(self, instructions: list[Instruction]) -> None:
        self._instructions = instructions
        self._texts: list[str | None] = [None] * len(instructions)

    def __len__(self) -> int:
        return len(self._texts)

    def __getitem__(self, i: int) -> str:
        text = self._texts[i]
        if text is None:
            text = self._texts[i] = instruction_text(self._instructions[i])
        return text

    def __iter__(self):
        return (self[i] for i in range(len(self._texts)))

    def rebind(self, instructions: list[Instruction]) -> None:
        """Read rows not yet shown from ``instructions`` (the same source text, newer
        objects), so the old Document and its text can be freed."""
        self._instructions = instructions

    def read(self) -> int:
        """How many rows have been worked out (tests check the laziness)."""
        return sum(t is not None for t in self._texts)


def stage_source(stage: Stage, text: str) -> str:
    """The stage's slice of the text: its FROM line to the end of its last instruction.
    Reading ``start``/``end`` never makes the core work out an instruction's details."""
    last = stage.instructions[-1] if stage.instructions else stage.from_instruction
    return text[stage.from_instruction.start:last.end]


def header_source(stages: list[Stage], text: str | None) -> str | None:
    """The comment lines that open the text, where parser directives live (the escape
    character changes how every row reads): when they change, no kept row is trusted.
    (Not the ARG lines below them: editing a default there keeps the rows.)"""
    if text is None or not stages:
        return None
    end = 0
    while end < len(text):
        stop = text.find("\n", end)
        stop = len(text) if stop < 0 else stop + 1
        if not text[end:stop].lstrip(" \t\ufeff").startswith("#"):
            break
        end = stop
    return text[:end]


class StageRows:
    """What a box's rows were made from: the stage's source text (when the view is given
    the text), the core's instruction list, and the texts worked out for them; and what
    the whole box was last filled from (``scene_diff``)."""

    __slots__ = ("filled", "instructions", "source", "texts")

    def __init__(self) -> None:
        self.instructions: list[Instruction] | None = None
        self.source: str | None = None
        self.texts: RowTexts | None = None
        self.filled: tuple | None = None  # (the Stage, its diagnostics) the box was last filled from

    def update(self, stage: Stage, text: str | None) -> RowTexts | None:
        """The row texts for ``stage``: the kept ones when its source did not change;
        None when even the instruction list is the one seen last (nothing moved)."""
        instructions = stage.instructions
        if instructions is self.instructions and self.texts is not None:
            return None  # the core hands back the same list for a stage an edit did not touch
        kept = self.texts
        source = None if text is None else stage_source(stage, text)
        if kept is None or len(kept) != len(instructions):
            same = False
        elif source is not None:
            same = source == self.source
        else:  # without the text, only the texts themselves tell (every one is read)
            same = list(RowTexts(instructions)) == list(kept)
        if same:
            kept.rebind(instructions)
        else:
            self.texts = RowTexts(instructions)
        self.instructions, self.source = instructions, source
        return self.texts

    def forget(self) -> None:
        self.instructions = self.source = self.filled = None
