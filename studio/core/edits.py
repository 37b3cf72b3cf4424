"""Graph edits as minimal text edits: every operation reads a parsed Document and
returns the few ``TextEdit`` replacements that make the change, touching only the
bytes it must. The caller applies them (``apply_edits``) and re-parses; the text stays
the single source of truth.

Stage operations live here; edge and instruction operations in ``edits_edges``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from studio.core.edits_base import (
    EditError,
    StageInUseError,
    as_case,
    check_image,
    check_new_name,
    deletion,
    find_named,
    finish,
    from_words,
    indentation_at,
    insertion,
    is_blank_line,
    keyword_case,
    line_start_of,
    previous_line_start,
    refuse_image_clash,
    resolve_stage,
    stage_block_start,
    stage_ref_label,
    stage_tail_end,
    uses_blank_lines,
)
from studio.core.edits_edges import add_copy, move_instruction, remove_edge, remove_flag
from studio.core.edits_refs import (
    describe_reference,
    edge_reference,
    numeric_references,
    references_to,
)
from studio.core.model import Stage, TextEdit

if TYPE_CHECKING:
    from studio.core.document import Document

__all__ = [
    "EditError",
    "StageInUseError",
    "rename_stage",
    "add_stage",
    "remove_stage",
    "add_copy",
    "remove_edge",
    "set_base",
    "move_instruction",
    "edge_reference",  # where an edge's stage reference is written (for highlighting)
    "resolve_stage",
]


def rename_stage(doc: Document, stage: int | str, new_name: str) -> list[TextEdit]:
    """Rename a stage and every reference to it by name; numeric references stay numbers.
    A stage without a name gets `` AS name`` after its image."""
    st = resolve_stage(doc, stage)
    new_name = new_name.strip() if isinstance(new_name, str) else new_name
    check_new_name(doc, new_name, renaming=st)
    if st.name == new_name:
        return []
    refuse_image_clash(doc, st.index + 1, new_name, f"naming stage {stage_ref_label(st)}")
    image, _, name_word = from_words(doc, st)
    if image is None:
        raise EditError(f"the FROM at line {st.line} names no image, so it cannot be renamed")
    edits: list[TextEdit] = []
    if name_word is not None:
        edits.append(TextEdit(name_word.start, name_word.end, new_name))
    else:
        edits.append(TextEdit(image.end, image.end, f" {as_case(doc)} {new_name}"))
    for ref in references_to(doc, st.index):
        if ref.numeric:
            continue
        if not ref.literal:
            raise EditError(
                f"line {ref.line} refers to stage {stage_ref_label(st)} through "
                f"'{ref.value}', which cannot be renamed automatically; change it by hand first"
            )
        edits.append(TextEdit(ref.start, ref.end, new_name))
    return finish(edits)


def add_stage(doc: Document, name: str, base: str,
              after: int | str | None = None) -> list[TextEdit]:
    """Insert ``FROM base AS name`` after stage ``after`` (None: at the end), in the
    file's own style, and keep numeric references pointing at the same stages. An empty
    ``name`` adds an unnamed stage (``FROM base``), as a final stage often is."""
    name = name.strip() if isinstance(name, str) else name
    if name != "":
        check_new_name(doc, name)
    base = check_image(base)
    stages = doc.stages
    anchor = stages[-1] if after is None and stages else None
    if after is not None:
        anchor = resolve_stage(doc, after, "the stage to add after")
    index = anchor.index + 1 if anchor is not None else 0
    if name and base.lower() == name.lower():
        raise EditError(f"stage '{name}' cannot be built FROM itself")
    based_on = find_named(doc, base)
    if based_on is not None and based_on.index >= index:
        raise EditError(
            f"stage {stage_ref_label(based_on)} comes after the new stage; a stage can "
            "only be built FROM an earlier stage"
        )
    if name:
        refuse_image_clash(doc, index, name, "adding a stage named")
    text, nl = doc.text, doc.newline
    named = f" {as_case(doc)} {name}" if name else ""
    line = f"{keyword_case(doc, 'FROM')} {base}{named}{nl}"
    if anchor is None:
        at = len(text)
        block = (nl if text.strip() and uses_blank_lines(doc) else "") + line
    else:
        at = stage_tail_end(doc, anchor)
        line = indentation_at(text, anchor.from_instruction.start) + line
        block = line
        if uses_blank_lines(doc):
            block = nl + line
            if at < len(text) and not is_blank_line(text, at):
                block += nl
    edits = [insertion(doc, at, block)]
    for ref, target in numeric_references(doc):
        if target >= index:
            edits.append(TextEdit(ref.start, ref.end, str(target + 1)))
    return finish(edits)


def remove_stage(doc: Document, stage: int | str, cascade: bool = False) -> list[TextEdit]:
    """Delete a stage's lines (with the comment right above it and one blank separator).

    While other stages use it, refuse and name them; with ``cascade`` remove their
    ``COPY --from`` lines and ``--mount`` flags, and rebase a stage built FROM it onto
    its own base (as written) so that stage keeps a valid base. Later numeric
    references are renumbered so they keep meaning the same stages."""
    st = resolve_stage(doc, stage)
    if len(doc.stages) == 1:
        raise EditError(f"stage {stage_ref_label(st)} is the only stage; a Dockerfile needs one")
    refs = [r for r in references_to(doc, st.index) if r.stage != st.index]
    if refs and not cascade:
        users = "; ".join(describe_reference(doc, r) for r in refs)
        summary = f"stage {stage_ref_label(st)} is still used by {users}"
        raise StageInUseError(f"{summary}; remove those references first, or remove it with cascade",
                              sorted({r.line for r in refs}), summary)
    edits = [stage_deletion(doc, st)]
    base_word, _, _ = from_words(doc, st)
    for ref in refs:
        if ref.kind == "copy":
            ins = ref.instruction
            edits.append(deletion(doc, line_start_of(doc.text, ins.start), ins.end))
        elif ref.kind == "mount" and ref.flag is not None:
            edits.append(remove_flag(doc, ref.flag))
        elif ref.kind == "from" and base_word is not None:
            _check_rebase(doc, st, base_word.text, ref.stage)
            edits.append(TextEdit(ref.start, ref.end, base_word.text))
    for ref, target in numeric_references(doc):
        if target > st.index:
            edits.append(TextEdit(ref.start, ref.end, str(target - 1)))
    return finish(edits, doc)


def _check_rebase(doc: Document, removed: Stage, base: str, child: int) -> None:
    """``FROM base`` must mean the same at the child as at the removed stage."""
    named = find_named(doc, base)
    if named is not None and removed.index < named.index < child:
        raise EditError(
            f"stage {stage_ref_label(doc.stages[child])} is built FROM {stage_ref_label(removed)}; "
            f"rebasing it onto '{base}' would make it use stage {stage_ref_label(named)} "
            "instead of that image, so change its base first"
        )


def stage_deletion(doc: Document, st: Stage) -> TextEdit:
    text = doc.text
    start, end = stage_block_start(doc, st), stage_tail_end(doc, st)
    rest_blank = end
    while rest_blank < len(text) and is_blank_line(text, rest_blank):
        rest_blank = _next_line(text, rest_blank)
    if rest_blank >= len(text):
        # the last stage: take the blank lines above it, so the file ends where the
        # previous stage ends
        prev = previous_line_start(text, start)
        while prev is not None and is_blank_line(text, prev):
            start = prev
            prev = previous_line_start(text, start)
    else:
        prev = previous_line_start(text, start)
        if prev is None or is_blank_line(text, prev):
            end = rest_blank
    return deletion(doc, start, end)


def _next_line(text: str, offset: int) -> int:
    nl = text.find("\n", offset)
    return len(text) if nl < 0 else nl + 1


def set_base(doc: Document, stage: int | str, image: str) -> list[TextEdit]:
    """Replace the image of a stage's FROM, keeping ``--platform`` and ``AS``."""
    st = resolve_stage(doc, stage)
    image = check_image(image)
    named = find_named(doc, image)
    if named is not None and named.index >= st.index:
        what = "itself" if named is st else f"the later stage {stage_ref_label(named)}"
        raise EditError(f"stage {stage_ref_label(st)} cannot be built FROM {what}")
    word, _, _ = from_words(doc, st)
    if word is None:
        raise EditError(f"the FROM at line {st.line} names no image")
    if word.text == image:
        return []
    return [TextEdit(word.start, word.end, image)]
