"""Map what the engine reports back to stages and Dockerfile lines.

BuildKit names vertices ``[build 2/4] RUN make`` (stage key, step i of N, the
instruction); only FROM <image>, RUN, COPY, ADD and WORKDIR get a step number. The
classic builder prints ``Step k/N : ...`` counting every instruction, meta ARGs first.
Identical vertices are shared between stages (two stages FROM one image get one vertex,
named after the first), so a vertex may stand for a step of several stages.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from studio.engine.events import StagePlan, StepPlan

VERTEX_STEPS = frozenset({"RUN", "COPY", "ADD", "WORKDIR"})
_VERTEX_NAME = re.compile(r"^\[(?:(?P<platform>[^\s\]]+/[^\s\]]+) )?(?:(?P<key>[^\s\]/]+) +)? *(?P<i>\d+)/(?P<n>\d+)\] ?(?P<text>.*)$", re.S)
_CLASSIC_STEP = re.compile(r"^Step (?P<k>\d+)/(?P<n>\d+) : ?(?P<text>.*)$", re.S)


@dataclass
class Step:
    stage: int
    line: int
    keyword: str
    text: str  # "RUN make" (flags included), "FROM busybox:1" (resolved)


@dataclass
class StagePlanInfo:
    index: int
    name: str | None
    key: str
    base_kind: str
    base_resolved: str
    base_stage: int | None
    platform: str | None
    line: int
    all_steps: list[Step] = field(default_factory=list)  # FROM + every instruction
    vertex_steps: list[Step] = field(default_factory=list)  # what BuildKit numbers


def instruction_text(ins) -> str:
    """The instruction as the engine would name it: keyword, flags, arguments on one line."""
    flags = " ".join(f"--{f.name}" if f.value is None else f"--{f.name}={f.value}" for f in ins.flags)
    args = " ".join(str(ins.args).split())
    return " ".join(p for p in (ins.keyword, flags, args) if p)


class StageMap:
    """Everything the translators need to know about the Dockerfile, computed once."""

    def __init__(self, document, graph) -> None:
        self.document = document
        self.graph = graph
        self.stages: list[StagePlanInfo] = []
        self.by_key: dict[str, StagePlanInfo] = {}
        for st in graph.stages:
            info = StagePlanInfo(st.index, st.name, st.key, st.base_kind, st.base_resolved,
                                 st.base_stage, st.platform, st.line)
            from_step = Step(st.index, st.line, "FROM", f"FROM {st.base_resolved}")
            info.all_steps.append(from_step)
            if st.base_kind == "image":
                info.vertex_steps.append(from_step)
            for ins in st.instructions:
                if not ins.keyword:
                    continue
                step = Step(st.index, ins.line, ins.keyword, instruction_text(ins))
                info.all_steps.append(step)
                if ins.keyword in VERTEX_STEPS:
                    info.vertex_steps.append(step)
            self.stages.append(info)
            self.by_key.setdefault(st.key, info)
        self.reachable = set(graph.reachable)
        self.target = graph.target

    # ---- plans ---------------------------------------------------------------------
    def plan(self, backend: str) -> list[StagePlan]:
        """Per stage, the steps that will get events: every instruction for the classic
        builder; for BuildKit the ones it numbers (FROM <image>, RUN, COPY, ADD, WORKDIR)."""
        classic = backend == "classic"
        built = self.classic_built() if classic else self.reachable
        return [StagePlan(s.index, s.name, s.key,
                          [StepPlan(p.line, p.text) for p in (s.all_steps if classic else s.vertex_steps)],
                          s.index in built) for s in self.stages]

    def classic_built(self) -> set[int]:
        """The classic builder runs every stage in order up to the target."""
        last = self.target if self.target is not None else len(self.stages) - 1
        return set(range(last + 1))

    def chain(self, index: int) -> list[int]:
        """The stage and the stages it is FROM, root first."""
        out, seen = [], set()
        current: int | None = index
        while current is not None and current not in seen and 0 <= current < len(self.stages):
            seen.add(current)
            out.append(current)
            current = self.stages[current].base_stage if self.stages[current].base_kind == "stage" else None
        return out[::-1]

    def uses_context(self, index: int) -> bool:
        """Whether building stage ``index`` reads the build context (COPY/ADD without
        --from, or a RUN bind mount without from=), anywhere in its dependencies."""
        seen: set[int] = set()
        todo = [index]
        while todo:
            current = todo.pop()
            if current in seen or not 0 <= current < len(self.graph.stages):
                continue
            seen.add(current)
            stage = self.graph.stages[current]
            if stage.base_kind == "stage" and stage.base_stage is not None:
                todo.append(stage.base_stage)
            for ins in stage.instructions:
                if ins.keyword in ("COPY", "ADD") and ins.flag("from") is None:
                    return True
                for mount in getattr(ins, "mounts", None) or []:
                    if mount.type == "bind" and not mount.source_from:
                        return True
            todo.extend(e.source for e in self.graph.edges
                        if e.target == current and isinstance(e.source, int))
        return False

    # ---- BuildKit vertex names -----------------------------------------------------
    def step_name(self, step: Step, vertex_name: str) -> str:
        """The name of ``step`` as its own stage's: a vertex shared by two stages (both FROM
        one image) is named after the first, and the second must not show that label."""
        m = _VERTEX_NAME.match(vertex_name)
        info = self.stages[step.stage] if 0 <= step.stage < len(self.stages) else None
        if m is None or info is None or m["key"] is None or m["key"].lower() == info.key:
            return vertex_name
        steps = info.vertex_steps
        position = steps.index(step) + 1 if step in steps else int(m["i"])
        width = len(str(len(steps)))
        platform = f"{m['platform']} " if m["platform"] else ""
        return f"[{platform}{info.key} {position:>{width}}/{len(steps)}] {step.text}"

    def vertex_steps(self, name: str) -> list[Step]:
        """The step(s) a vertex stands for: the named one plus identical steps of other
        reachable stages (same base, same instructions up to that step)."""
        m = _VERTEX_NAME.match(name)
        if not m:
            return []
        if m["key"] is None:  # a one-stage build: BuildKit leaves the stage name out
            info = self.stages[self.target] if self.target is not None else None
        else:
            info = self.by_key.get(m["key"].lower())
        if info is None:
            return []
        i, n = int(m["i"]), int(m["n"])
        steps = info.vertex_steps
        if len(steps) == n and 1 <= i <= n:
            position = i - 1
        else:
            position = self._match_text(steps, m["text"])
            if position is None:
                return []
        found = [steps[position]]
        prefix = [s.text for s in steps[: position + 1]]
        for other in self.stages:
            if other is info or other.index not in self.reachable:
                continue
            if (other.base_kind, other.base_resolved, other.platform) != (info.base_kind, info.base_resolved, info.platform):
                continue
            if other.base_kind != "image":
                continue
            if [s.text for s in other.vertex_steps[: position + 1]] == prefix and len(other.vertex_steps) > position:
                found.append(other.vertex_steps[position])
        return found

    @staticmethod
    def _match_text(steps: list[Step], text: str) -> int | None:
        words = text.split()
        keyword = words[0].upper() if words else ""
        joined = " ".join(words)
        for idx, step in enumerate(steps):
            if step.text == joined:
                return idx
        for idx, step in enumerate(steps):
            if step.keyword == keyword:
                return idx
        return None

    # ---- classic steps -------------------------------------------------------------
    def classic_steps(self) -> list[Step | None]:
        """Step k of the classic builder is entry k-1: meta ARGs (None) then every stage."""
        first_from = self.stages[0].line if self.stages else 1 << 30
        nodes = getattr(self.document, "nodes", None)
        if nodes is not None:
            metas = sum(1 for n in nodes if getattr(n, "keyword", "") and n.line < first_from)
        else:
            metas = sum(1 for n, raw in enumerate(getattr(self.document, "text", "").splitlines(), 1)
                        if n < first_from and raw.strip().upper().startswith("ARG"))
        flat: list[Step | None] = [None] * metas
        for s in self.stages:
            flat.extend(s.all_steps)
        return flat

    def classic_step(self, message: str) -> tuple[int, int, Step | None] | None:
        m = _CLASSIC_STEP.match(message)
        if not m:
            return None
        k, n = int(m["k"]), int(m["n"])
        flat = self._classic_flat
        return k, n, flat[k - 1] if 1 <= k <= len(flat) else None

    @cached_property
    def _classic_flat(self) -> list[Step | None]:
        return self.classic_steps()

    # ---- lines ---------------------------------------------------------------------
    def stage_of_line(self, line: int) -> int | None:
        best = None
        for s in self.stages:
            if s.line <= line:
                best = s.index
        return best

    def from_lines_for_image(self, reference: str) -> list[tuple[int, int]]:
        """(stage, FROM line) of reachable stages whose base is ``reference``."""
        wanted = normalize_reference(reference)
        return [(s.index, s.line) for s in self.stages
                if s.base_kind == "image" and normalize_reference(s.base_resolved) == wanted]

    def session_mount_lines(self) -> list[tuple[int, int, str]]:
        """(stage, line, mount type) of RUN --mount=type=secret|ssh: these need a client session."""
        out = []
        for st in self.graph.stages:
            for ins in st.instructions:
                for mount in getattr(ins, "mounts", []) or []:
                    if mount.type in ("secret", "ssh"):
                        out.append((st.index, ins.line, mount.type))
        return out


def normalize_reference(ref: str) -> str:
    """``busybox`` -> ``docker.io/library/busybox:latest`` (how the engine names images)."""
    ref = ref.strip()
    name, digest = (ref.split("@", 1) + [""])[:2]
    last = name.rsplit("/", 1)[-1]
    tag = ""
    if ":" in last:
        name, tag = name.rsplit(":", 1)
    parts = name.split("/")
    if len(parts) == 1 or not ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        if len(parts) == 1:
            parts = ["library", *parts]
        parts = ["docker.io", *parts]
    out = "/".join(parts).lower()
    if digest:
        return f"{out}@{digest}"
    return f"{out}:{tag or 'latest'}"


MEASURE_NAME = "stage-studio-measure"


def named_text(document, stage_map, index: int) -> tuple[str, str]:
    """Dockerfile text in which stage ``index`` has a name the engine accepts as a target.

    Unnamed stages get `` AS <name>`` appended to their FROM line: lines, step numbers
    and cache keys stay the same (names are not part of BuildKit's cache keys).
    """
    info = stage_map.stages[index]
    text = document.text
    if info.name:
        return text, info.name.lower()
    taken = {s.key for s in stage_map.stages}
    name = f"{MEASURE_NAME}-{index}"
    while name in taken:
        name += "-x"
    ins = document.stages[index].from_instruction
    end = ins.content_end or ins.end
    while end > ins.start and text[end - 1] in "\r\n":
        end -= 1
    return text[:end] + f" AS {name}" + text[end:], name
