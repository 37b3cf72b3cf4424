"""The stage graph: stages, edges, reachability and the diagnostics that need meaning.

Resolution follows BuildKit's dockerfile2llb: ``FROM x`` is a stage only when a stage
named ``x`` (case-insensitive) was defined *before* it, otherwise an image (``scratch``
is neither); ``COPY --from`` and ``RUN --mount from=`` take a stage name (any stage,
also a later one), a stage index, or else an image reference. ONBUILD's ``--from`` runs
in a later build, so it is no edge here. External images (FROM and ``--from``) are
edges too, with the image reference as ``Edge.source``; ``scratch`` is no edge.
"""
from __future__ import annotations

import re

from dockerfile_parse.util import WordSplitter

from studio.core import diagnostics as diag
from studio.core.args import expand, parse_arg_declarations, resolve_meta_args
from studio.core.flags import SESSION_MOUNT_TYPES, mount_source, mount_target
from studio.core.instruction import KEYWORDS
from studio.core.model import Diagnostic, Edge, Instruction, Stage, StageGraph
from studio.core.words import raw_words, unquote

STAGE_NAME = re.compile(r"[a-z][a-z0-9._-]*\Z")
RESERVED_NAMES = ("scratch", "context")


def build_graph(instructions: list[Instruction], syntax_diagnostics: list[Diagnostic],
                target: int | str | None = None, build_args: dict[str, str] | None = None,
                escape: str = "\\") -> StageGraph:
    """Compute the stage graph for one target and set of build args."""
    diags = list(syntax_diagnostics)
    declared, stage_lists = _split_stages(instructions, diags)
    values = resolve_meta_args(declared, build_args)
    stages = _make_stages(stage_lists, values, diags)
    by_name: dict[str, int] = {}
    for st in stages:
        if st.name:
            by_name[st.name.lower()] = st.index  # later duplicates win for --from lookups
    edges: list[Edge] = []
    for st in stages:
        if st.base_kind == "stage":
            edges.append(Edge(st.base_stage, st.index, "from", st.line, st.from_instruction))
        elif st.base_kind == "image" and st.base_resolved:
            edges.append(Edge(st.base_resolved, st.index, "from", st.line, st.from_instruction))
        for ins in st.instructions:
            _instruction_edges(ins, st, stages, by_name, values, edges, diags, escape)
    _check_cycles(stages, edges, diags)
    chosen = _choose_target(stages, target, diags)
    reachable = _reachable(stages, edges, chosen)
    external: list[str] = []
    for e in edges:
        if isinstance(e.source, str) and e.source not in external:
            external.append(e.source)
    diags.sort(key=lambda d: (d.line, d.start))
    return StageGraph(stages, edges, chosen, reachable, external, diags)


def _split_stages(instructions: list[Instruction], diags: list[Diagnostic]):
    declared: list[tuple[str, str | None]] = []
    stage_lists: list[list[Instruction]] = []
    for ins in instructions:
        kw = ins.keyword
        if kw not in KEYWORDS:
            word = ins.keyword_as_written or ins.args
            diags.append(diag.make("unknown-instruction", f"Unknown instruction {word!r}: BuildKit will refuse this file.", ins,
                                   end=ins.keyword_start + len(ins.keyword_as_written) if ins.keyword_as_written else None))
        if kw == "FROM":
            stage_lists.append([ins])
        elif stage_lists:
            stage_lists[-1].append(ins)
        elif kw == "ARG":
            declared.extend(parse_arg_declarations(ins.args))
        elif kw in KEYWORDS:
            diags.append(diag.make("instruction-before-from", f"{kw} comes before the first FROM; only ARG may.", ins))
    if not stage_lists:
        at = instructions[-1] if instructions else None
        diags.append(diag.make("no-from", "There is no FROM instruction, so there is nothing to build.", at,
                               line=at.end_line if at else 1))
    return declared, stage_lists


def _make_stages(stage_lists, values, diags) -> list[Stage]:
    stages: list[Stage] = []
    seen: dict[str, int] = {}
    for index, group in enumerate(stage_lists):
        frm, rest = group[0], group[1:]
        words = frm.args.split()
        base = words[0] if words else ""
        name = None
        if len(words) == 3 and words[1].lower() == "as":
            name = words[2]
        elif len(words) != 1:
            diags.append(diag.make("invalid-from", "FROM takes an image and optionally 'AS name'.", frm))
        resolved = expand(base, values) if base else ""
        if base and not resolved:
            diags.append(diag.make("empty-from-variable", f"The base {base!r} expands to an empty name; declare the ARG before the first FROM or pass it as a build arg.", frm))
        kind, base_stage = "image", None
        if resolved.lower() == "scratch":
            kind = "scratch"
        elif resolved.lower() in seen:
            kind, base_stage = "stage", seen[resolved.lower()]
        platform = frm.flag("platform")
        for ins in group:
            ins.stage = index
        last = rest[-1] if rest else frm
        stage = Stage(index, name, base, resolved, kind, base_stage,
                      platform.value if platform else None, frm.line, last.end_line, frm, rest)
        if name is not None:
            _check_name(stage, seen, diags)
            seen[name.lower()] = index
        stages.append(stage)
    return stages


def _check_name(stage: Stage, seen: dict[str, int], diags: list[Diagnostic]) -> None:
    name = stage.name or ""
    frm = stage.from_instruction
    at = frm.args.rfind(name)
    start = frm.args_start + at if at >= 0 and frm.line == frm.end_line else None
    end = start + len(name) if start is not None else None
    lower = name.lower()
    if not STAGE_NAME.match(lower):
        diags.append(diag.make("invalid-stage-name", f"Stage name {name!r} is invalid: it must start with a letter and use only letters, digits, '.', '_' and '-'.", frm, start=start, end=end))
    elif lower in RESERVED_NAMES:
        diags.append(diag.make("reserved-stage-name", f"The name {name!r} is reserved by BuildKit and cannot name a stage.", frm, start=start, end=end))
    if lower in seen:
        first = seen[lower]
        diags.append(diag.make("duplicate-stage-name", f"Stage name {name!r} is already used by stage {first}; names are case-insensitive.", frm, start=start, end=end))


def _resolve_ref(ref: str, st: Stage, stages: list[Stage], by_name: dict[str, int],
                 ins: Instruction, flag, diags: list[Diagnostic]) -> int | str | None:
    """A --from / from= value: a stage index, or an image reference, or None when invalid."""
    span = {"start": flag.start, "end": flag.end} if flag is not None else {}
    if ref.isdigit():
        idx = int(ref)
        if idx >= len(stages):
            diags.append(diag.make("unknown-stage-index", f"There is no stage {idx}; stages are numbered 0 to {len(stages) - 1}.", ins, **span))
            return None
    elif ref.lower() in by_name:
        idx = by_name[ref.lower()]
    else:
        return ref
    if idx == st.index:
        diags.append(diag.make("from-same-stage", f"Stage {st.label} cannot copy from itself.", ins, **span))
        return None
    if idx > st.index:
        diags.append(diag.make("from-later-stage", f"Stage {st.label} uses stage {stages[idx].label}, which is defined later; the classic builder cannot do this.", ins, **span))
    return idx


def _instruction_edges(ins, st, stages, by_name, values, edges, diags, escape) -> None:
    if ins.keyword != "COPY" and ins.keyword != "RUN":
        return
    if getattr(ins, "surely_quiet", None) is not None and ins.surely_quiet():
        return  # no --from, no mount from elsewhere, nothing to check: the details can wait
    if ins.keyword == "COPY":
        flag = ins.flag("from")
        ref = expand(flag.value, values) if flag is not None and flag.value else ""
        if ref:  # (a variable that expands to nothing names no source)
            source = _resolve_ref(ref, st, stages, by_name, ins, flag, diags)
            if source is not None:
                sources, dest = copy_paths(ins, escape)
                edges.append(Edge(source, st.index, "copy", ins.line, ins, sources, dest, flag))
    elif ins.keyword == "RUN":
        for mount in ins.mounts:
            flag, mount_type, options = mount.flag, mount.type, mount.options
            if mount.problems:
                diags.append(diag.make("malformed-mount", f"This --mount is malformed: {'; '.join(mount.problems)}.", ins, start=flag.start, end=flag.end))
            if mount_type in SESSION_MOUNT_TYPES:
                diags.append(diag.make("session-mount", f"--mount=type={mount_type} needs a client session, plain Engine API builds will fail.", ins, start=flag.start, end=flag.end))
            ref = expand(options.get("from") or "", values)
            if ref:
                source = _resolve_ref(ref, st, stages, by_name, ins, flag, diags)
                if source is not None:
                    edges.append(Edge(source, st.index, "mount", ins.line, ins,
                                      [mount_source(options) or "/"], mount_target(options), flag))


def copy_paths(ins: Instruction, escape: str = "\\") -> tuple[list[str], str | None]:
    """COPY's source paths and destination.

    Words are split with dockerfile-parse's WordSplitter (quotes, backslash escapes);
    with ``# escape=`` ` `` backslashes are plain path characters (Windows paths), so
    only quotes and backtick escapes are removed.
    """
    if ins.json_args is not None:
        words = list(ins.json_args)
    elif not any(c in ins.args for c in "\\'\"`"):
        words = ins.args.split()
    elif escape == "`":
        words = [unquote(w, "`") for w in raw_words(ins.args, "`")]
    else:
        try:
            words = list(WordSplitter(ins.args).split())
        except Exception:
            words = ins.args.split()
    if len(words) < 2:
        return words, None
    return words[:-1], words[-1]


def _check_cycles(stages: list[Stage], edges: list[Edge], diags: list[Diagnostic]) -> None:
    deps = _deps(stages, edges)
    state = [0] * len(stages)  # 0 new, 1 on stack, 2 done

    for root in range(len(stages)):
        if state[root]:
            continue
        stack = [(root, iter(deps[root]))]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state[nxt] == 1:
                path = [n for n, _ in stack]
                cycle = path[path.index(nxt):]
                names = " -> ".join(stages[i].label for i in cycle + [nxt])
                frm = stages[node].from_instruction
                diags.append(diag.make("stage-cycle", f"Circular dependency between stages: {names}.", frm))
            elif state[nxt] == 0:
                state[nxt] = 1
                stack.append((nxt, iter(deps[nxt])))


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
    if isinstance(target, int) or (isinstance(target, str) and target.isdigit()):
        idx = int(target)
        if 0 <= idx < len(stages):
            return idx
    else:
        for st in reversed(stages):
            if st.name and st.name.lower() == target.lower():
                return st.index
    diags.append(diag.make("unknown-target", f"There is no stage {target!r} to build.", None))
    return None


def _reachable(stages: list[Stage], edges: list[Edge], target: int | None) -> list[int]:
    if target is None:
        return []
    deps = _deps(stages, edges)
    seen = {target}
    todo = [target]
    while todo:
        for d in deps[todo.pop()]:
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return sorted(seen)
