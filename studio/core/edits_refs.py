"""Where a Dockerfile names a stage: FROM, ``COPY --from`` and ``RUN --mount from=``,
as raw text spans, so edits can rewrite or drop exactly those bytes."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from studio.core.edits_base import from_words, stage_ref_label
from studio.core.model import Edge, Flag, Instruction

if TYPE_CHECKING:
    from studio.core.document import Document


@dataclass(frozen=True)
class Reference:
    """One place that names a stage: the written value's raw span (quotes excluded)."""

    kind: str  # "from" | "copy" | "mount"
    stage: int  # the stage that uses it
    line: int
    instruction: Instruction
    value: str  # as written
    start: int
    end: int
    flag: Flag | None = None

    @property
    def numeric(self) -> bool:
        return self.value.isdigit()

    @property
    def literal(self) -> bool:
        return "$" not in self.value


def unquote_span(text: str, start: int, end: int) -> tuple[int, int]:
    if end - start >= 2 and text[start] in "\"'" and text[end - 1] == text[start]:
        return start + 1, end - 1
    return start, end


def mount_from_span(text: str, flag: Flag) -> tuple[int, int] | None:
    """The span of the ``from=`` value inside a ``--mount=...`` flag."""
    if flag.value_start is None or flag.value_end is None:
        return None
    start, end = unquote_span(text, flag.value_start, flag.value_end)
    i = start
    while i <= end:
        comma = text.find(",", i, end)
        f_end = end if comma < 0 else comma
        f_start, f_stop = unquote_span(text, i, f_end)
        eq = text.find("=", f_start, f_stop)
        if eq >= 0 and text[f_start:eq].strip().lower() == "from":
            return unquote_span(text, eq + 1, f_stop)
        if comma < 0:
            return None
        i = comma + 1
    return None


def edge_reference(doc: Document, edge: Edge) -> Reference | None:
    """The written reference behind a COPY/mount edge (None for FROM edges)."""
    if edge.flag is None or edge.kind == "from":
        return None
    text = doc.text
    if edge.kind == "mount":
        span = mount_from_span(text, edge.flag)
    elif edge.flag.value_start is not None and edge.flag.value_end is not None:
        span = unquote_span(text, edge.flag.value_start, edge.flag.value_end)
    else:
        span = None
    if span is None:
        return None
    return Reference(edge.kind, edge.target, edge.line, edge.instruction,
                     text[span[0]:span[1]], span[0], span[1], edge.flag)


def stage_edges(doc: Document) -> list[Edge]:
    """Edges from COPY --from and RUN --mount from= that point at a stage."""
    return [e for e in doc.edges if e.kind != "from" and isinstance(e.source, int)]


def references_to(doc: Document, index: int) -> list[Reference]:
    """Every place that uses stage ``index``: FROM, COPY --from, RUN --mount from=."""
    refs: list[Reference] = []
    for stage in doc.stages:
        if stage.base_stage == index and stage.index != index:
            image, _, _ = from_words(doc, stage)
            if image is not None:
                refs.append(Reference("from", stage.index, stage.line, stage.from_instruction,
                                      image.text, image.start, image.end))
    for edge in stage_edges(doc):
        if edge.source == index:
            ref = edge_reference(doc, edge)
            if ref is not None:
                refs.append(ref)
    refs.sort(key=lambda r: (r.start, r.kind))
    return refs


_NUMERIC_MOUNT_FROM = re.compile(r"(?:^|,)[\"']?from=[\"']?\d", re.IGNORECASE)


def numeric_references(doc: Document) -> list[tuple[Reference, int]]:
    """Literal ``--from=N`` / ``from=N`` references with the stage index they mean."""
    out = []
    for edge in stage_edges(doc):
        value = edge.flag.value if edge.flag is not None else None
        if not value or not (value.isdigit() if edge.kind == "copy"
                             else _NUMERIC_MOUNT_FROM.search(value)):
            continue  # cheap filter: most references are names
        ref = edge_reference(doc, edge)
        if ref is not None and ref.numeric:
            out.append((ref, int(edge.source)))
    return out


def describe_reference(doc: Document, ref: Reference) -> str:
    user = stage_ref_label(doc.stages[ref.stage])
    what = {"from": "FROM", "copy": "COPY --from", "mount": "RUN --mount from="}[ref.kind]
    return f"stage {user.split(' (')[0]} ({what} at line {ref.line})"
