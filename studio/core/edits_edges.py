"""Edge and instruction edits: add a ``COPY --from``, remove an edge (a COPY line or
one ``--mount`` flag), move an instruction. Each returns minimal ``TextEdit`` lists."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from studio.core.edits_base import (
    EditError,
    deletion,
    ends_with_line_end,
    find_named,
    finish,
    indentation_at,
    insertion,
    keyword_case,
    line_start_of,
    resolve_stage,
    stage_ref_label,
)
from studio.core.model import Edge, Flag, Instruction, Stage, TextEdit
from studio.core.shell import continuation_end

if TYPE_CHECKING:
    from studio.core.document import Document

_IMAGE_CHARS = ":/@"  # never in a stage name, always possible in an image reference


def add_copy(doc: Document, source: int | str, target: int | str, paths: list[str],
             dest: str | None = None, after_line: int | None = None) -> list[TextEdit]:
    """Add ``COPY --from=SOURCE PATH... DEST`` to ``target``: at its end, or after the
    instruction (or comment) on ``after_line``. ``dest`` defaults to the single path."""
    tgt = resolve_stage(doc, target, "target stage")
    if _is_image(doc, source):
        source_text = source.strip()
    else:
        src = resolve_stage(doc, source, "source stage")
        if src.index == tgt.index:
            raise EditError(f"stage {stage_ref_label(tgt)} cannot copy from itself")
        if src.index > tgt.index:
            raise EditError(
                f"stage {stage_ref_label(src)} comes after {stage_ref_label(tgt)}; "
                "COPY --from can only use an earlier stage"
            )
        source_text = src.name if src.name else str(src.index)
    args = copy_arguments(paths, dest)
    at, indent = _copy_anchor(doc, tgt, after_line)
    line = f"{indent}{keyword_case(doc, 'COPY')} --from={source_text} {args}{doc.newline}"
    return [insertion(doc, at, line)]


def _is_image(doc: Document, source: int | str) -> bool:
    """An image source: not a stage, and written like an image reference or already
    used as one in the file (``alpine`` in ``FROM alpine``)."""
    if not isinstance(source, str) or not source.strip() or find_named(doc, source) is not None:
        return False
    source = source.strip()
    return any(c in source for c in _IMAGE_CHARS) or source in doc.external_images


def copy_arguments(paths: list[str], dest: str | None) -> str:
    if isinstance(paths, str):
        paths = [paths]
    paths = list(paths or [])
    if not paths:
        raise EditError("give at least one path to copy")
    if dest is None or dest == "":
        if len(paths) > 1:
            raise EditError("copying several paths needs a destination directory")
        dest = paths[0]
    elif len(paths) > 1 and not dest.endswith("/"):
        dest += "/"  # BuildKit requires a directory destination for several sources
    words = paths + [dest]
    for w in words:
        if not isinstance(w, str):
            raise EditError(f"a path must be text, not {w!r}")
        if not w.strip():
            raise EditError("a path to copy cannot be empty")
        if any(c in w for c in "\r\n"):
            raise EditError(f"the path {w!r} contains a line break")
    if any(any(c.isspace() or c in "\"'\\" for c in w) for w in words):
        return json.dumps(words, ensure_ascii=False)  # exec form keeps spaces and quotes
    return " ".join(words)


def _copy_anchor(doc: Document, tgt: Stage, after_line: int | None) -> tuple[int, str]:
    """Where the new line goes, and the indentation it takes from its neighbours."""
    text = doc.text
    body = tgt.instructions
    indent = indentation_at(text, body[0].start) if body else ""
    if after_line is None:
        last = body[-1] if body else tgt.from_instruction
        return last.end, indentation_at(text, last.start) if body else indent
    if not isinstance(after_line, int) or not tgt.line <= after_line <= tgt.end_line:
        raise EditError(
            f"line {after_line} is not in stage {stage_ref_label(tgt)} "
            f"(lines {tgt.line}-{tgt.end_line})"
        )
    ins = doc.instruction_at_line(after_line)
    if ins is tgt.from_instruction:
        return ins.end, indent
    if ins is not None and any(i is ins for i in body):
        return ins.end, indentation_at(text, ins.start)
    return doc.line_start(after_line + 1) if after_line < _line_count(doc) else len(text), indent


def _line_count(doc: Document) -> int:
    return doc.line_of(len(doc.text)) if doc.text else 0


def remove_edge(doc: Document, line: int, source: int | str | None = None) -> list[TextEdit]:
    """Remove the edge written on ``line``: the whole COPY instruction, or the one
    ``--mount`` flag of a RUN. A FROM edge is refused (use ``set_base``)."""
    if isinstance(line, bool) or not isinstance(line, int):
        raise EditError(f"a line number is needed, not {line!r}")
    found = [e for e in doc.edges if e.instruction.line <= line <= e.instruction.end_line]
    if not found:
        ins = doc.instruction_at_line(line)
        if ins is not None and ins.keyword == "FROM" and ins.stage is not None:
            raise EditError(
                f"line {ins.line} is the FROM of stage {stage_ref_label(doc.stages[ins.stage])}, "
                "built from scratch; it has no edge to remove"
            )
        what = "no instruction"
        if ins is not None and ins.keyword:
            what = f"{'an' if ins.keyword[0] in 'AEIOU' else 'a'} {ins.keyword} instruction"
        raise EditError(f"line {line} has no stage edge (it holds {what})")
    if source is not None:
        found = [e for e in found if _edge_matches(doc, e, source)]
        if not found:
            raise EditError(f"line {line} has no edge from '{source}'")
    if len({_source_key(e) for e in found}) > 1:
        names = ", ".join(sorted({_source_label(doc, e) for e in found}))
        raise EditError(f"line {line} has edges from {names}; say which source to remove")
    edge = found[0]
    if edge.kind == "from":
        st = doc.stages[edge.target]
        raise EditError(
            f"line {edge.instruction.line} is the FROM of stage {stage_ref_label(st)}; every "
            "stage needs a base, so change it with set-base instead"
        )
    if edge.kind == "copy":
        ins = edge.instruction
        return [deletion(doc, line_start_of(doc.text, ins.start), ins.end)]
    return finish([remove_flag(doc, e.flag) for e in found if e.flag is not None], doc)


def _source_key(edge: Edge) -> str:
    return str(edge.source).lower() if isinstance(edge.source, str) else f"#{edge.source}"


def _source_label(doc: Document, edge: Edge) -> str:
    if isinstance(edge.source, int):
        return stage_ref_label(doc.stages[edge.source])
    return f"'{edge.source}'"


def _edge_matches(doc: Document, edge: Edge, source: int | str) -> bool:
    if isinstance(edge.source, str):
        return isinstance(source, str) and edge.source.lower() == source.strip().lower()
    try:
        return resolve_stage(doc, source).index == edge.source
    except EditError:
        return False


def remove_flag(doc: Document, flag: Flag) -> TextEdit:
    """Delete one flag and the white space it leaves, keeping the instruction valid; a
    flag alone on a continuation line takes the whole line with it."""
    text, esc = doc.text, doc.escape
    start, end, n = flag.start, flag.end, len(doc.text)
    j = end
    while j < n and text[j] in " \t":
        j += 1
    cont = continuation_end(text, j, esc) if j < n else None
    if j < n and text[j] not in "\r\n" and cont is None:
        return TextEdit(start, j, "")  # another word follows on this line
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if cont is not None:
        if i == 0 or text[i - 1] in "\r\n":
            return TextEdit(i, cont, "")  # alone on its line
        return TextEdit(start, j, "")  # keep the space before the line continuation
    return TextEdit(i, end, "")


def move_instruction(doc: Document, line: int, to_stage: int | str,
                     position: int) -> list[TextEdit]:
    """Move the instruction on ``line`` (with its continuations and heredoc bodies) so it
    becomes instruction number ``position`` (0 = right after FROM) of ``to_stage``."""
    stages = doc.stages  # building the graph also tells each instruction its stage
    valid = isinstance(line, int) and not isinstance(line, bool)
    ins = doc.instruction_at_line(line) if valid else None
    if ins is None or not ins.keyword:
        raise EditError(f"line {line} holds no instruction to move")
    if ins.stage is None:
        raise EditError(f"line {line} is before the first FROM and belongs to no stage")
    home = stages[ins.stage]
    if ins is home.from_instruction:
        raise EditError(
            f"line {line} is the FROM of stage {stage_ref_label(home)}; add or remove "
            "stages instead of moving a FROM"
        )
    dst = resolve_stage(doc, to_stage, "destination stage")
    others = [i for i in dst.instructions if i is not ins]
    if isinstance(position, bool) or not isinstance(position, int) \
            or not 0 <= position <= len(others):
        raise EditError(
            f"position {position} is out of range: stage {stage_ref_label(dst)} would have "
            f"{len(others) + 1} instructions, so use 0 to {len(others)}"
        )
    _refuse_later_sources(doc, ins, dst)
    if home is dst and next(n for n, i in enumerate(home.instructions) if i is ins) == position:
        return []
    text = doc.text
    start = line_start_of(text, ins.start)
    chunk = text[start:ins.end]
    if not ends_with_line_end(chunk, len(chunk)):
        chunk += doc.newline
    prev: Instruction = others[position - 1] if position > 0 else dst.from_instruction
    return finish([deletion(doc, start, ins.end), insertion(doc, prev.end, chunk)], doc)


def _refuse_later_sources(doc: Document, ins: Instruction, dst: Stage) -> None:
    for edge in doc.edges:
        if edge.instruction is ins and isinstance(edge.source, int) and edge.source >= dst.index:
            src = doc.stages[edge.source]
            raise EditError(
                f"line {ins.line} uses stage {stage_ref_label(src)}, which is not earlier "
                f"than {stage_ref_label(dst)}; it cannot move there"
            )


__all__ = ["add_copy", "remove_edge", "remove_flag", "move_instruction"]
