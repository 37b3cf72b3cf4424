"""Edits that rewire the graph: re-point an edge at another stage, duplicate a stage,
insert a stage between a stage and the one built FROM it.

Each rewrites only the stage reference it is about (plus numeric ``--from=N`` that a
new stage would shift) and checks, by re-parsing, that the graph came out as meant.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from studio.core.edits_base import (
    EditError,
    check_image,
    check_new_name,
    ends_with_line_end,
    find_named,
    finish,
    from_words,
    indentation_at,
    insertion,
    is_blank_line,
    keyword_case,
    line_start_of,
    refuse_image_clash,
    resolve_stage,
    stage_block_start,
    stage_end,
    stage_ref_label,
    stage_tail_end,
    uses_blank_lines,
    as_case,
)
from studio.core.edits_refs import edge_reference, numeric_references
from studio.core.model import Stage, TextEdit

if TYPE_CHECKING:
    from studio.core.document import Document


def _reparsed(doc: Document, edits: list[TextEdit]) -> Document:
    from studio.core.document import apply_edits, parse

    return parse(apply_edits(doc.text, edits))


def shift_numbers(doc: Document, first: int, by: int) -> list[TextEdit]:
    """Keep literal ``--from=N`` / ``from=N`` meaning the same stages when the stages
    from ``first`` on move ``by`` places."""
    return [TextEdit(ref.start, ref.end, str(target + by))
            for ref, target in numeric_references(doc) if target >= first]


def repoint(doc: Document, line: int, stage: int | str, source: int | str | None = None) -> list[TextEdit]:
    """Point the FROM, ``COPY --from`` or ``RUN --mount from=`` on ``line`` at ``stage``
    instead, rewriting only that reference. ``source`` picks one edge of a RUN that
    mounts from several places. Only an earlier stage can feed a stage."""
    valid = isinstance(line, int) and not isinstance(line, bool)
    ins = doc.instruction_at_line(line) if valid else None
    if ins is None or ins.stage is None:
        raise EditError(f"line {line} holds no FROM, COPY --from or RUN --mount from= to re-point")
    user = doc.stages[ins.stage]
    new = resolve_stage(doc, stage, "the stage to point at")
    if new.index >= user.index:
        what = "itself" if new is user else f"{stage_ref_label(new)}, which comes after it"
        raise EditError(f"stage {stage_ref_label(user)} cannot use {what}: a stage can only "
                        "use an earlier stage (BuildKit builds them in order)")
    if ins is user.from_instruction:
        return _repoint_from(doc, user, new)
    edges = [e for e in doc.edges if e.instruction is ins and e.kind != "from"]
    if source is not None:
        edges = [e for e in edges if _same_source(doc, e.source, source)]
    if not edges:
        what = f" from '{source}'" if source is not None else ""
        raise EditError(f"line {line} has no COPY --from or RUN --mount from= edge{what} to re-point")
    if len({str(e.source).lower() for e in edges}) > 1:
        raise EditError(f"line {line} uses several sources; say which one to re-point")
    value = new.name if new.name else str(new.index)
    edits = []
    for edge in edges:
        ref = edge_reference(doc, edge)
        if ref is None or not ref.literal:
            raise EditError(f"line {edge.line} names its source through a variable; change it by hand")
        if ref.value != value:
            edits.append(TextEdit(ref.start, ref.end, value))
    edits = finish(edits)
    if edits:
        after = _reparsed(doc, edits)
        got = {e.source for e in after.edges if e.line == ins.line and e.kind == edges[0].kind}
        if new.index not in got:
            raise EditError(f"'{value}' would not mean stage {stage_ref_label(new)} at line {ins.line}")
    return edits


def _same_source(doc: Document, have: int | str, want: int | str) -> bool:
    if isinstance(have, str):
        return isinstance(want, str) and have.lower() == want.strip().lower()
    try:
        return resolve_stage(doc, want).index == have
    except EditError:
        return False


def _repoint_from(doc: Document, user: Stage, new: Stage) -> list[TextEdit]:
    if not new.name:
        raise EditError(f"stage {stage_ref_label(new)} has no name, and FROM can only name a "
                        "stage; name it first")
    word, _, _ = from_words(doc, user)
    if word is None:
        raise EditError(f"the FROM at line {user.line} names no image")
    if word.text == new.name:
        return []
    edits = [TextEdit(word.start, word.end, new.name)]
    if _reparsed(doc, edits).stages[user.index].base_stage != new.index:
        raise EditError(f"'{new.name}' would not mean stage {stage_ref_label(new)} at line {user.line}")
    return edits


def _with_name(doc: Document, st: Stage, name: str, base: str | None = None) -> str:
    """The FROM line of ``st`` with its name set to ``name`` (and its image to ``base``)."""
    image, as_word, name_word = from_words(doc, st)
    if image is None:
        raise EditError(f"the FROM at line {st.line} names no image")
    start = line_start_of(doc.text, st.from_instruction.start)
    parts = [(image.start, image.end, base if base is not None else image.text)]
    if name_word is not None:
        parts.append((name_word.start, name_word.end, name))
    else:
        parts.append((image.end, image.end, f" {as_case(doc)} {name}"))
    out, pos = [], start
    for a, b, new in parts:
        out += [doc.text[pos:a], new]
        pos = b
    return "".join(out) + doc.text[pos:st.from_instruction.end]


def duplicate_stage(doc: Document, stage: int | str, new_name: str) -> list[TextEdit]:
    """Insert a copy of a stage (FROM to its last instruction) right after it, named
    ``new_name``. Nothing uses the copy yet; numeric references keep their stages."""
    st = resolve_stage(doc, stage)
    new_name = new_name.strip() if isinstance(new_name, str) else new_name
    check_new_name(doc, new_name)
    refuse_image_clash(doc, st.index + 1, new_name, "adding a stage named")
    text, nl = doc.text, doc.newline
    chunk = _with_name(doc, st, new_name) + text[st.from_instruction.end:stage_end(st)]
    if not ends_with_line_end(chunk, len(chunk)):
        chunk += nl
    at = stage_tail_end(doc, st)
    block = chunk
    if uses_blank_lines(doc):
        block = nl + chunk
        if at < len(text) and not is_blank_line(text, at):
            block += nl
    edits = [insertion(doc, at, block)] + shift_numbers(doc, st.index + 1, 1)
    return finish(edits)


def insert_stage(doc: Document, name: str, base: str, before: int | str) -> list[TextEdit]:
    """Put a new stage ``FROM base AS name`` between ``base`` and the stage ``before``
    that is built FROM it; ``before`` is then built FROM the new stage."""
    child = resolve_stage(doc, before, "the stage to insert before")
    name = name.strip() if isinstance(name, str) else name
    check_new_name(doc, name)
    base = check_image(base)
    if child.base_stage is not None:
        parent = find_named(doc, base)
        fits = parent is not None and parent.index == child.base_stage
    else:
        fits = base == child.base
    if not fits:
        raise EditError(f"stage {stage_ref_label(child)} is built FROM '{child.base}', not '{base}'; "
                        "a stage is inserted between a stage and its base")
    refuse_image_clash(doc, child.index, name, "inserting a stage named")
    text, nl = doc.text, doc.newline
    platform = child.from_instruction.flag("platform") if child.base_stage is None else None
    flag = f" {text[platform.start:platform.end]}" if platform is not None else ""
    indent = indentation_at(text, child.from_instruction.start)
    block = f"{indent}{keyword_case(doc, 'FROM')}{flag} {base} {as_case(doc)} {name}{nl}"
    if uses_blank_lines(doc):
        block += nl
    word, _, _ = from_words(doc, child)
    edits = [insertion(doc, stage_block_start(doc, child), block), TextEdit(word.start, word.end, name)]
    edits = finish(edits + shift_numbers(doc, child.index, 1))
    after = _reparsed(doc, edits).stages
    if after[child.index + 1].base_stage != child.index:
        raise EditError(f"'{name}' would not mean the new stage at line {child.line}")
    return edits


__all__ = ["repoint", "duplicate_stage", "insert_stage", "shift_numbers"]
