"""Shared ground for graph edits: the error type, stage look-up, name rules, and the
small text helpers that let every operation touch only the bytes it must.

Everything here reads a parsed ``Document`` and the raw text; nothing re-parses.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from studio.core.model import Stage, TextEdit, stage_choices, stage_label, stage_number
from studio.core.shell import SpanWord, span_words

if TYPE_CHECKING:  # the Document class lives in the parser module
    from studio.core.document import Document

STAGE_NAME_RE = re.compile(r"^[a-z][a-z0-9._-]*$", re.IGNORECASE)
RESERVED_NAMES = ("scratch", "context")
_LINE_END = ("\r\n", "\n", "\r")


class EditError(ValueError):
    """An operation that cannot apply. The message is shown to users as is."""


class StageInUseError(EditError):
    """``remove_stage`` without cascade on a stage others use; ``users`` lists the
    lines that use it, so a UI can offer the cascade."""

    def __init__(self, message: str, users: list[int], summary: str = ""):
        super().__init__(message)
        self.users = users
        self.summary = summary or message  # "stage X is still used by ...", without the advice


# ---------------------------------------------------------------- stages and names


def stage_ref_label(stage: Stage) -> str:
    """How messages name a stage: ``'build' (line 4)`` or ``#2 (line 9)``."""
    shown = f"'{stage.name}'" if stage.name else stage_label(None, stage.index)
    return f"{shown} (line {stage.line})"


def resolve_stage(doc: Document, ref: int | str, role: str = "stage") -> Stage:
    """Find a stage by index, by ``"2"`` or by name (case-insensitive, as BuildKit does)."""
    stages = doc.stages
    if isinstance(ref, bool) or not isinstance(ref, (int, str)):
        raise EditError(f"{role} must be a stage name or number, not {ref!r}")
    if isinstance(ref, str):
        wanted = ref.strip()
        for stage in stages:
            if stage.name and stage.name.lower() == wanted.lower():
                return stage
        if stage_number(wanted) is None:
            raise EditError(f"no stage named '{wanted}' (stages: {stage_choices(stages)})")
        ref = stage_number(wanted)
    if 0 <= ref < len(stages):
        return stages[ref]
    if not stages:
        raise EditError(f"no stage #{ref}: the file has no stages")
    raise EditError(f"no stage #{ref}: stages are numbered 0 to {len(stages) - 1}")


def find_named(doc: Document, name: str) -> Stage | None:
    low = name.lower()
    for stage in doc.stages:
        if stage.name and stage.name.lower() == low:
            return stage
    return None


def check_new_name(doc: Document, name: str, renaming: Stage | None = None) -> None:
    """Refuse names BuildKit would reject or that already belong to another stage."""
    if not isinstance(name, str) or not name:
        raise EditError("a stage name cannot be empty")
    if not STAGE_NAME_RE.match(name):
        raise EditError(
            f"'{name}' is not a valid stage name: start with a letter, then use only "
            "letters, digits, '.', '_' or '-'"
        )
    if name.lower() in RESERVED_NAMES:
        raise EditError(f"'{name}' is reserved by Docker and cannot name a stage")
    other = find_named(doc, name)
    if other is not None and other is not renaming:
        raise EditError(f"a stage named '{other.name}' already exists at line {other.line}")


def check_image(image: str, what: str = "base image") -> str:
    if not isinstance(image, str) or not image.strip():
        raise EditError(f"the {what} cannot be empty")
    image = image.strip()
    if any(ch.isspace() for ch in image):
        raise EditError(f"the {what} '{image}' contains white space")
    return image


def refuse_image_clash(doc: Document, first: int, new_name: str, doing: str) -> None:
    """A ``FROM new_name`` from stage ``first`` on (or any ``--from=new_name``) that now
    means an image would silently start meaning the stage: refuse instead."""
    low = new_name.lower()
    for later in doc.stages[first:]:
        if later.base_stage is None and later.base.lower() == low:
            raise EditError(
                f"line {later.line} uses the image '{later.base}'; {doing} "
                f"'{new_name}' would make it use the stage instead"
            )
    for edge in doc.edges:
        if edge.kind != "from" and isinstance(edge.source, str) and edge.source.lower() == low:
            raise EditError(
                f"line {edge.line} copies from the image '{edge.source}'; {doing} "
                f"'{new_name}' would change what it copies"
            )


# ---------------------------------------------------------------- raw text helpers


def from_words(doc: Document, stage: Stage) -> tuple[SpanWord | None, SpanWord | None, SpanWord | None]:
    """The image word, the ``AS`` word and the name word of a stage's FROM."""
    ins = stage.from_instruction
    ws = span_words(doc.text, ins.args_start, ins.content_end or ins.end, doc.escape)
    image = ws[0] if ws else None
    if len(ws) >= 3 and ws[1].text.lower() == "as":
        return image, ws[1], ws[2]
    return image, None, None


def line_start_of(text: str, offset: int) -> int:
    """Start of the line holding ``offset``; on line 1 that is after a BOM, which no
    edit may move or delete."""
    start = text.rfind("\n", 0, offset) + 1
    return 1 if start == 0 and text.startswith("\ufeff") and offset > 0 else start


def line_end_of(text: str, offset: int) -> int:
    """Offset of the line ending (or end of text) of the line holding ``offset``."""
    nl = text.find("\n", offset)
    if nl < 0:
        return len(text)
    return nl - 1 if nl > 0 and text[nl - 1] == "\r" else nl


def indentation_at(text: str, offset: int) -> str:
    ls = line_start_of(text, offset)
    j = ls
    while j < len(text) and text[j] in " \t":
        j += 1
    return text[ls:j]


def ends_with_line_end(text: str, offset: int) -> bool:
    return offset > 0 and text[offset - 1] in "\r\n"


def is_blank_line(text: str, start: int) -> bool:
    end = line_end_of(text, start)
    return start < len(text) and not text[start:end].strip()


def previous_line_start(text: str, line_start: int) -> int | None:
    """Start of the line before the one starting at ``line_start``, or None at the top."""
    if line_start <= (1 if text.startswith("\ufeff") else 0):
        return None
    return line_start_of(text, line_start - 1)


def insertion(doc: Document, at: int, block: str) -> TextEdit:
    """Insert ``block`` (whole lines ending with the file's newline) at ``at``, a line
    start. At the end of a file that lacks a final newline the block goes after a new
    line break and itself ends without one, so the file keeps its missing newline."""
    text = doc.text
    if at > 0 and not ends_with_line_end(text, at) and not (at == 1 and text.startswith("\ufeff")):
        nl = doc.newline
        return TextEdit(at, at, nl + (block[: -len(nl)] if block.endswith(nl) else block))
    return TextEdit(at, at, block)


def deletion(doc: Document, start: int, end: int) -> TextEdit:
    """Delete whole lines ``[start, end)``. When they run to the end of a file with no
    final newline, the blank lines right above them and the line break before those go
    too, so the file still ends without a newline (and without a trailing blank line)."""
    text = doc.text
    at_line_start = start == 0 or ends_with_line_end(text, start)
    if end >= len(text) and not ends_with_line_end(text, len(text)) and at_line_start:
        prev = previous_line_start(text, start)
        while prev is not None and not text[prev:start].strip():
            start = prev
            prev = previous_line_start(text, start)
        if prev is not None:
            start -= 2 if text.startswith("\r\n", start - 2) else 1
    return TextEdit(start, end, "")


def finish(edits: list[TextEdit], doc: Document | None = None) -> list[TextEdit]:
    """Sort edits; merge overlapping deletions and drop edits that fall inside a
    deletion (a renumbered reference in a removed line). Any other overlap is a bug.
    With ``doc``, merged deletions that reach the end of the file get the same care for
    a missing final newline as one ``deletion`` does."""
    out = _merge(edits)
    while doc is not None and out and out[-1].new_text == "" and out[-1].end >= len(doc.text):
        last = deletion(doc, out[-1].start, out[-1].end)
        if last == out[-1]:
            break
        out = _merge(out[:-1] + [last])
    return out


def _merge(edits: list[TextEdit]) -> list[TextEdit]:
    out: list[TextEdit] = []
    for e in sorted(edits, key=lambda e: (e.start, e.start == e.end and 0 or 1, -e.end)):
        last = out[-1] if out else None
        if last is not None and last.new_text == "" and last.start < last.end:
            if e.new_text == "" and e.start < e.end and e.start <= last.end:
                out[-1] = TextEdit(last.start, max(last.end, e.end), "")
                continue
            empty = e.start == e.end
            if (empty and last.start < e.start < last.end) or (
                not empty and last.start <= e.start and e.end <= last.end
            ):
                continue
        if last is not None and e.start < last.end:
            raise AssertionError(f"overlapping edits {last} and {e}")
        out.append(e)
    return out


# ---------------------------------------------------------------- file style


def _mostly_lower(samples: list[str]) -> bool:
    lower = sum(1 for s in samples if s.isalpha() and s == s.lower())
    upper = sum(1 for s in samples if s.isalpha() and s == s.upper())
    return lower > upper


def keyword_case(doc: Document, keyword: str) -> str:
    """``keyword`` in the file's own casing: lower-case if the file mostly writes
    keywords that way (FROM keywords for FROM, every keyword otherwise)."""
    if keyword.upper() == "FROM":
        samples = [s.from_instruction.keyword_as_written for s in doc.stages[:200]]
    else:
        samples = [i.keyword_as_written for i in doc.instructions[:400] if i.keyword]
    return keyword.lower() if _mostly_lower(samples) else keyword.upper()


def as_case(doc: Document) -> str:
    samples = []
    for stage in doc.stages[:25]:
        if stage.name is None:
            continue
        _, as_word, _ = from_words(doc, stage)
        if as_word is not None:
            samples.append(as_word.text)
    if not samples:
        return "as" if keyword_case(doc, "FROM") == "from" else "AS"
    return "as" if _mostly_lower(samples) else "AS"


def stage_block_start(doc: Document, stage: Stage) -> int:
    """Where a stage's text begins: its FROM line, or the comment lines right above it
    (no blank line between) that describe it. A comment block of several lines that opens
    the file is the file's header, not the first stage's, even with no blank line before
    that FROM (deleting a stage must never take the file's description with it)."""
    text = doc.text
    from_line = start = line_start_of(text, stage.from_instruction.start)
    floor = 0
    if stage.index > 0:
        floor = stage_end(doc.stages[stage.index - 1])
    elif doc.instructions and doc.instructions[0] is not stage.from_instruction:
        floor = max(i.end for i in doc.instructions if i.start < stage.from_instruction.start)
    first_instruction = stage.from_instruction.start
    opens_file = stage.index == 0 and floor == 0
    while True:
        prev = previous_line_start(text, start)
        if prev is None or prev < floor:
            return from_line if opens_file and prev is None and _lines_between(text, start, from_line) > 1 else start
        line = text[prev:line_end_of(text, prev)].strip()
        if not line.startswith("#") or _is_directive_line(doc, prev, first_instruction):
            header = opens_file and line.startswith("#") and _lines_between(text, start, from_line) > 1
            return from_line if header else start
        start = prev


def _lines_between(text: str, start: int, end: int) -> int:
    return text.count("\n", start, end)


def _is_directive_line(doc: Document, offset: int, first_instruction: int) -> bool:
    """Parser directives sit above every instruction; never treat them as a stage's comment."""
    if doc.instructions and doc.instructions[0].start < first_instruction:
        return False
    return any(n.kind == "directive" and n.start <= offset < n.end for n in doc.nodes[:16])


def stage_end(stage: Stage) -> int:
    last = stage.instructions[-1] if stage.instructions else stage.from_instruction
    return last.end


def stage_tail_end(doc: Document, stage: Stage) -> int:
    """End of a stage's text including comment lines right after its last instruction
    (up to a blank line or the comments that introduce the next stage)."""
    text = doc.text
    pos = stage_end(stage)
    nxt = stage.index + 1
    limit = stage_block_start(doc, doc.stages[nxt]) if nxt < len(doc.stages) else len(text)
    while pos < limit and text[pos:line_end_of(text, pos)].lstrip(" \t").startswith("#"):
        nl = text.find("\n", pos)
        pos = len(text) if nl < 0 else nl + 1
    return pos


def uses_blank_lines(doc: Document) -> bool:
    """Whether stages are separated by blank lines (True for a file with one stage).
    The first couple of dozen stage boundaries decide; a file keeps one style."""
    votes = []
    for stage in doc.stages[1:25]:
        start = stage_block_start(doc, stage)
        prev = previous_line_start(doc.text, start)
        votes.append(prev is not None and is_blank_line(doc.text, prev))
    if not votes:
        return True
    return sum(votes) * 2 >= len(votes)
