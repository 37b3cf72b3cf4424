"""Plain-words explanations of stages, for learners: what a stage starts from, what it
adds, who takes what from it, whether the target needs it, and (after a build) what it
cost and how much of that reaches the final image.

Pure functions over a StageGraph. Build sizes come in as any objects with ``size`` and
``layers`` (each layer with ``line`` and ``size``), which is what the engine's
``StageResult`` has; the core does not import the engine.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol
from collections.abc import Iterable

from studio.core.model import Edge, Instruction, Stage, StageGraph
from studio.core.units import human_size


class LayerLike(Protocol):
    line: int | None
    size: int


class StageCostLike(Protocol):
    size: int | None
    layers: list[Any]


@dataclass
class Feed:
    """One later stage taking something from the explained stage."""

    stage: int
    label: str
    kind: str  # "from" | "copy" | "mount"
    line: int
    paths: list[str] = field(default_factory=list)


@dataclass
class StageExplanation:
    index: int
    title: str
    starts_from: str
    adds: list[str]
    feeds: list[Feed]
    needed: bool
    needed_reason: str
    build_order: int | None  # position in the walk-through (None when the target skips it)
    cost: int | None = None  # bytes this stage's own instructions added (after a build)
    reaching_final: int | None = None  # of those (or of its files), bytes the final image carries
    is_target: bool = False

    def paragraphs(self) -> list[str]:
        """The explanation as a few short paragraphs of plain text."""
        out = [self.starts_from]
        if self.adds:
            out.append("It adds: " + "; ".join(self.adds) + ".")
        else:
            out.append("It adds nothing of its own.")
        if self.feeds:
            parts = []
            for feed in self.feeds:
                if feed.kind == "from":
                    parts.append(f"{feed.label} starts from it (line {feed.line})")
                elif feed.kind == "copy":
                    what = ", ".join(feed.paths) if feed.paths else "files"
                    parts.append(f"{feed.label} copies {what} out of it (line {feed.line})")
                else:
                    what = ", ".join(feed.paths) if feed.paths else "it"
                    parts.append(f"{feed.label} mounts {what} from it while running (line {feed.line})")
            out.append("Later stages use it: " + "; ".join(parts) + ".")
        elif not self.is_target:
            out.append("No other stage uses it.")
        out.append(self.needed_reason)
        if self.cost is not None:
            text = f"In the last build its own instructions added {human_size(self.cost)}"
            if self.reaching_final is not None:
                text += f"; the final image carries {human_size(self.reaching_final)} from it"
            out.append(text + ".")
        return out


def build_order(graph: StageGraph) -> list[int]:
    """The stages the target needs, in an order BuildKit could build them (dependencies
    first, ties by file order), which is the order of the walk-through."""
    needed = set(graph.reachable)
    deps: dict[int, set[int]] = {i: set() for i in needed}
    for edge in graph.edges:
        if edge.target in needed and isinstance(edge.source, int) and edge.source in needed:
            if edge.source != edge.target:
                deps[edge.target].add(edge.source)
    order: list[int] = []
    done: set[int] = set()
    while len(order) < len(needed):
        ready = sorted(i for i in needed - done if deps[i] <= done)
        if not ready:  # a cycle (diagnosed elsewhere): finish in file order
            ready = sorted(needed - done)
        order.append(ready[0])
        done.add(ready[0])
    return order


def _describe_instruction(ins: Instruction) -> str | None:
    keyword = ins.keyword
    args = " ".join(ins.args.split())
    short = args if len(args) <= 60 else args[:57] + "…"
    if keyword == "RUN":
        return f"runs `{short}`"
    if keyword in ("COPY", "ADD"):
        source = ins.flag("from")
        where = f" from {source.value}" if source and source.value else " from the build context"
        return f"{'copies' if keyword == 'COPY' else 'adds'} `{short}`{where}"
    if keyword == "WORKDIR":
        return f"works in {short}"
    if keyword in ("ENV", "ARG", "LABEL"):
        return f"sets {keyword} {short}"
    if keyword in ("CMD", "ENTRYPOINT"):
        return f"starts with {short} ({keyword})"
    if keyword == "EXPOSE":
        return f"documents port {short}"
    if keyword == "USER":
        return f"runs as user {short}"
    if keyword in ("", "#"):
        return None
    return f"{keyword} {short}".strip()


def _starts_from(stage: Stage, graph: StageGraph) -> str:
    if stage.base_kind == "scratch":
        return f"{stage.label} starts from scratch: an empty image with no files at all."
    if stage.base_kind == "stage" and stage.base_stage is not None:
        parent = graph.stages[stage.base_stage]
        return (f"{stage.label} starts from stage {parent.label}, so it begins with everything "
                f"{parent.label} built.")
    base = stage.base_resolved or stage.base
    note = f" (written {stage.base})" if stage.base != base else ""
    return f"{stage.label} starts from the image {base}{note}."


def _needed(stage: Stage, graph: StageGraph) -> tuple[bool, str]:
    if graph.target == stage.index:
        return True, f"It is the build target: the image you get is {stage.label}."
    if stage.index in graph.reachable:
        target = graph.stages[graph.target].label if graph.target is not None else "the target"
        return True, f"The target ({target}) needs it, so it is built."
    return False, "The target does not need it, so BuildKit skips it (the classic builder builds it anyway)."


def _feeds(stage: Stage, graph: StageGraph) -> list[Feed]:
    feeds = []
    for edge in graph.edges:
        if edge.source == stage.index and edge.target != stage.index:
            consumer = graph.stages[edge.target]
            paths = list(edge.sources) if edge.kind != "from" else []
            feeds.append(Feed(edge.target, consumer.label, edge.kind, edge.line, paths))
    return feeds


def _final_chain(graph: StageGraph) -> list[int]:
    """The target and every stage it inherits from through FROM <stage>."""
    chain: list[int] = []
    current = graph.target
    while current is not None and current not in chain:
        chain.append(current)
        current = graph.stages[current].base_stage
    return chain


def _layer_sizes(cost: Any) -> dict[int, int]:
    sizes: dict[int, int] = {}
    for layer in getattr(cost, "layers", None) or []:
        if getattr(layer, "line", None) is not None:
            sizes[layer.line] = sizes.get(layer.line, 0) + int(layer.size or 0)
    return sizes


def _own_cost(stage: Stage, costs: dict[int, Any]) -> int | None:
    cost = costs.get(stage.index)
    if cost is None:
        return None
    own_lines = {ins.line for ins in stage.instructions}
    return sum(size for line, size in _layer_sizes(cost).items() if line in own_lines)


def _reaching_final(stage: Stage, graph: StageGraph, costs: dict[int, Any], own: int | None) -> int | None:
    chain = _final_chain(graph)
    if not chain:
        return None
    total = own if (stage.index in chain and own is not None) else 0
    copy_lines = {e.line for e in graph.edges
                  if e.kind == "copy" and e.source == stage.index and e.target in chain}
    for member in chain:
        if member in costs:
            total += sum(size for line, size in _layer_sizes(costs[member]).items() if line in copy_lines)
    return total


def explain_stage(graph: StageGraph, index: int, costs: dict[int, StageCostLike] | None = None) -> StageExplanation:
    """Explain stage ``index`` of ``graph``; ``costs`` maps stage index -> build result."""
    stage = graph.stages[index]
    costs = costs or {}
    needed, reason = _needed(stage, graph)
    order = build_order(graph)
    adds = [text for ins in stage.instructions if (text := _describe_instruction(ins))]
    own = _own_cost(stage, costs)
    return StageExplanation(
        index=index,
        title=stage.label,
        starts_from=_starts_from(stage, graph),
        adds=adds,
        feeds=_feeds(stage, graph),
        needed=needed,
        needed_reason=reason,
        build_order=order.index(index) if index in order else None,
        cost=own,
        reaching_final=_reaching_final(stage, graph, costs, own) if own is not None else None,
        is_target=graph.target == index,
    )


def walkthrough(graph: StageGraph, costs: dict[int, StageCostLike] | None = None) -> list[StageExplanation]:
    """One explanation per stage, in build order, for the classroom walk-through; stages
    the target skips come last so the class sees why they are not built."""
    order = build_order(graph)
    rest = [s.index for s in graph.stages if s.index not in order]
    return [explain_stage(graph, i, costs) for i in order + rest]


def copied_paths(edges: Iterable[Edge], source: int) -> list[str]:
    """Every path later stages copy out of ``source``, in file order, without repeats."""
    seen: list[str] = []
    for edge in edges:
        if edge.kind == "copy" and edge.source == source:
            seen.extend(p for p in edge.sources if p not in seen)
    return seen
