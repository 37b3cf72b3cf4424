"""What to build and how, for one document: the one copy that the graph, lint, the
Explain panel, the charts and the build all read.

Why one value: when the graph drew ``FROM ${BASE}`` with one set of build args and the
build sent another, or the bar showed one target while the request carried none, the
app showed a build it did not run. Views change it only by making a new value (the Qt
side wraps it in a model with a change signal); everything that depends on it reads
the same value.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from collections.abc import Mapping

if TYPE_CHECKING:
    from studio.core.document import Document
    from studio.core.model import StageGraph

BACKENDS = ("auto", "buildkit", "classic")
# The settings the stage graph depends on (the others only change how the build runs).
GRAPH_FIELDS = ("target", "build_args", "platform")


@dataclass(frozen=True)
class BuildSettings:
    """One document's build settings. ``target`` is a stage's name, or its index as text
    for an unnamed stage (None: the file's target, its last stage), as ``docker build
    --target`` and the build request take it. ``extra`` holds further engine options
    (``network``, ``add_hosts``...), passed to the build request by name."""

    target: str | None = None
    build_args: Mapping[str, str] = field(default_factory=dict)
    platform: str | None = None
    context: str | None = None  # a folder chosen by the user; None: the Dockerfile's folder
    no_cache: bool = False
    backend: str = "auto"
    sizes: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown backend {self.backend!r} (choose one of {', '.join(BACKENDS)})")
        object.__setattr__(self, "build_args", dict(self.build_args))
        object.__setattr__(self, "extra", dict(self.extra))

    def changed(self, **changes: Any) -> BuildSettings:
        """A copy with ``changes``; an unknown field raises TypeError."""
        return replace(self, **changes)

    def differs_for_graph(self, other: BuildSettings) -> bool:
        return any(getattr(self, f) != getattr(other, f) for f in GRAPH_FIELDS)

    # ---- reading a document with these settings -------------------------------------
    def target_index(self, doc: Document) -> int | None:
        """The stage ``target`` names in ``doc`` (the last one of that name, as BuildKit
        picks), the file's target when ``target`` is None, or None when no stage has it."""
        stages = doc.stages
        if self.target is None:
            return len(stages) - 1 if stages else None
        if self.target.isdigit():
            index = int(self.target)
            return index if index < len(stages) else None
        low = self.target.lower()
        return next((s.index for s in reversed(stages) if s.name and s.name.lower() == low), None)

    def graph(self, doc: Document) -> StageGraph:
        """``doc``'s stage graph for this target, these build args and this platform."""
        return doc.graph(target=self.target, build_args=self.build_args or None, platform=self.platform)

    def with_target_of(self, doc: Document, index: int | None) -> BuildSettings:
        """These settings building stage ``index`` of ``doc`` (None: the file's target)."""
        if index is None or not 0 <= index < len(doc.stages):
            return self.changed(target=None)
        stage = doc.stages[index]
        return self.changed(target=stage.name or str(index))

    def renamed(self, old: str, new: str) -> BuildSettings:
        """After stage ``old`` was renamed ``new``: a target naming it follows it."""
        if self.target is not None and self.target.lower() == old.lower():
            return self.changed(target=new)
        return self

    def request_options(self) -> dict[str, Any]:
        """Keyword arguments for the engine's BuildRequest (besides the text and context)."""
        return {"target": self.target, "build_args": dict(self.build_args), "platform": self.platform,
                "no_cache": self.no_cache, "backend": self.backend, "sizes": self.sizes, **self.extra}
