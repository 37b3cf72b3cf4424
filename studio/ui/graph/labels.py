"""What the graph says about a stage: its identity for the scene (a key that stays
unique when names repeat), the text of its base line, and its diagnostics badge; and
the short label of a copy or mount edge. Plain functions over core stages,
shared by the scene and the edit controller (which resolves the keys intents carry)."""
from __future__ import annotations

import posixpath

from studio.core.model import Diagnostic, Stage, StageGraph


def base_text(stage: Stage, stages: list[Stage]) -> tuple[str, str]:
    """What the base line shows and, when it differs, what was written."""
    if stage.base_kind == "scratch":
        return "scratch", ""
    if stage.base_kind == "stage" and stage.base_stage is not None and stage.base_stage < len(stages):
        shown = stages[stage.base_stage].label
    else:
        shown = stage.base_resolved or stage.base
    written = stage.base if stage.base != shown else ""
    return shown, (f"{written} → {shown}" if written else "")


def stage_keys(stages: list[Stage]) -> list[str]:
    """Identity of each stage: its key, made unique when names repeat (a diagnosed error)."""
    keys, seen = [], set()
    for st in stages:
        key = st.key
        if key in seen:
            key = f"{key}#{st.index}"
        seen.add(key)
        keys.append(key)
    return keys


SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


def diagnostics_by_line(graph: StageGraph) -> dict[int, list[Diagnostic]]:
    """Each diagnostic goes to the stage whose lines contain it."""
    out: dict[int, list[Diagnostic]] = {}
    spans = [(st.line, st.end_line, st.index) for st in graph.stages]
    for diag in graph.diagnostics:
        for first, last, index in spans:
            if first <= diag.line <= max(first, last):
                out.setdefault(index, []).append(diag)
                break
    return out


SEVERITY_OF_RANK = {v: k for k, v in SEVERITY_RANK.items()}


def badge(node, diags: list[Diagnostic]) -> None:
    """A box's badge: its diagnostics, the worst severity, and the lines of its errors."""
    worst = max((SEVERITY_RANK.get(d.severity, 0) for d in diags), default=0)
    node.set_diagnostics([f"line {d.line}: {d.message}" for d in diags], SEVERITY_OF_RANK[worst],
                         {d.line for d in diags if d.severity == "error"})


def short_label(kind: str, sources: list[str]) -> str:
    """A few characters that say what crosses a copy or mount edge."""
    if kind == "from" or not sources:
        return ""
    if kind == "mount":
        return "mount"
    first = posixpath.basename(sources[0].rstrip("/")) or sources[0]
    if len(first) > 18:
        first = first[:17] + "…"
    return first if len(sources) == 1 else f"{first} +{len(sources) - 1}"


def image_warnings(graph: StageGraph, diagnostics: dict[int, list[Diagnostic]], images) -> dict[str, str]:
    """Lint's word on the images (by reference) it thinks are mistyped stage names."""
    mistyped: dict[tuple[int, int], str] = {}
    for index, diags in diagnostics.items():
        for d in diags:
            if d.code == "MistypedStageName":
                mistyped.setdefault((index, d.line), d.message)
    warned: dict[str, str] = {}
    if mistyped:
        for edge in graph.edges:
            if isinstance(edge.source, str) and edge.source in images:
                message = mistyped.get((edge.target, edge.line))
                if message is not None:
                    warned.setdefault(edge.source, message)
    return warned
