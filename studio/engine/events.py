"""Build events: the one vocabulary both backends speak, so the CLI and the GUI share code.

Plain dataclasses. ``to_json()`` gives a JSON-ready dict with an ``"event"`` key (the
``--json`` CLI prints one per line; the GUI reads the same fields from the objects).
Stages are referred to by index; lines are 1-based Dockerfile lines.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from studio.core.model import stage_label

# skipped: the target does not need the stage; stopped: a step of it was running when the
# engine stopped it (another stage failed); not_run: it was needed, but the build stopped
# (at another stage's failure) before it ran or finished
StageState = Literal["done", "cached", "skipped", "failed", "stopped", "not_run"]
Stream = Literal["stdout", "stderr"]


def _plain(value: Any) -> Any:
    if hasattr(value, "to_json"):
        return value.to_json()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class _Event:
    """Mixin: ``event`` name in snake_case plus every dataclass field."""

    event = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"event": self.event}
        for f in fields(self):  # type: ignore[arg-type]
            if f.metadata.get("json", True):
                out[f.name] = _plain(getattr(self, f.name))
        return out


def _own_words():
    """The parts of an event's ``message`` that are our own words (a hint, "line 7: "):
    masking a secret value is for what the build printed, never for what we say. Not in
    the JSON."""
    return field(default_factory=list, repr=False, compare=False, metadata={"json": False})


@dataclass
class StepPlan:
    line: int
    text: str  # the instruction as BuildKit would name it, e.g. "RUN make"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StagePlan:
    index: int
    name: str | None
    key: str  # "build" / "stage-2": how the engine names the stage
    steps: list[StepPlan]  # FROM first, then every instruction
    will_build: bool  # reachable from the target (BuildKit); every stage for classic

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "name": self.name, "key": self.key,
                "steps": [s.to_json() for s in self.steps], "will_build": self.will_build}


@dataclass
class ContextReady(_Event):
    """The build context was measured before upload."""

    size: int  # bytes of the tar stream
    files: int
    warning: str | None = None
    event = "context"


@dataclass
class ContextSent(_Event):
    """What the BuildKit session actually sent: on a rebuild only the files that changed."""

    bytes: int  # file contents sent (context and Dockerfile)
    files: int  # files whose contents were sent
    listed: int  # entries the engine was shown (names and metadata only)
    context_bytes: int = 0  # of ``bytes``, what the build context's files took
    context_files: int = 0
    via: str = "session"
    event = "context_sent"


@dataclass
class BuildStarted(_Event):
    plan: list[StagePlan]
    backend: str  # "buildkit" | "classic"
    target: int | None
    event = "build_started"


@dataclass
class StepStarted(_Event):
    stage: int
    line: int
    name: str  # the engine's own name for the step
    time: float  # seconds since the build started
    event = "step_started"


@dataclass
class StepLog(_Event):
    stage: int | None
    line: int | None
    stream: Stream
    text: str
    event = "step_log"


@dataclass
class StepFinished(_Event):
    stage: int
    line: int
    cached: bool
    duration: float
    error: str | None = None
    # the engine stopped it before it ended (another step failed, or a cancel): it did
    # not finish, and ``error`` is only the engine's word for the stop
    stopped: bool = False
    event = "step_finished"


@dataclass
class StageFinished(_Event):
    stage: int
    state: StageState
    image_id: str | None = None
    event = "stage_finished"


@dataclass
class BuildWarning(_Event):
    message: str
    line: int | None = None
    own: list[str] = _own_words()
    event = "warning"


@dataclass
class BuildFinished(_Event):
    image_id: str | None
    duration: float
    event = "build_finished"


@dataclass
class BuildFailed(_Event):
    message: str
    stage: int | None = None
    line: int | None = None
    exit_code: int | None = None
    last_log: list[str] = field(default_factory=list)
    own: list[str] = _own_words()
    event = "build_failed"

    def add_hint(self, hint: str) -> None:
        """Append `` (hint)``, our words."""
        self.message = f"{self.message} ({hint})"
        self.own.append(f" ({hint})")


@dataclass
class SizesStarted(_Event):
    """The size pass began (one cache-only build per built stage)."""

    stages: list[int]
    event = "sizes_started"


@dataclass
class LayerInfo:
    line: int | None  # None for the grouped "base" entry
    instruction: str  # "RUN make", or "base: <image>" for the base image's layers
    size: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StageResult:
    index: int
    name: str | None
    state: StageState
    image_id: str | None = None
    size: int | None = None
    layers: list[LayerInfo] = field(default_factory=list)
    explored: Any = None  # an explore.ImageReport after ``build --files``

    @property
    def label(self) -> str:
        return stage_label(self.name, self.index)

    def to_json(self) -> dict[str, Any]:
        out = {"index": self.index, "name": self.name, "state": self.state,
               "image_id": self.image_id, "size": self.size,
               "layers": [layer.to_json() for layer in self.layers]}
        if self.explored is not None:
            out["files"] = self.explored.to_json()
        return out


@dataclass
class BuildResult:
    ok: bool
    image_id: str | None
    duration: float
    stages: list[StageResult] = field(default_factory=list)
    final: dict[str, Any] = field(default_factory=lambda: {"image_id": None, "size": None})
    saved: int | None = None  # builder stages' bytes minus what the final image copies from them
    error: BuildFailed | None = None
    copies: list[Any] | None = None  # build_files.Crossing per COPY --from edge, after ``--files``

    def to_json(self) -> dict[str, Any]:
        """The result object of docs/cli-json.md (``saved`` and ``error`` when known)."""
        out: dict[str, Any] = {"event": "result", "ok": self.ok, "image_id": self.image_id,
                               "duration": round(self.duration, 3),
                               "stages": [s.to_json() for s in self.stages],
                               "final": dict(self.final)}
        if self.saved is not None:
            out["saved"] = self.saved
        if self.copies is not None:
            out["copies"] = [c.to_json() for c in self.copies]
        if self.error is not None:
            err = self.error.to_json()
            err.pop("event", None)
            out["error"] = err
        return out


@dataclass
class SizesReady(_Event):
    result: BuildResult
    event = "sizes"


BuildEvent = (ContextReady | BuildStarted | StepStarted | StepLog | StepFinished | StageFinished
              | BuildWarning | BuildFinished | BuildFailed | SizesStarted | SizesReady)
