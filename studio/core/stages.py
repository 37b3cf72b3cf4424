"""The stage graph: stages, edges and the diagnostics that need meaning (which stages a
target needs, and what their order forbids, is stage_order.py's).

Resolution follows BuildKit's dockerfile2llb: ``FROM x`` is a stage only when a stage
named ``x`` (case-insensitive) was defined *before* it, otherwise an image (``scratch``
is neither); ``COPY --from`` and ``RUN --mount from=`` take a stage name (any stage,
also a later one), a stage index, or else an image reference. ONBUILD's ``--from`` runs
in a later build, so it is no edge here. External images (FROM and ``--from``) are
edges too, with the image reference as ``Edge.source``; ``scratch`` is no edge.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from studio.core import diagnostics as diag
from studio.core.flags import SESSION_MOUNT_TYPES, mount_required, mount_source, mount_target, secret_mount_id
from studio.core.detail_cache import DetailCache
from studio.core.instruction import KEYWORDS, needs_a_look
from studio.core.logical import whitespace_fields
from studio.core.model import Diagnostic, Edge, Flag, Instruction, Stage, StageGraph
from studio.core.stage_order import order_stages
from studio.core.shell import arg_declarations, expand, lex, resolve_meta_args, split_words

STAGE_NAME = re.compile(r"[a-z][a-z0-9._-]*\Z")
RESERVED_NAMES = ("scratch", "context")


class Kept(NamedTuple):
    """A stage's part of the last graph built, kept (in the DetailCache) for the next."""

    first: Instruction  # its FROM
    last: Instruction  # its last instruction
    count: int  # how many instructions
    context: tuple  # (every stage name, the meta ARG values) it was computed with
    stage: Stage
    edges: list[Edge]
    diags: list[Diagnostic]
    key: str | None  # the stage's text, from its FROM to the end of its last instruction
    refs: list[int]  # per edge: its instruction's index in the stage


_QUOTES_OR_ESCAPES = re.compile(r"[\\'\"`$]")


def build_graph(instructions: list[Instruction], syntax_diagnostics: list[Diagnostic],
                target: int | str | None = None, build_args: dict[str, str] | None = None,
                escape: str = "\\", text: str | None = None, cache: DetailCache | None = None,
                platform: str | None = None) -> StageGraph:
    """Compute the stage graph for one target, set of build args and ``--platform``.

    With the Document's ``text`` and ``cache``, which instructions of a stage need a look
    (RUN/COPY lines whose flags may name a source, unknown keywords) is remembered by the
    stage's text, so after an edit only the edited stage is scanned line by line.
    """
    diags = list(syntax_diagnostics)
    froms = [i for i, ins in enumerate(instructions) if ins.keyword == "FROM"]
    declared, where = _before_first_from(instructions[:froms[0]] if froms else instructions, diags, escape)
    if not froms:
        at = instructions[-1] if instructions else None
        diags.append(diag.make("no-from", "There is no FROM instruction, so there is nothing to build.", at,
                               line=at.end_line if at else 1))
    errors: list[tuple[str, str]] = []
    values = resolve_meta_args(declared, build_args, platform, escape, errors)
    for name, message in errors:
        diags.append(diag.make("arg-expansion-error", f"BuildKit cannot expand the default of ARG {name}: {message}.",
                               where.get(name)))
    groups = [instructions[f:g] for f, g in zip(froms, froms[1:] + [len(instructions)])]
    heads = [_from_words(group[0], text, cache) for group in groups]
    # What a stage's results depend on besides its own lines: every stage name (FROM and
    # --from lookups, labels in messages) and the meta ARG values.
    context = (tuple(head[1] for head in heads), tuple(values.items()))
    kept = cache.results_for(context[1]) if cache is not None else None
    stages: list[Stage] = []
    parts: list[tuple | None] = []  # per stage: its edges and diagnostics, if known already
    seen: dict[str, int] = {}
    for index, group in enumerate(groups):
        prev = kept.get(index) if kept is not None else None
        part = None
        if prev is not None and prev.count == len(group) and prev.context == context:
            if prev.first is group[0] and prev.last is group[-1]:  # the very lines of the last graph
                part = (prev.stage, prev.edges, prev.diags)
            elif text is not None and prev.key == text[group[0].start:group[-1].end]:  # moved only
                part = _moved(prev, group)
                kept[index] = Kept(group[0], group[-1], len(group), context, *part, prev.key, prev.refs)
        if part is None:
            found: list[Diagnostic] = []
            stages.append(_make_stage(index, group, heads[index], values, seen, found, escape))
            parts.append((None, None, found))
        else:
            stages.append(part[0])
            parts.append(part)
        name = heads[index][1]
        if name is not None:
            seen[name.lower()] = index
    by_name: dict[str, int] = {}
    for st in stages:
        if st.name:
            by_name[st.name.lower()] = st.index  # later duplicates win for --from lookups
    edges: list[Edge] = []
    for st, group, (_, stage_edges, found) in zip(stages, groups, parts):
        if stage_edges is None:
            key = text[group[0].start:group[-1].end] if text is not None else None
            stage_edges, refs = _stage_edges(st, group, stages, by_name, values, found, escape, text, cache, key)
            if kept is not None:
                kept[st.index] = Kept(group[0], group[-1], len(group), context, st, stage_edges, found, key, refs)
        edges.extend(stage_edges)
        diags.extend(found)
    if kept is not None:
        for index in list(kept):  # (list() copies at once: safe if another thread builds a graph)
            if index >= len(groups):
                kept.pop(index, None)
    chosen, reachable = order_stages(stages, edges, target, diags)
    external = list(dict.fromkeys(e.source for e in edges if isinstance(e.source, str)))  # first-seen order
    diags.sort(key=lambda d: (d.line, d.start))
    return StageGraph(stages, edges, chosen, reachable, external, diags)


def _stage_edges(st: Stage, group, stages, by_name, values, found, escape, text, cache, key):
    """A stage's edges (its FROM, then its lines in order), diagnostics into ``found``, and
    for each edge its instruction's index in ``group``. ``key``: the stage's text, if known."""
    edges: list[Edge] = []
    if st.base_kind == "stage":
        edges.append(Edge(st.base_stage, st.index, "from", st.line, st.from_instruction))
    elif st.base_kind == "image" and st.base_resolved:
        edges.append(Edge(st.base_resolved, st.index, "from", st.line, st.from_instruction))
    refs: list[int] = [0] * len(edges)
    look, unknown = _needs_a_look(group, key, cache, text)
    rest = st.instructions
    for r in unknown:
        _unknown_instruction(rest[r], found)
    for r in look:
        ins = rest[r]
        _instruction_edges(ins, st, stages, by_name, values, edges, found, escape)
        refs += [r + 1] * (len(edges) - len(refs))
    return edges, refs


def _moved(prev: Kept, group: list[Instruction]) -> tuple[Stage, list[Edge], list[Diagnostic]]:
    """A stage's results from the last graph, for the same lines now elsewhere in the text."""
    old, old_edges, old_diags, refs = prev.stage, prev.edges, prev.diags, prev.refs
    shift, lines = group[0].start - prev.first.start, group[0].line - prev.first.line
    frm, rest = group[0], group[1:]
    stage = Stage(old.index, old.name, old.base, old.base_resolved, old.base_kind, old.base_stage, old.platform,
                  frm.line, old.end_line + lines, frm, rest)
    edges = []
    for e, r in zip(old_edges, refs):
        ins, flag = group[r], e.flag
        if flag is not None:  # (the same flag moved: reading ins.flags would work out every detail of ins)
            flag = Flag(flag.name, flag.value, flag.start + shift, flag.end + shift,
                        None if flag.value_start is None else flag.value_start + shift,
                        None if flag.value_end is None else flag.value_end + shift)
        edges.append(Edge(e.source, e.target, e.kind, ins.line, ins, list(e.sources), e.dest, flag))
    diags = [Diagnostic(d.severity, d.code, d.line + lines, d.message, d.start + shift, d.end + shift,
                        d.end_line + lines) for d in old_diags]
    return stage, edges, diags


# A text with no FROM at all (a shell script opened by mistake, 10 MB of RUN lines) would
# get one error per line: 163,000 of them, most of the JSON and of the memory. The first
# ones are listed; one more diagnostic says how many follow and where (never silent).
MAX_BEFORE_FROM = 100


def _before_first_from(instructions: list[Instruction], diags: list[Diagnostic],
                       escape: str) -> tuple[list[tuple[str, str | None]], dict[str, Instruction]]:
    """The meta ARGs and the ARG line of each, and a diagnostic for anything else before
    the first FROM."""
    declared: list[tuple[str, str | None]] = []
    where: dict[str, Instruction] = {}
    misplaced: list[Instruction] = []
    for ins in instructions:
        kw = ins.keyword
        if kw == "ARG":
            for name, value in arg_declarations(ins.args, escape):
                declared.append((name, value))
                where[name] = ins
        elif kw in KEYWORDS:
            misplaced.append(ins)
            if len(misplaced) <= MAX_BEFORE_FROM:
                diags.append(diag.make("instruction-before-from", f"No build stage in current context: {kw} comes before the first FROM, where only ARG may be.", ins))
        else:
            _unknown_instruction(ins, diags)
    if len(misplaced) > MAX_BEFORE_FROM:
        more, first, last = len(misplaced) - MAX_BEFORE_FROM, misplaced[MAX_BEFORE_FROM], misplaced[-1]
        diags.append(diag.make("instruction-before-from", f"...and {more:,} more instruction{'s' if more > 1 else ''} "
                               f"before the first FROM (lines {first.line:,}-{last.end_line:,}), where only ARG may be; "
                               f"only the first {MAX_BEFORE_FROM} are listed one by one.", first))
    return declared, where


def _unknown_instruction(ins: Instruction, diags: list[Diagnostic]) -> None:
    word = ins.keyword_as_written or ins.args
    diags.append(diag.make("unknown-instruction", f"Unknown instruction: {word} (BuildKit refuses the file).", ins,
                           end=ins.keyword_start + len(ins.keyword_as_written) if ins.keyword_as_written else None))


def _needs_a_look(group: list[Instruction], key: str | None, cache: DetailCache | None, text: str | None):
    """Indices (in the stage's instructions after FROM) of the RUN/COPY lines that may
    make an edge or a diagnostic, and of the unknown instructions; cached by the stage's
    text ``key``."""
    if cache is None or key is None or text is None:
        return needs_a_look(group[1:])
    found = cache.stages.get(key)
    if found is None:
        found = needs_a_look(group[1:])
        cache.remember_stage(key, found, len(text))
    return found


def _from_words(frm: Instruction, text: str | None, cache: DetailCache | None) -> tuple[str, str | None, bool]:
    """(base, name or None, well formed) of a FROM line; cached by its text, so a FROM
    that only moved needs no details."""
    key = None
    if cache is not None and text is not None and "args" not in vars(frm):
        key = text[frm.start:frm.content_end]
        found = cache.froms.get(key)
        if found is not None:
            return found
    words = whitespace_fields(frm.args)  # (as BuildKit: "a\u00a0AS\u00a0b" is one word)
    if len(words) == 3 and words[1].lower() == "as":
        found = words[0], words[2], True
    else:
        found = (words[0] if words else ""), None, len(words) == 1
    if key is not None:
        cache.remember(cache.froms, key, found)
    return found


def _make_stage(index: int, group: list[Instruction], head: tuple[str, str | None, bool],
                values: dict[str, str | None], seen: dict[str, int], diags: list[Diagnostic],
                escape: str = "\\") -> Stage:
    """The Stage for a FROM and its lines; ``seen``: names of the stages before it."""
    frm, rest = group[0], group[1:]
    base, name, well_formed = head
    if not well_formed:
        diags.append(diag.make("invalid-from", "FROM requires either one or three arguments: an image, optionally followed by 'AS name'.", frm))
    lexed = lex(base, values, escape) if base and "$" in base else None
    resolved = base if lexed is None else lexed.text
    if lexed is not None and lexed.error:
        diags.append(diag.make("from-expansion-error", f"BuildKit cannot expand {base!r}: {lexed.error}.", frm))
    elif base and not resolved:
        diags.append(diag.make("empty-from-variable", f"Base name ({base}) should not be blank: declare the ARG with a default before the first FROM, or pass it as a build arg.", frm))
    kind, base_stage = "image", None
    if resolved.lower() == "scratch":
        kind = "scratch"
    elif resolved.lower() in seen:
        kind, base_stage = "stage", seen[resolved.lower()]
    platform = frm.flag("platform")
    # (each instruction's ``stage`` was set when the nodes were built: the FROMs above it)
    last = rest[-1] if rest else frm
    stage = Stage(index, name, base, resolved, kind, base_stage,
                  platform.value if platform else None, frm.line, last.end_line, frm, rest)
    if name is not None:
        _check_name(stage, seen, diags)
    return stage


def _check_name(stage: Stage, seen: dict[str, int], diags: list[Diagnostic]) -> None:
    name = stage.name or ""
    frm = stage.from_instruction
    at = frm.args.rfind(name)
    start = frm.args_start + at if at >= 0 and frm.line == frm.end_line else None
    end = start + len(name) if start is not None else None
    lower = name.lower()
    if not STAGE_NAME.match(lower):
        diags.append(diag.make("invalid-stage-name", f"Invalid name for build stage: \"{name}\", name can't start with a number or contain symbols (a letter first, then letters, digits, '.', '_' or '-').", frm, start=start, end=end))
    elif lower in RESERVED_NAMES:
        diags.append(diag.make("reserved-stage-name", f"Stage name should not use the same name as reserved stage \"{name}\": FROM {lower} means the {'empty image' if lower == 'scratch' else 'build context'}, not this stage.", frm, start=start, end=end))
    if lower in seen:
        first = seen[lower]
        diags.append(diag.make("duplicate-stage-name", f"Duplicate stage name \"{name}\", stage names should be unique: stage {first} has it too (names are case-insensitive), and references mean the last one.", frm, start=start, end=end))


def _resolve_ref(ref: str, st: Stage, stages: list[Stage], by_name: dict[str, int],
                 ins: Instruction, flag, diags: list[Diagnostic]) -> int | str | None:
    """A --from / from= value: a stage index, or an image reference, or None when invalid."""
    if ref.isdigit():
        idx = int(ref)
        if idx >= len(stages):
            diags.append(diag.make("unknown-stage-index", f"Invalid stage index {idx}: stages are numbered 0 to {len(stages) - 1}.", ins, **_span(flag)))
            return None
    else:
        idx = by_name.get(ref.lower())
        if idx is None:
            return ref
    if idx < st.index:
        return idx
    span = _span(flag)
    if idx == st.index:
        diags.append(diag.make("from-same-stage", f"Circular dependency detected on stage: {st.key}: a stage cannot copy from itself.", ins, **span))
        return None
    if idx > st.index:
        diags.append(diag.make("from-later-stage", f"Stage {st.label} uses stage {stages[idx].label}, which is defined later: this builds only while the target does not need stage {st.label}; once it does, BuildKit refuses it, and the classic builder never finds it.", ins, **span))
    return idx


def _sentence(text: str) -> str:
    """BuildKit's words as a sentence of ours: capital first, full stop last."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _span(flag) -> dict[str, int]:
    """Where a diagnostic about a --from / from= value points: its flag, if any."""
    return {"start": flag.start, "end": flag.end} if flag is not None else {}


def _instruction_edges(ins, st, stages, by_name, values, edges, diags, escape) -> None:
    if ins.keyword == "COPY":
        flag = ins.flag("from")
        ref = expand(flag.value, values, escape) if flag is not None and flag.value else ""
        if ref:  # (a variable that expands to nothing names no source)
            source = _resolve_ref(ref, st, stages, by_name, ins, flag, diags)
            if source is not None:
                sources, dest = copy_paths(ins, escape)
                edges.append(Edge(source, st.index, "copy", ins.line, ins, sources, dest, flag))
    elif ins.keyword == "RUN":
        for mount in ins.mounts:
            flag, mount_type, options = mount.flag, mount.type, mount.options
            if mount.problems:
                diags.append(diag.make("malformed-mount", _sentence("; ".join(mount.problems)), ins, start=flag.start, end=flag.end))
            if mount_type in SESSION_MOUNT_TYPES:
                diags.append(diag.make("session-mount", _session_mount_message(mount_type, options), ins,
                                       start=flag.start, end=flag.end))
            ref = expand(options.get("from") or "", values, escape)
            if ref:
                source = _resolve_ref(ref, st, stages, by_name, ins, flag, diags)
                if source is not None:
                    edges.append(Edge(source, st.index, "mount", ins.line, ins,
                                      [mount_source(options) or "/"], mount_target(options), flag))


def copy_paths(ins: Instruction, escape: str = "\\") -> tuple[list[str], str | None]:
    """COPY's source paths and destination, split as BuildKit's lexer splits them
    (quotes and the file's escape character removed; with ``# escape=`` ` `` backslashes
    are plain path characters); variables are kept as written."""
    if ins.json_args is not None:
        words = list(ins.json_args)
    elif _QUOTES_OR_ESCAPES.search(ins.args) is None:
        words = ins.args.split()
    else:
        words = split_words(ins.args, escape)
    if len(words) < 2:
        return words, None
    return words[:-1], words[-1]


def _session_mount_message(mount_type: str, options: dict[str, str]) -> str:
    """What a secret or SSH mount needs from whoever builds (the build's session serves
    it), and what the engine does without it (checked on both engines)."""
    gui = "in the app: Build > Secrets and SSH…"
    if mount_type == "ssh":
        ident = options.get("id") or "default"
        flag = "--ssh default" if ident == "default" else f"--ssh {ident}=SOCKET"
        return f"--mount=type=ssh uses the SSH agent '{ident}': build with {flag} ({gui})."
    ident = secret_mount_id(options) or "?"
    given = f"--mount=type=secret reads the secret '{ident}': build with --secret id={ident},src=FILE ({gui})"
    if mount_required(options):
        return f"{given}; it is required: without it the build fails at this step (secret {ident} not found)."
    target = mount_target(options)
    if "env" in options and target is None:
        return f"{given}; without it the step runs with ${options['env']} unset."
    return f"{given}; without it the step runs and {target or '/run/secrets/' + ident} is absent."
