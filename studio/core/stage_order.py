"""Which stages a build of one target needs, and what the order of the stages forbids:
circular uses, an unknown target, and a needed stage that uses a later one. Runs once
the stage graph's edges are known (stages.py finds them)."""
from __future__ import annotations

from dataclasses import replace

from studio.core import diagnostics as diag
from studio.core.depth_first import depth_first_edges
from studio.core.model import Diagnostic, Edge, Stage, find_stage, stage_choices


def order_stages(stages: list[Stage], edges: list[Edge], target: int | str | None,
                 diags: list[Diagnostic]) -> tuple[int | None, list[int]]:
    """The target's index and the stages it needs (sorted); adds the diagnostics above."""
    deps = _deps(stages, edges)
    _check_cycles(stages, deps, diags)
    chosen = _choose_target(stages, target, diags)
    reachable = _reachable(deps, chosen)
    _later_stages_built(stages, edges, reachable, diags)
    return chosen, reachable


def _check_cycles(stages: list[Stage], deps: list[list[int]], diags: list[Diagnostic]) -> None:
    if all(d < t for t, used in enumerate(deps) for d in used):
        return  # every stage uses only stages above it (as most files do): no cycle can close
    for node, nxt, cycle in depth_first_edges(range(len(stages)), deps.__getitem__):
        if cycle is not None:
            names = " -> ".join(stages[i].label for i in cycle + [nxt])
            frm = stages[node].from_instruction
            diags.append(diag.make("stage-cycle", f"Circular dependency detected on stage: {stages[nxt].key} ({names}).", frm))


def _deps(stages: list[Stage], edges: list[Edge]) -> list[list[int]]:
    deps: list[list[int]] = [[] for _ in stages]
    for e in edges:
        if isinstance(e.source, int) and e.source not in deps[e.target]:
            deps[e.target].append(e.source)
    return deps


def _choose_target(stages: list[Stage], target: int | str | None, diags: list[Diagnostic]) -> int | None:
    if not stages:
        return None
    if target is None:
        return len(stages) - 1
    stage = find_stage(stages, target)
    if stage is not None:
        return stage.index
    diags.append(diag.make("unknown-target", f"There is no stage {target!r} to build "
                           f"(stages: {stage_choices(stages, '--target')}).", None))
    return None


def _later_stages_built(stages: list[Stage], edges: list[Edge], reachable: list[int],
                        diags: list[Diagnostic]) -> None:
    """A stage the target needs that copies or mounts from a later stage fails on both
    engines (Docker 26: 'cannot copy from stage "b", it needs to be defined before current
    stage "a"'; 20.10 finds the later stage empty): that warning becomes an error."""
    needed = set(reachable)
    late = {(e.line, e.flag.start): e for e in edges if e.flag is not None and isinstance(e.source, int)
            and e.source > e.target and e.target in needed}
    if not late:
        return
    for i, d in enumerate(diags):
        edge = late.get((d.line, d.start)) if d.code == "from-later-stage" else None
        if edge is None:
            continue
        user, used = stages[edge.target].label, stages[edge.source].label
        verb = "mount" if edge.kind == "mount" else "copy"
        diags[i] = replace(d, severity="error", message=(
            f"Stage {user} is built for the target and uses stage {used}, which is defined later: BuildKit "
            f"refuses this (Docker 26: cannot {verb} from stage \"{used}\", it needs to be defined before the current "
            f"stage; Docker 20.10 finds stage {used} empty). Move stage {used} above stage {user}."))


def _reachable(deps: list[list[int]], target: int | None) -> list[int]:
    if target is None:
        return []
    seen = {target}
    todo = [target]
    while todo:
        for d in deps[todo.pop()]:
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return sorted(seen)
