"""The meaning of a parsed Dockerfile: plain data, no behaviour, no Qt.

These names are the contract between the core and everything built on it (engine,
UI, CLI). Offsets are character offsets into ``Document.text`` (a BOM, if present, is
character 0); lines are 1-based. A span ``(start, end)`` is half-open.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]
BaseKind = Literal["image", "stage", "scratch"]
EdgeKind = Literal["from", "copy", "mount"]
NodeKind = Literal["instruction", "comment", "blank", "directive", "bom"]


def stage_label(name: str | None, index: int) -> str:
    """How every view and command names a stage: its name as written, or ``#N`` (its
    index, counted from 0 as ``COPY --from=N`` counts) when it has none."""
    return name if name else f"#{index}"


def stage_number(ref: int | str) -> int | None:
    """The index a typed stage reference stands for, if it is a number: ``2``, ``"2"``
    or the label ``"#2"`` (a stage name can start with neither a digit nor ``#``)."""
    if isinstance(ref, bool):
        return None
    if isinstance(ref, int):
        return ref
    text = ref.strip()
    text = text[1:] if text.startswith("#") else text
    return int(text) if text.isdigit() else None


def find_stage(stages: list[Stage], ref: int | str) -> Stage | None:
    """A stage as a user types it: its number (``2``, ``#2``) or its name, compared
    case-insensitively; of two stages with one name the last, as BuildKit resolves a
    target or a reference."""
    number = stage_number(ref)
    if number is not None:
        return stages[number] if 0 <= number < len(stages) else None
    wanted = str(ref).strip().lower()
    for stage in reversed(stages):
        if stage.name and stage.name.lower() == wanted:
            return stage
    return None


def stage_choices(stages: list[Stage], option: str | None = None) -> str:
    """The stages as they can be typed, for a "there is no stage ..." message. An unnamed
    stage goes by its number here; ``option`` (``--target``) adds that docker build's own
    option takes names only (checked: 20.10 and 26.1 refuse "stage-1", "1" and "#1")."""
    if not stages:
        return "none"
    listed = ", ".join(stage_label(s.name, s.index) for s in stages)
    unnamed = [s for s in stages if not s.name]
    if not unnamed:
        return listed
    n = unnamed[0].index
    if option:
        return f"{listed}; an unnamed stage is chosen by its number, as {option} {n}: docker build's {option} takes names only"
    return f"{listed}; an unnamed stage goes by its number, as {n} or #{n}"


@dataclass(frozen=True)
class TextEdit:
    """Replace ``text[start:end]`` with ``new_text``. Edits in one list never overlap."""

    start: int
    end: int
    new_text: str


@dataclass
class Flag:
    """One ``--name[=value]`` flag of an instruction, with the span of the whole token."""

    name: str  # lower-cased, without the dashes: "from", "mount", "platform"
    value: str | None  # as written, quotes and escapes removed
    start: int
    end: int
    value_start: int | None = None  # span of the value as written, for minimal edits
    value_end: int | None = None


@dataclass
class Heredoc:
    delimiter: str  # the word after << (and -), quotes removed
    strip_tabs: bool  # <<-EOF
    quoted: bool  # <<"EOF" / <<'EOF': no expansion inside
    body_start: int  # first character of the body (the line after the instruction)
    body_end: int  # end of the terminator line (including its line ending, if any)
    line: int  # first body line
    end_line: int  # the terminator's line
    terminated: bool = True


@dataclass
class Mount:
    """One ``RUN --mount=...`` flag, parsed into its key/value pairs."""

    type: str  # "bind" (default), "cache", "tmpfs", "secret", "ssh"
    options: dict[str, str]
    flag: Flag
    source_from: str | None = None  # the from= value, as written
    problems: list[str] = field(default_factory=list)  # why the mount is malformed, if it is


@dataclass
class Node:
    """A piece of the concrete syntax tree. Together, the nodes of a Document cover every
    character of its text exactly once, in order."""

    kind: NodeKind
    start: int
    end: int  # includes the line ending that closes the node, if any
    line: int
    end_line: int


@dataclass
class Instruction(Node):
    keyword: str = ""  # upper-cased: "RUN", "FROM", ...; "" for a line that has no keyword
    keyword_as_written: str = ""
    keyword_start: int = 0
    flags: list[Flag] = field(default_factory=list)
    # The arguments after the flags as one logical line: continuations joined, comment
    # lines inside the continuation dropped, as BuildKit sees them (before variable expansion).
    args: str = ""
    args_start: int = 0  # offset where the arguments (after the flags) begin in the text
    json_form: bool = False  # exec form: ["a", "b"]
    json_args: list[str] | None = None
    heredocs: list[Heredoc] = field(default_factory=list)
    mounts: list[Mount] = field(default_factory=list)
    onbuild: Instruction | None = None  # the wrapped instruction of ONBUILD
    stage: int | None = None  # index of the stage this instruction belongs to
    content_end: int = 0  # end of the instruction proper (before heredoc bodies)

    def flag(self, name: str) -> Flag | None:
        for f in self.flags:
            if f.name == name:
                return f
        return None

    def from_and_args(self) -> tuple[str | None, str]:
        """The first ``--from`` flag's value (None: none with a value) and the arguments
        (the parser's instructions find them without working out every detail)."""
        return next((f.value for f in self.flags if f.name == "from" and f.value is not None), None), self.args


@dataclass
class Diagnostic:
    severity: Severity
    code: str  # stable, kebab or CamelCase: "duplicate-stage-name", "StageNameCasing"
    line: int
    message: str  # one plain-English sentence
    start: int = 0  # span to underline
    end: int = 0
    end_line: int = 0


@dataclass
class Stage:
    index: int
    name: str | None  # as written; identity is name.lower()
    base: str  # as written, e.g. "golang:${GO}"
    base_resolved: str  # after ARG expansion (meta ARGs + build args)
    base_kind: BaseKind
    base_stage: int | None  # index of the stage this one is FROM, if any
    platform: str | None  # the --platform value as written
    line: int  # the FROM line
    end_line: int  # last line of the stage's last instruction
    from_instruction: Instruction
    instructions: list[Instruction] = field(default_factory=list)  # after FROM, in order

    @property
    def key(self) -> str:
        """The name BuildKit shows in progress: the lower-cased name, or ``stage-N``."""
        return self.name.lower() if self.name else f"stage-{self.index}"

    @property
    def label(self) -> str:
        return stage_label(self.name, self.index)


@dataclass
class Edge:
    """A dependency: ``source`` (stage index, or an image reference) feeds stage ``target``."""

    source: int | str
    target: int
    kind: EdgeKind
    line: int
    instruction: Instruction
    sources: list[str] = field(default_factory=list)  # COPY source paths; mount source/target
    dest: str | None = None  # COPY destination; mount target
    flag: Flag | None = None  # the --from / --mount flag that makes this edge (None for FROM); equal to
    # one of instruction.flags (a moved copy when the stage only moved: reading those works out every detail)


@dataclass
class StageGraph:
    """The stage graph for one choice of build args and target."""

    stages: list[Stage]
    edges: list[Edge]
    target: int | None  # index of the target stage (default: the last one)
    reachable: list[int]  # stages BuildKit would build for the target, ascending
    external_images: list[str]  # image references that are not stages, first-seen order
    diagnostics: list[Diagnostic]
