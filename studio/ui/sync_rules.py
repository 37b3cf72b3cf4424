"""The rules the sync controller applies: what counts as a broken structure, the one
span an edit replaced, and how diagnostics are merged and grouped per stage. Pure
functions over core objects and strings."""
from __future__ import annotations

import bisect

from studio.core.line_map import common_ends
from studio.core.model import Diagnostic, StageGraph, TextEdit

# Errors that mean the stages the parser found may be wrong: while one is in the text,
# the graph keeps its last good shape. Other errors on a FROM line (or before the first
# FROM) count too, except these, which leave the stage structure intact.
STRUCTURAL_CODES = frozenset({
    "duplicate-directive", "invalid-escape", "unterminated-heredoc", "instruction-before-from",
    "invalid-from", "invalid-stage-name", "reserved-stage-name", "duplicate-stage-name",
})
HARMLESS_ON_FROM = frozenset({"empty-from-variable", "unknown-target", "from-same-stage", "stage-cycle"})


def single_edit(old: str, new: str) -> TextEdit:
    """The one span of ``old`` that was replaced to give ``new`` (its common prefix and suffix)."""
    prefix, suffix = common_ends(old, new)
    return TextEdit(prefix, len(old) - suffix, new[prefix:len(new) - suffix])


def structure_ok(doc) -> bool:
    """Whether the stages found in ``doc`` can be trusted (see STRUCTURAL_CODES)."""
    errors = [d for d in doc.diagnostics if d.severity == "error"]
    if not errors:
        return True
    from_lines = {stage.line for stage in doc.stages}
    first_from = min(from_lines) if from_lines else None
    for diag in errors:
        if diag.code == "no-from":  # nothing to build yet (a new file): the empty graph is right
            continue
        if diag.code in STRUCTURAL_CODES:
            return False
        on_header = diag.line in from_lines or first_from is None or diag.line < first_from
        if on_header and diag.code not in HARMLESS_ON_FROM:
            return False
    return True


def problem_text(diagnostics: list[Diagnostic], doc) -> str:
    """The one thing the graph's banner says while the text has errors ("" when none):
    the first error, where it is, and that every stage that can be read is drawn."""
    errors = sorted((d for d in diagnostics if d.severity == "error"), key=lambda d: d.line)
    placed = [d for d in errors if d.code != "no-from"]  # (a missing FROM alone leaves no stage to mark)
    if not placed:
        return ""
    first = placed[0]  # "N more" counts every other error, as the Problems panel does
    stage = doc.stage_at_line(first.line) if first.line else None
    where = f"line {first.line}" + (f" (stage {stage.label})" if stage is not None else "")
    more = f", and {len(errors) - 1} more error{'s' if len(errors) > 2 else ''}" if len(errors) > 1 else ""
    return f"Error on {where}{more} — the graph shows every stage that can be read"


def merge_diagnostics(*lists: list[Diagnostic]) -> list[Diagnostic]:
    """All diagnostics once each; a parser diagnostic that a lint finding repeats under
    its own spelling (duplicate-stage-name / DuplicateStageName) is left to the finding."""
    from studio.core.lint import Finding, parser_only

    everything = [d for items in lists for d in items]
    findings = [d for d in everything if isinstance(d, Finding)]
    if findings:
        everything = parser_only([d for d in everything if not isinstance(d, Finding)], findings) + findings
    seen = set()
    merged = []
    for diag in everything:
        key = (diag.code, diag.line, diag.message)
        if key not in seen:
            seen.add(key)
            merged.append(diag)
    return merged


def diagnostics_by_stage(graph: StageGraph, diagnostics: list[Diagnostic]) -> dict[int, list[Diagnostic]]:
    """Each diagnostic under the stage whose lines hold it (for badges on the nodes).
    Stages come in line order, so the one that may hold a line is found by bisection
    (lint findings times 200 stages, per keystroke, made a plain scan show up)."""
    result: dict[int, list[Diagnostic]] = {}
    stages = graph.stages
    starts = [stage.line for stage in stages]
    for diag in diagnostics:
        i = bisect.bisect_right(starts, diag.line) - 1
        if i >= 0 and diag.line <= max(stages[i].line, stages[i].end_line):
            result.setdefault(stages[i].index, []).append(diag)
    return result
