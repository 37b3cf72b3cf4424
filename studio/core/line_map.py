"""Where the lines of a built text are in the text as edited since.

A build's facts (a layer's files, bytes a later line deleted, what crossed a COPY --from)
name lines of the text that was built. Once the user types, those numbers point at other
lines: a comment typed at the top moves every fact one line down. ``LineMap`` follows
each line of the built text to where it is now, through the edits (a line diff of the
two texts, trimmed to the part that differs, so a keystroke costs a comparison of the
lines it touched). A fact about an instruction follows it only while every line of the
instruction is as built: an edited or deleted instruction has no current line, and what
is said about it names the build's line instead of another line that now has its number.
"""
from __future__ import annotations

from difflib import SequenceMatcher

CHANGED, DELETED = "changed", "deleted"


def common_ends(old, new) -> tuple[int, int]:
    """How many items ``old`` and ``new`` (strings, or lists of lines) share at the start,
    and then at the end without overlapping it: found by bisection on slices, so it runs
    at C speed even on big texts."""
    limit = min(len(old), len(new))
    lo, hi = 0, limit
    while lo < hi:  # longest common prefix
        mid = (lo + hi + 1) // 2
        if old[lo:mid] == new[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    prefix = lo
    lo, hi = 0, limit - prefix
    while lo < hi:  # longest common suffix not overlapping the prefix
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid:len(old) - lo] == new[len(new) - mid:len(new) - lo]:
            lo = mid
        else:
            hi = mid - 1
    return prefix, lo


def instruction_spans(doc) -> dict[int, int]:
    """First line -> last line of every instruction (continuations, heredoc bodies)."""
    spans = {}
    for stage in doc.stages:
        for ins in [stage.from_instruction, *stage.instructions]:
            spans[ins.line] = ins.end_line
    return spans


class LineMap:
    """Lines (1-based) of ``old`` to lines of ``new`` and back; ``spans`` (first line ->
    last line in ``old``) makes a multi-line instruction follow only as a whole."""

    def __init__(self, old: str, new: str, spans: dict[int, int] | None = None) -> None:
        self.spans = spans or {}
        self.same = old == new
        self._to_new: list[int | None] | None = None  # index: old line; None while the texts are the same
        self._to_old: dict[int, int] | None = None
        self._gone: dict[int, str] = {}  # old line -> CHANGED | DELETED
        if not self.same:
            self._diff(old.split("\n"), new.split("\n"))

    def _diff(self, a: list[str], b: list[str]) -> None:
        head, tail = common_ends(a, b)
        to_new: list[int | None] = [None] * (len(a) + 1)
        to_new[1:head + 1] = range(1, head + 1)
        to_new[len(a) - tail + 1:] = range(len(b) - tail + 1, len(b) + 1)
        middle = SequenceMatcher(None, a[head:len(a) - tail], b[head:len(b) - tail], autojunk=False)
        for tag, i1, i2, j1, _j2 in middle.get_opcodes():
            for k in range(i2 - i1):
                old = head + i1 + k + 1
                if tag == "equal":
                    to_new[old] = head + j1 + k + 1
                else:
                    self._gone[old] = DELETED if tag == "delete" else CHANGED
        self._to_new = to_new

    def _line(self, line: int) -> int | None:
        to_new = self._to_new
        if to_new is None:
            return line
        return to_new[line] if 0 < line < len(to_new) else None

    def new_line(self, line: int | None) -> int | None:
        """Where the (instruction that starts at) built ``line`` is now; None when it was
        edited or deleted since (or ``line`` is None)."""
        if line is None or self.same:
            return line
        first = self._line(line)
        if first is None:
            return None
        for k in range(1, self.spans.get(line, line) - line + 1):  # the instruction's other lines, as built
            if self._line(line + k) != first + k:
                return None
        return first

    def old_line(self, line: int) -> int | None:
        """The built line now at ``line`` (an instruction start only if it is whole)."""
        if self.same:
            return line
        if self._to_old is None:  # (made when first asked: the cursor asks, a re-parse does not)
            self._to_old = {n: o for o, n in enumerate(self._to_new) if n is not None}
        old = self._to_old.get(line)
        return old if old is not None and self.new_line(old) == line else None

    def gone(self, line: int) -> str:
        """Why built ``line`` has no current line: "changed" or "deleted" ("" if it has one)."""
        if self.new_line(line) is not None:
            return ""
        lines = range(line, self.spans.get(line, line) + 1)
        return DELETED if all(self._gone.get(k) == DELETED for k in lines) else CHANGED

    def say(self, line: int) -> str:
        """``line 9`` (where built line 8 is now), or ``a changed line (last build: line 8)``."""
        now = self.new_line(line)
        return f"line {now}" if now is not None else f"a {self.gone(line)} line (last build: line {line})"

    def short(self, line: int | None) -> str:
        """For a narrow column: ``9``, or ``last build: 8``."""
        if line is None:
            return ""
        now = self.new_line(line)
        return str(now) if now is not None else f"last build: {line}"


SAME = LineMap("", "")  # a text as built: every line where it was
