"""What a rule sees while it runs: the document, its stage graph for the chosen target
and build args, and small helpers that build findings and fixes the same way everywhere."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from studio.core.lint.findings import Finding, Rule, StaleFix
from studio.core.model import Instruction, Stage, StageGraph, TextEdit

if TYPE_CHECKING:
    from studio.core.document import Document

# Proxy ARGs every build has without declaring them.
PROXY_ARGS = frozenset({
    "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
    "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
})


@dataclass
class CheckOptions:
    """BuildKit's ``# check=skip=A,B;error=true`` parser directive."""

    skip: set[str] = field(default_factory=set)
    skip_all: bool = False
    error: bool = False

    @classmethod
    def parse(cls, value: str | None) -> CheckOptions:
        opts = cls()
        if not value:
            return opts
        for part in value.split(";"):
            key, eq, val = part.partition("=")
            key = key.strip().lower()
            if not eq:
                continue
            if key == "skip":
                names = [n.strip() for n in val.split(",") if n.strip()]
                if any(n.lower() == "all" for n in names):
                    opts.skip_all = True
                opts.skip.update(names)
            elif key == "error":
                opts.error = val.strip().lower() in ("1", "t", "true")
        return opts


_CHECK_LINE = re.compile(r"^#\s*check\s*=\s*(.*?)\s*$", re.IGNORECASE)


def suppress_edits(doc: Document, code: str) -> list[TextEdit]:
    """Text edits that add ``code`` to the file's ``# check=skip=`` directive (creating the
    directive at the top if there is none), so BuildKit and lint both stop reporting it."""
    for node in doc.nodes:
        if node.kind != "directive":
            continue
        raw = doc.text[node.start:node.end].rstrip("\r\n")
        m = _CHECK_LINE.match(raw)
        if not m:
            continue
        value = m.group(1)
        parts = [p for p in value.split(";") if p.strip()]
        for i, part in enumerate(parts):
            key, _, names = part.partition("=")
            if key.strip().lower() == "skip":
                listed = [n.strip() for n in names.split(",") if n.strip()]
                if code in listed or "all" in listed:
                    return []
                parts[i] = f"{key.strip()}={','.join(listed + [code])}"
                break
        else:
            parts.insert(0, f"skip={code}")
        start = node.start + m.start(1)
        return [TextEdit(start, start + len(value), ";".join(p.strip() for p in parts))]
    at = 1 if doc.text.startswith("\ufeff") else 0
    return [TextEdit(at, at, f"# check=skip={code}{doc.newline}")]


class LintContext:
    """Shared, lazily computed facts about one document for all rules of one run."""

    def __init__(self, doc: Document, build_args: dict[str, str] | None = None,
                 target: Any = None, platform: str | None = None, context_dir: Any = None) -> None:
        self.doc = doc
        self.context_dir = context_dir  # the build context's folder, when known (rules that look at files)
        self.text: str = doc.text
        self.escape: str = getattr(doc, "escape", "\\") or "\\"
        self.build_args = dict(build_args or {})
        self.target = target
        self.platform = platform
        self.current_rule: Rule | None = None
        self.config = None  # the project's LintConfig, if any
        # Building the default graph is what assigns ``Instruction.stage``: do it first so
        # every rule sees stage indexes whatever order the rules run in.
        self._assign_stages()

    def _assign_stages(self) -> None:
        for stage in self.doc.stages:
            for ins in [stage.from_instruction, *stage.instructions]:
                if ins.stage is None:
                    ins.stage = stage.index

    # ---------------------------------------------------------------- structure

    @cached_property
    def graph(self) -> StageGraph:
        try:
            return self.doc.graph(target=self.target, build_args=self.build_args or None,
                                  platform=self.platform)
        except Exception:  # an unknown target: fall back to the default one
            return self.doc.graph(build_args=self.build_args or None, platform=self.platform)

    @property
    def stages(self) -> list[Stage]:
        return self.doc.stages

    @cached_property
    def meta_args(self) -> list[Instruction]:
        """ARG instructions before the first FROM (global build args)."""
        out = []
        for ins in self.doc.instructions:
            if ins.keyword == "FROM":
                break
            if ins.keyword == "ARG":
                out.append(ins)
        return out

    @cached_property
    def target_index(self) -> int | None:
        return self.graph.target

    @cached_property
    def final_chain(self) -> list[int]:
        """The target stage and the stages it is built FROM: their layers ship."""
        chain: list[int] = []
        idx = self.target_index
        while idx is not None and idx not in chain and 0 <= idx < len(self.stages):
            chain.append(idx)
            idx = self.stages[idx].base_stage
        return chain

    @cached_property
    def selectable(self) -> dict[int, list[tuple[Stage, dict[str, str]]]]:
        """Stages a FROM with a variable can pick (``FROM binaries-$TARGETOS``): index ->
        [(the stage whose FROM picks it, the ARG values that pick it)]. Every platform and
        every value counts, not only the ones this lint run expands."""
        out: dict[int, list[tuple[Stage, dict[str, str]]]] = {}
        for stage in self.stages:
            pattern = _name_pattern(stage.base)
            if pattern is None:
                continue
            for earlier in self.stages[:stage.index]:
                m = pattern.match(earlier.name or "")
                if m is not None:
                    out.setdefault(earlier.index, []).append((stage, m.groupdict()))
        return out

    @cached_property
    def shipping(self) -> set[int]:
        """Stages whose layers are in the image for some choice of platform and args: the
        target's FROM chain, and every stage a variable FROM on it can pick."""
        todo, seen = list(self.final_chain), set()
        picks: dict[int, list[int]] = {}
        for index, pickers in self.selectable.items():
            for picker, _ in pickers:
                picks.setdefault(picker.index, []).append(index)
        while todo:
            idx = todo.pop()
            if idx in seen or not 0 <= idx < len(self.stages):
                continue
            seen.add(idx)
            base = self.stages[idx].base_stage
            if base is not None:
                todo.append(base)
            todo.extend(picks.get(idx, ()))
        return seen

    def shipped_runs(self):
        """RUN instructions of the stages whose layers are the image (``shipping``).
        Size rules look only here."""
        chain = self.shipping
        for stage in self.stages:
            if stage.index in chain:
                yield from (i for i in stage.instructions if i.keyword == "RUN")

    def later_runs(self, ins: Instruction) -> list[Instruction]:
        """The RUNs built after ``ins`` on top of its layers: later in its stage and in
        every stage built FROM that stage (directly or not)."""
        stage = self.stage_of(ins)
        if stage is None:
            return []
        out = [i for i in stage.instructions if i.keyword == "RUN" and i.start > ins.start]
        below = {stage.index}
        for s in self.stages[stage.index + 1:]:
            if s.base_kind == "stage" and s.base_stage in below:
                below.add(s.index)
                out.extend(i for i in s.instructions if i.keyword == "RUN")
        return out

    def command(self, ins: Instruction) -> str:
        """A RUN's shell text: its arguments and its heredoc bodies."""
        bodies = "".join(self.text[h.body_start:h.body_end] for h in ins.heredocs)
        return ins.args + "\n" + bodies if bodies else ins.args

    def stage_of(self, ins: Instruction) -> Stage | None:
        if ins.stage is None or not 0 <= ins.stage < len(self.stages):
            return None
        return self.stages[ins.stage]

    def root_image(self, stage: Stage) -> str | None:
        """The external image at the bottom of a stage's FROM chain (None for scratch)."""
        seen = set()
        while stage.base_kind == "stage" and stage.base_stage is not None:
            if stage.index in seen:
                return None
            seen.add(stage.index)
            stage = self.stages[stage.base_stage]
        return None if stage.base_kind == "scratch" else stage.base_resolved

    def stage_chain(self, stage: Stage) -> list[Stage]:
        """The stage and its FROM ancestors, nearest first."""
        out, seen = [stage], {stage.index}
        while stage.base_kind == "stage" and stage.base_stage is not None:
            stage = self.stages[stage.base_stage]
            if stage.index in seen:
                break
            seen.add(stage.index)
            out.append(stage)
        return out

    def instruction_end(self, ins: Instruction) -> int:
        """End of an instruction's own text, without its line ending or heredoc bodies."""
        end = ins.content_end or ins.end
        while end > ins.start and self.text[end - 1] in "\r\n":
            end -= 1
        return end

    def raw(self, ins: Instruction) -> str:
        return self.text[ins.start:self.instruction_end(ins)]

    # ---------------------------------------------------------------- findings

    def finding(self, message: str, start: int, end: int, *, line: int | None = None,
                edits: list[TextEdit] | None = None, fix_title: str = "",
                rule: Rule | None = None, severity: str | None = None) -> Finding:
        """A finding of the running rule over ``text[start:end]``; ``edits`` become its
        quick fix (offered only while the text is unchanged)."""
        r = rule or self.current_rule
        assert r is not None
        doc_line = self.doc.line_of(start) if line is None else line
        end_line = self.doc.line_of(max(start, end - 1)) if end > start else doc_line
        fix = _frozen_fix(self.text, edits) if edits else None
        return Finding(severity or r.severity, r.code, doc_line, message, start, end, end_line,
                       rule=r, fix=fix, fix_title=fix_title)

    def at(self, ins: Instruction, message: str, **kw: Any) -> Finding:
        """A finding covering one instruction (without its heredoc bodies)."""
        return self.finding(message, ins.start, self.instruction_end(ins), line=ins.line, **kw)


def _name_pattern(base: str) -> re.Pattern | None:
    """A regex of the stage names a FROM word with variables can name, with one group per
    variable (None without variables, or when a variable is the whole word)."""
    if "$" not in base:
        return None
    from studio.core.shell import expand, var_refs

    names = list(dict.fromkeys(r.name for r in var_refs(base)))
    if not names:
        return None
    marks = {name: f"\x00{i}\x00" for i, name in enumerate(names)}
    filled = expand(base, marks)
    parts = re.split("\x00(\\d+)\x00", filled)
    literal = "".join(parts[0::2])
    if not literal.strip():
        return None
    regex = []
    used: set[str] = set()
    for i, part in enumerate(parts):
        if i % 2 == 0:
            regex.append(re.escape(part.lower()))
        else:
            name = names[int(part)]
            group = f"(?P<{name}>[a-z0-9._-]*)" if name not in used else "[a-z0-9._-]*"
            used.add(name)
            regex.append(group)
    return re.compile("".join(regex) + r"\Z", re.IGNORECASE)


def _frozen_fix(text: str, edits: list[TextEdit]):
    frozen = sorted(edits, key=lambda e: e.start)

    def fix(doc: Any = None) -> list[TextEdit]:
        if doc is not None and getattr(doc, "text", text) != text:
            raise StaleFix("the text changed since this finding was made; lint again")
        return list(frozen)

    return fix
