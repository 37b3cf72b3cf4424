"""This session's builds per file, a pinned baseline, and deltas against it. No Qt.

Why keyed by stage identity: after an edit, indexes may shift; a named stage keeps its
name (case-insensitive, as BuildKit matches), an unnamed one is known by its position.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from studio.core.model import stage_label
from studio.engine.fold import BuildFold


def stage_identity(index: int, name: str | None) -> str:
    return name.lower() if name else f"#{index}"


@dataclass
class StageRecord:
    index: int
    name: str | None
    state: str
    size: int | None = None
    duration: float | None = None
    layers: list = field(default_factory=list)  # LayerInfo

    @property
    def identity(self) -> str:
        return stage_identity(self.index, self.name)

    @property
    def label(self) -> str:
        return stage_label(self.name, self.index)


@dataclass
class BuildRecord:
    number: int
    when: float
    ok: bool
    duration: float | None
    target: int | None
    final_size: int | None
    saved: int | None
    stages: list[StageRecord]
    steps: list = field(default_factory=list)  # StepRun, for the timeline
    cancelled: bool = False

    def stage(self, identity: str) -> StageRecord | None:
        return next((s for s in self.stages if s.identity == identity), None)

    @property
    def label(self) -> str:
        return f"#{self.number}"


def record_from(session: BuildFold, result, number: int) -> BuildRecord:
    """Freeze a finished build: states and times from the session, sizes from the result."""
    by_index = {s.index: s for s in (result.stages if result is not None else [])}
    stages = []
    for index, run in sorted(session.stages.items()):
        res = by_index.get(index)
        stages.append(StageRecord(index, run.name, res.state if res is not None else run.state,
                                  res.size if res is not None else None, session.elapsed(index, session.now()),
                                  list(res.layers) if res is not None else []))
    final = result.final.get("size") if result is not None else None
    return BuildRecord(number, time.time(), bool(result and result.ok), result.duration if result else None,
                       session.target, final, getattr(result, "saved", None), stages, list(session.steps),
                       cancelled=session.cancelling and not (result and result.ok))


@dataclass
class Delta:
    size: int | None
    time: float | None


def deltas(record: BuildRecord, baseline: BuildRecord | None) -> dict[int, Delta]:
    """Per stage index of ``record``: size and time change against the same stage in ``baseline``."""
    out: dict[int, Delta] = {}
    if baseline is None:
        return out
    for stage in record.stages:
        old = baseline.stage(stage.identity)
        if old is None:
            continue
        size = stage.size - old.size if stage.size is not None and old.size is not None else None
        took = stage.duration - old.duration if stage.duration is not None and old.duration is not None else None
        if size is not None or took is not None:
            out[stage.index] = Delta(size, took)
    return out


class BuildHistory:
    """Builds of this session, per document (its file, or ``untitled:<id>``), newest last."""

    def __init__(self, limit: int = 50) -> None:
        self.limit = limit
        self._records: dict[str | None, list[BuildRecord]] = {}
        self._baseline: dict[str | None, BuildRecord] = {}
        self._count: dict[str | None, int] = {}

    def add(self, key: str | None, session: BuildFold, result) -> BuildRecord:
        self._count[key] = number = self._count.get(key, 0) + 1  # #1 is a document's first build
        record = record_from(session, result, number)
        records = self._records.setdefault(key, [])
        records.append(record)
        del records[:-self.limit]
        return record

    def rename(self, old: str | None, new: str | None) -> None:
        """A document saved under a new name keeps its builds and baseline."""
        if old in self._records:
            self._records[new] = self._records.pop(old)
        if old in self._baseline:
            self._baseline[new] = self._baseline.pop(old)
        if old in self._count:
            self._count[new] = self._count.pop(old)

    def records(self, key: str | None) -> list[BuildRecord]:
        return list(self._records.get(key, []))

    def latest(self, key: str | None) -> BuildRecord | None:
        records = self._records.get(key)
        return records[-1] if records else None

    def latest_successful(self, key: str | None) -> BuildRecord | None:
        """The newest build that finished (a failed or cancelled one measured nothing)."""
        return next((r for r in reversed(self._records.get(key, [])) if r.ok), None)

    def pin(self, key: str | None, record: BuildRecord | None) -> None:
        if record is None:
            self._baseline.pop(key, None)
        else:
            self._baseline[key] = record

    def baseline(self, key: str | None) -> BuildRecord | None:
        return self._baseline.get(key)
