"""Refactorings that teach multi-stage builds: extract steps into a builder stage, slim
the final stage onto a smaller image, and inline a builder back (the reverse).

Each returns a ``Refactoring``: the text edits plus plain-English notes on what the
user should know (what the builder does not see, what the image now keeps), so a UI
can preview the change before applying it. What would change what a build does is
refused with the reason.

Instructions fall in three groups. RUN, COPY and ADD make files: they move. ENV, ARG,
WORKDIR, USER and SHELL set what later steps see: the builder gets a copy and the
stage keeps them. The rest (CMD, EXPOSE, LABEL, ...) describe the image: they stay.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from studio.core.edits import stage_deletion
from studio.core.edits_base import (
    EditError,
    as_case,
    check_image,
    check_new_name,
    deletion,
    find_named,
    finish,
    from_words,
    indentation_at,
    insertion,
    keyword_case,
    line_start_of,
    refuse_image_clash,
    resolve_stage,
    stage_block_start,
    stage_end,
    stage_ref_label,
    uses_blank_lines,
)
from studio.core.edits_edges import copy_arguments
from studio.core.edits_links import shift_numbers
from studio.core.edits_refs import references_to
from studio.core.model import Instruction, Stage, TextEdit
from studio.core.refactor_reads import left_behind

if TYPE_CHECKING:
    from studio.core.document import Document

MAKES_FILES = frozenset(("RUN", "COPY", "ADD"))
SETS_STATE = frozenset(("ENV", "ARG", "WORKDIR", "USER", "SHELL"))


@dataclass
class Refactoring:
    title: str
    edits: list[TextEdit]
    notes: list[str] = field(default_factory=list)


def preview_diff(old: str, new: str, name: str = "Dockerfile") -> str:
    """A unified diff of the change, for a preview before applying."""
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        f"a/{name}", f"b/{name}", n=2))


def _paths(paths: list[str] | str) -> list[str]:
    if isinstance(paths, str):
        paths = [paths]
    paths = [p.strip() for p in (paths or []) if isinstance(p, str) and p.strip()]
    if not paths:
        raise EditError("name at least one path the builder makes (e.g. /out/app)")
    return paths


def _lines(doc: Document, ins: Instruction) -> str:
    """The instruction's own lines, from its line start, ending with a line break."""
    chunk = doc.text[line_start_of(doc.text, ins.start):ins.end]
    return chunk if chunk.endswith(("\n", "\r")) else chunk + doc.newline


def _comment_start(doc: Document, ins: Instruction, floor: int) -> int:
    """Start of the comment lines right above ``ins`` (not above ``floor``)."""
    start = line_start_of(doc.text, ins.start)
    for node in reversed([n for n in doc.nodes if floor <= n.start < start]):
        if node.kind != "comment" or node.end != start:
            break
        start = node.start
    return start


def _refuse_later_sources(doc: Document, moving: list[Instruction], home: Stage) -> None:
    ids = {id(i) for i in moving}
    for edge in doc.edges:
        if id(edge.instruction) in ids and isinstance(edge.source, int) and edge.source >= home.index:
            raise EditError(f"line {edge.line} uses stage {stage_ref_label(doc.stages[edge.source])}, "
                            f"which is not earlier than {stage_ref_label(home)}; a builder before it cannot")


def _builder_from(doc: Document, st: Stage, name: str) -> str:
    image, _, _ = from_words(doc, st)
    if image is None:
        raise EditError(f"the FROM at line {st.line} names no image")
    platform = st.from_instruction.flag("platform")
    flag = f" {doc.text[platform.start:platform.end]}" if platform is not None else ""
    indent = indentation_at(doc.text, st.from_instruction.start)
    return f"{indent}{keyword_case(doc, 'FROM')}{flag} {image.text} {as_case(doc)} {name}{doc.newline}"


def _extract(doc: Document, st: Stage, first: int, last: int, name: str, paths: list[str]) -> Refactoring:
    """Move ``st.instructions[first..last]`` that make files into a new stage ``name``."""
    check_new_name(doc, name)
    refuse_image_clash(doc, st.index, name, "adding a stage named")
    paths = _paths(paths)
    body = st.instructions
    chosen = body[first:last + 1]
    moving = [i for i in chosen if i.keyword in MAKES_FILES]
    if not moving:
        raise EditError(f"lines {chosen[0].line}-{chosen[-1].end_line} hold no RUN, COPY or ADD: "
                        "nothing there makes files for a builder to build")
    _refuse_later_sources(doc, moving, st)
    moved_ids = {id(m) for m in moving}  # what stays in the stage and runs after the moved steps:
    lost = left_behind(moving, [i for i in body[first:] if id(i) not in moved_ids], paths)
    if lost is not None:
        user, path, maker = lost
        raise EditError(f"line {user.line} uses {path}, which line {maker.line} makes; in a builder that "
                        f"stays behind (only {', '.join(paths)} come back): add it to the paths, or "
                        f"extract line {user.line} too")
    text = doc.text
    floor = line_start_of(text, chosen[0].start)
    builder = [_builder_from(doc, st, name)]
    notes = []
    for ins in body[:first]:
        if ins.keyword in SETS_STATE:
            builder.append(_lines(doc, ins))
        elif ins.keyword in MAKES_FILES:
            notes.append(f"Line {ins.line} ({ins.keyword}) stays in stage {st.label}: the builder "
                         f"starts from '{st.base}' without the files it makes.")
    edits: list[TextEdit] = []
    for ins in chosen:
        if ins.keyword in MAKES_FILES:
            start = _comment_start(doc, ins, floor)
            builder.append(text[start:line_start_of(text, ins.start)] + _lines(doc, ins))
            edits.append(deletion(doc, start, ins.end))
        elif ins.keyword in SETS_STATE:
            builder.append(_lines(doc, ins))
    indent = indentation_at(text, moving[-1].start)
    copies = "".join(f"{indent}{keyword_case(doc, 'COPY')} --from={name} {copy_arguments([p], p)}{doc.newline}"
                     for p in paths)
    edits.append(insertion(doc, moving[-1].end, copies))
    block = "".join(builder)
    if uses_blank_lines(doc):
        block += doc.newline
    edits.append(insertion(doc, stage_block_start(doc, st), block))
    edits = finish(edits + shift_numbers(doc, st.index, 1), doc)
    notes.append(f"Only {', '.join(paths)} reach{'es' if len(paths) == 1 else ''} stage {st.label}; "
                 "everything else the builder makes stays behind.")
    _check_extracted(doc, edits, st, name, moving, len(paths))
    return Refactoring(f"Extract lines {chosen[0].line}-{chosen[-1].end_line} into stage '{name}'", edits, notes)


def _check_extracted(doc: Document, edits: list[TextEdit], st: Stage, name: str,
                     moving: list[Instruction], copies: int) -> None:
    from studio.core.document import apply_edits, parse

    new = parse(apply_edits(doc.text, edits))
    stages = new.stages
    ok = len(stages) == len(doc.stages) + 1 and (stages[st.index].name or "").lower() == name.lower()
    if ok:
        made = [i.keyword for i in stages[st.index].instructions if i.keyword in MAKES_FILES]
        fed = [e for e in new.edges if e.source == st.index and e.target == st.index + 1 and e.kind == "copy"]
        ok = made == [i.keyword for i in moving] and len(fed) == copies
    if not ok:
        raise EditError(f"extracting into '{name}' would not give the intended stages; edit the text by hand")


def extract_stage(doc: Document, first_line: int, last_line: int, name: str,
                  paths: list[str]) -> Refactoring:
    """Move the instructions on lines ``first_line``-``last_line`` (consecutive, one
    stage) into a new stage ``FROM <the same base> AS name`` right before that stage,
    which gets ``COPY --from=name PATH PATH`` for each named path in their place."""
    lo = _instruction_at(doc, first_line)
    hi = _instruction_at(doc, last_line)
    if lo.stage != hi.stage or lo.stage is None:
        raise EditError(f"lines {first_line} and {last_line} are not in the same stage")
    st = doc.stages[lo.stage]
    ids = [id(i) for i in st.instructions]
    if id(lo) not in ids or id(hi) not in ids:
        raise EditError(f"line {lo.line if id(lo) not in ids else hi.line} is the FROM of stage "
                        f"{stage_ref_label(st)}; choose the instructions after it")
    first, last = ids.index(id(lo)), ids.index(id(hi))
    if first > last:
        first, last = last, first
    return _extract(doc, st, first, last, name.strip() if isinstance(name, str) else name, paths)


def _instruction_at(doc: Document, line: int) -> Instruction:
    valid = isinstance(line, int) and not isinstance(line, bool)
    ins = doc.instruction_at_line(line) if valid else None
    if ins is None or not ins.keyword:
        raise EditError(f"line {line} holds no instruction")
    return ins


def free_name(doc: Document, wanted: str = "build") -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``... whichever no stage has yet."""
    n, name = 1, wanted
    while find_named(doc, name) is not None:
        n += 1
        name = f"{wanted}-{n}"
    return name


def slim_stage(doc: Document, image: str, paths: list[str], stage: int | str | None = None,
               builder: str | None = None) -> Refactoring:
    """Rebase the final stage (or ``stage``) on the smaller ``image``: everything in it
    that makes files moves to a builder on the old base, and only ``paths`` come back."""
    if not doc.stages:
        raise EditError("the file has no stage to slim")
    st = doc.stages[-1] if stage is None or stage == "" else resolve_stage(doc, stage)
    image = check_image(image, "smaller image")
    if not st.instructions:
        raise EditError(f"stage {stage_ref_label(st)} has no instructions to move into a builder")
    name = builder.strip() if isinstance(builder, str) and builder.strip() else free_name(doc)
    if image.lower() == name.lower():
        raise EditError(f"the builder '{name}' cannot also be the image to slim onto")
    named = find_named(doc, image)
    if named is not None and named.index >= st.index:
        raise EditError(f"stage {stage_ref_label(st)} cannot be built FROM {stage_ref_label(named)}, "
                        "which is not earlier")
    plan = _extract(doc, st, 0, len(st.instructions) - 1, name, paths)
    word, _, _ = from_words(doc, st)
    if word.text != image:
        plan.edits = finish(plan.edits + [TextEdit(word.start, word.end, image)], doc)
    plan.title = f"Slim stage {st.label} onto '{image}' with builder '{name}'"
    plan.notes.append(f"What {', '.join(_paths(paths))} need{'s' if len(_paths(paths)) == 1 else ''} at run "
                      f"time must be in '{image}' (a static binary needs nothing).")
    return plan


def inline_stage(doc: Document, stage: int | str) -> Refactoring:
    """The reverse of extract: put the steps of ``stage`` into the one stage that copies
    from it, in place of those copies, and remove it. Refused unless the result builds
    the same files at the same paths."""
    b = resolve_stage(doc, stage)
    refs = references_to(doc, b.index)
    if not refs:
        raise EditError(f"no stage uses stage {stage_ref_label(b)}; there is nothing to inline it into")
    for ref in refs:
        if ref.kind != "copy":
            how = "is built FROM it" if ref.kind == "from" else "mounts it"
            raise EditError(f"line {ref.line} {how}; only a stage that is just copied from can be inlined")
    users = sorted({r.stage for r in refs})
    if len(users) > 1:
        raise EditError(f"stages {', '.join(doc.stages[u].label for u in users)} all copy from "
                        f"{stage_ref_label(b)}; it can be inlined into one stage only")
    c = doc.stages[users[0]]
    if c.index < b.index:
        raise EditError(f"stage {c.label} comes before {stage_ref_label(b)}; it cannot take in a later stage")
    copies = _check_copies(doc, b, c, [r.instruction for r in refs])
    steps = _check_steps(doc, b, c, copies)
    text = doc.text
    chunk = text[line_start_of(text, steps[0].start):stage_end(b)]
    if not chunk.endswith(("\n", "\r")):
        chunk += doc.newline
    span = (line_start_of(text, copies[0].start), copies[-1].end)
    ends_open = not text[span[0]:span[1]].endswith(("\n", "\r"))
    new_text = chunk[:-len(doc.newline)] if ends_open and chunk.endswith(doc.newline) else chunk
    edits = [stage_deletion(doc, b), TextEdit(span[0], span[1], new_text)]
    edits = finish(edits + shift_numbers(doc, b.index + 1, -1), doc)
    notes = [f"Stage {c.label} now keeps everything stage {b.label} made, not just the copied "
             "paths: expect its image to grow."]
    return Refactoring(f"Inline stage {b.label} into {c.label}", edits, notes)


def _check_copies(doc: Document, b: Stage, c: Stage, copies: list[Instruction]) -> list[Instruction]:
    ids = [id(i) for i in c.instructions]
    at = sorted(ids.index(id(i)) for i in copies)
    if at != list(range(at[0], at[0] + len(at))):
        raise EditError(f"the copies from {stage_ref_label(b)} in stage {c.label} are not next to "
                        "each other; move them together first")
    ordered = [c.instructions[k] for k in at]
    for ins in ordered:
        other = [f.name for f in ins.flags if f.name != "from"]
        if other:
            raise EditError(f"line {ins.line} copies with --{other[0]}; inlined files would not get it")
        edge = next(e for e in doc.edges if e.instruction is ins)
        src = [s.rstrip("/") or "/" for s in edge.sources]
        dest = (edge.dest or "").rstrip("/") or "/"
        if len(src) != 1 or src[0] != dest or any(ch in src[0] for ch in "*?["):
            raise EditError(f"line {ins.line} copies {' '.join(edge.sources)} to {edge.dest}; inlined, "
                            "the files would stay where the builder made them (copy each path to itself)")
    return ordered


def _state(ins: Instruction) -> tuple[str, str]:
    return ins.keyword, " ".join(ins.args.split())


def _check_steps(doc: Document, b: Stage, c: Stage, copies: list[Instruction]) -> list[Instruction]:
    if b.base != c.base or b.platform != c.platform:
        raise EditError(f"stage {b.label} is built FROM '{b.base}' and {c.label} FROM '{c.base}'; "
                        "inlined, its steps would run on another base")
    before = c.instructions[:next(n for n, i in enumerate(c.instructions) if i is copies[0])]
    for ins in before:
        if ins.keyword in MAKES_FILES:
            raise EditError(f"line {ins.line} ({ins.keyword}) in stage {c.label} runs before the copy; "
                            f"stage {b.label}'s steps would see the files it makes")
    steps = [i for i in b.instructions]
    k = next((n for n, i in enumerate(steps) if i.keyword in MAKES_FILES), None)
    if k is None:
        raise EditError(f"stage {b.label} makes no files (no RUN, COPY or ADD)")
    for ins in steps:
        if ins.keyword not in MAKES_FILES and ins.keyword not in SETS_STATE:
            raise EditError(f"line {ins.line} ({ins.keyword}) describes stage {b.label}'s image; "
                            f"inlined, it would change {c.label}'s")
    for ins in steps[k:]:
        if ins.keyword in SETS_STATE:
            raise EditError(f"line {ins.line} ({ins.keyword}) changes what later steps see; inlined, "
                            f"it would also change stage {c.label}'s later steps")
    mine = [_state(i) for i in steps[:k]]
    theirs = [_state(i) for i in before if i.keyword in SETS_STATE]
    if mine != theirs:
        raise EditError(f"stage {b.label} runs its steps with {_say(mine)} but stage {c.label} reaches "
                        f"the copy with {_say(theirs)}; inlined, the steps would see something else")
    _refuse_later_sources(doc, steps[k:], b)
    return steps[k:]


def _say(state: list[tuple[str, str]]) -> str:
    return "; ".join(f"{k} {v}" for k, v in state) if state else "nothing set"


__all__ = ["Refactoring", "extract_stage", "slim_stage", "inline_stage", "preview_diff", "free_name"]
