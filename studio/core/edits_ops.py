"""Graph operations written as short strings (the CLI's ``--rename-stage OLD=NEW``,
``--add-copy FROM:TO:SRC[:DEST]``, ...), parsed and applied one after another with a
re-parse between them. Used by ``stage-studio edit``; usable by scripts too:
``apply_operation(text, Operation("rename-stage", "old=new"))``."""
from __future__ import annotations

import re
from dataclasses import dataclass

from studio.core import edits as ops
from studio.core.edits_base import STAGE_NAME_RE, EditError
from studio.core.model import TextEdit

# option name -> (metavar, help)
OPERATIONS: dict[str, tuple[str, str]] = {
    "rename-stage": ("OLD=NEW", "rename a stage and every reference to it"),
    "add-stage": ("[NAME]=BASE[@AFTER]", "add a stage FROM BASE, after stage AFTER (default: last); "
                  "without NAME the stage has no name"),
    "remove-stage": ("NAME", "remove a stage (refused while others use it, unless --cascade)"),
    "add-copy": ("FROM:TO:SRC[:DEST]", "add COPY --from=FROM SRC DEST at the end of stage TO"),
    "remove-edge": ("LINE[@SOURCE]", "remove the COPY --from or RUN --mount edge on LINE"),
    "set-base": ("STAGE=IMAGE", "replace the image a stage is built FROM"),
    "move": ("LINE=STAGE[@POS]", "move the instruction on LINE into STAGE at position POS"),
    "add-instruction": ("STAGE[@POS]=TEXT", "add instruction TEXT to STAGE as its instruction POS "
                        "(0 = right after FROM; default: last); an empty STAGE adds a global ARG"),
    "set-instruction": ("LINE=TEXT", "replace the instruction on LINE with TEXT (only differing bytes change)"),
    "remove-instruction": ("LINE", "remove the instruction on LINE"),
    "duplicate-instruction": ("LINE", "insert a copy of the instruction on LINE below it"),
    "repoint": ("LINE[@SOURCE]=STAGE", "point the FROM, COPY --from or RUN --mount from= on LINE "
                "at STAGE (an earlier stage)"),
    "duplicate-stage": ("OLD=NEW", "insert a copy of stage OLD, named NEW, right after it"),
    "insert-stage": ("NAME=BASE@BEFORE", "insert stage NAME FROM BASE before stage BEFORE, "
                     "which was built FROM BASE and is then built FROM NAME"),
    "extract-stage": ("FIRST-LAST=NAME:PATH[,PATH...]", "move the RUN/COPY/ADD on lines FIRST-LAST "
                      "into a builder stage NAME, copying PATHs back"),
    "slim-stage": ("[STAGE=]IMAGE,PATH[,PATH...]", "rebase STAGE (default: the last) on IMAGE, "
                   "moving what it builds into a builder and copying PATHs back"),
    "inline-stage": ("NAME", "put stage NAME's steps into the one stage that copies from it (the "
                     "reverse of extract-stage), when that builds the same files"),
}


@dataclass(frozen=True)
class Operation:
    """One operation as written: ``kind`` is an OPERATIONS key, ``value`` its argument."""

    kind: str
    value: str
    cascade: bool = False  # for remove-stage

    def describe(self) -> str:
        return f"--{self.kind} {self.value}"


def _split(value: str, sep: str, what: str, count: int = 1) -> list[str]:
    parts = value.split(sep, count)
    if len(parts) != count + 1 or not all(p.strip() for p in parts):
        raise EditError(f"expected {what}, got '{value}'")
    return [p.strip() for p in parts]


def _line_number(value: str) -> int:
    if not re.fullmatch(r"\s*\d+\s*", value):
        raise EditError(f"expected a line number, got '{value}'")
    return int(value)


def _stage_tail(value: str) -> tuple[str, str | None]:
    """Split ``X@STAGE``; an ``@`` followed by a digest (``sha256:...``) is part of X."""
    head, sep, tail = value.rpartition("@")
    if sep and head and (tail.isdigit() or STAGE_NAME_RE.match(tail)):
        return head, tail
    return value, None


def operation_edits(doc, op: Operation) -> list[TextEdit]:  # noqa: ANN001 - a Document
    """The text edits for one operation on a parsed document."""
    v = op.value
    if op.kind == "rename-stage":
        old, new = _split(v, "=", "OLD=NEW")
        return ops.rename_stage(doc, old, new)
    if op.kind == "add-stage":
        name, sep, rest = v.partition("=")
        if not sep or not rest.strip():
            raise EditError(f"expected [NAME]=BASE[@AFTER], got '{v}'")
        base, after = _stage_tail(rest.strip())
        return ops.add_stage(doc, name, base, after)
    if op.kind == "remove-stage":
        if not v.strip():
            raise EditError("expected a stage name or number")
        return ops.remove_stage(doc, v.strip(), cascade=op.cascade)
    if op.kind == "add-copy":
        parts = v.split(":", 3)
        if len(parts) < 3 or not all(p.strip() for p in parts[:3]):
            raise EditError(f"expected FROM:TO:SRC[:DEST], got '{v}'")
        dest = parts[3] if len(parts) == 4 and parts[3] else None
        return ops.add_copy(doc, parts[0].strip(), parts[1].strip(), [parts[2]], dest)
    if op.kind == "remove-edge":
        line, _, source = v.partition("@")  # the source may be an image: nginx@sha256:...
        return ops.remove_edge(doc, _line_number(line), source.strip() or None)
    if op.kind == "set-base":
        stage, image = _split(v, "=", "STAGE=IMAGE")
        return ops.set_base(doc, stage, image)
    if op.kind == "move":
        line, rest = _split(v, "=", "LINE=STAGE[@POS]")
        stage, pos = rest.rsplit("@", 1) if "@" in rest else (rest, None)
        dst = ops.resolve_stage(doc, stage.strip(), "destination stage")
        if pos is None:
            position = len(dst.instructions)
            moving = doc.instruction_at_line(_line_number(line))
            if any(i is moving for i in dst.instructions):
                position -= 1
        else:
            position = _line_number(pos)
        return ops.move_instruction(doc, _line_number(line), dst.index, position)
    if op.kind in _MORE:
        return _MORE[op.kind](doc, v)
    raise EditError(f"unknown operation '{op.kind}'")


def _add_instruction(doc, v: str) -> list[TextEdit]:  # noqa: ANN001
    from studio.core.edits_lines import add_instruction

    where, sep, text = v.partition("=")
    if not sep:
        raise EditError(f"expected STAGE[@POS]=TEXT, got '{v}'")
    stage, at, pos = where.partition("@")
    return add_instruction(doc, stage.strip(), text, _line_number(pos) if at else None)


def _line_and_text(v: str, what: str) -> tuple[int, str]:
    line, sep, text = v.partition("=")
    if not sep:
        raise EditError(f"expected {what}, got '{v}'")
    return _line_number(line), text


def _set_instruction(doc, v: str) -> list[TextEdit]:  # noqa: ANN001
    from studio.core.edits_lines import set_instruction

    return set_instruction(doc, *_line_and_text(v, "LINE=TEXT"))


def _remove_instruction(doc, v: str) -> list[TextEdit]:  # noqa: ANN001
    from studio.core.edits_lines import remove_instruction

    return remove_instruction(doc, _line_number(v))


def _duplicate_instruction(doc, v: str) -> list[TextEdit]:  # noqa: ANN001
    from studio.core.edits_lines import duplicate_instruction

    return duplicate_instruction(doc, _line_number(v))


def _repoint(doc, v: str) -> list[TextEdit]:  # noqa: ANN001
    from studio.core.edits_links import repoint

    where, stage = _split(v, "=", "LINE[@SOURCE]=STAGE")
    line, _, source = where.partition("@")
    return repoint(doc, _line_number(line), stage, source.strip() or None)


def _duplicate_stage(doc, v: str) -> list[TextEdit]:  # noqa: ANN001
    from studio.core.edits_links import duplicate_stage

    return duplicate_stage(doc, *_split(v, "=", "OLD=NEW"))


def _insert_stage(doc, v: str) -> list[TextEdit]:  # noqa: ANN001
    from studio.core.edits_links import insert_stage

    name, rest = _split(v, "=", "NAME=BASE@BEFORE")
    base, before = _stage_tail(rest)
    if before is None:
        raise EditError(f"expected NAME=BASE@BEFORE, got '{v}'")
    return insert_stage(doc, name, base, before)


def _path_list(value: str) -> list[str]:
    return [p for p in value.split(",") if p.strip()]


def _extract_stage(doc, v: str) -> list[TextEdit]:  # noqa: ANN001
    from studio.core.refactor import extract_stage

    lines, rest = _split(v, "=", "FIRST-LAST=NAME:PATH[,PATH...]")
    first, sep, last = lines.partition("-")
    name, paths = _split(rest, ":", "FIRST-LAST=NAME:PATH[,PATH...]")
    lo, hi = _line_number(first), _line_number(last if sep else first)
    if lo > hi:  # (the window's selection may run upwards; a typed range is a slip)
        raise EditError(f"the range {lines.strip()} runs backwards; write it FIRST-LAST, as {hi}-{lo}")
    return extract_stage(doc, lo, hi, name, _path_list(paths)).edits


def _slim_stage(doc, v: str) -> list[TextEdit]:  # noqa: ANN001
    from studio.core.refactor import slim_stage

    head, sep, paths = v.partition(",")
    stage, eq, image = head.rpartition("=")
    if not sep or not image.strip():
        raise EditError(f"expected [STAGE=]IMAGE,PATH[,PATH...], got '{v}'")
    return slim_stage(doc, image, _path_list(paths), stage.strip() if eq else None).edits


def _inline_stage(doc, v: str) -> list[TextEdit]:  # noqa: ANN001
    from studio.core.refactor import inline_stage

    if not v.strip():
        raise EditError("expected a stage name or number")
    return inline_stage(doc, v.strip()).edits


_MORE = {
    "add-instruction": _add_instruction, "set-instruction": _set_instruction,
    "remove-instruction": _remove_instruction, "duplicate-instruction": _duplicate_instruction,
    "repoint": _repoint, "duplicate-stage": _duplicate_stage, "insert-stage": _insert_stage,
    "extract-stage": _extract_stage, "slim-stage": _slim_stage, "inline-stage": _inline_stage,
}


def apply_operation(text: str, op: Operation) -> str:
    from studio.core import apply_edits, parse

    return apply_edits(text, operation_edits(parse(text), op))


def apply_operations(text: str, operations: list[Operation]) -> str:
    """Apply in order, re-parsing between; the first that cannot apply raises
    ``EditError`` naming it, and nothing is applied."""
    for op in operations:
        try:
            text = apply_operation(text, op)
        except EditError as exc:
            raise EditError(f"{op.describe()}: {exc}") from None
    return text
