"""One build's state, folded from its engine events: the one fold every face reads.

The GUI (build panel, graph marks, charts) and the CLI's live display both apply the
events of ``Build.events()`` here and draw from the result, so the two can never tell a
build differently. Folding in one place also keeps the views dumb (they read states,
steps and log lines) and lets tests drive a build's bookkeeping with recorded events.
"""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from itertools import repeat

from studio.core.model import stage_label

MAX_LOG_LINES = 5000  # per stage; older lines are dropped (and counted) so huge logs stay cheap
MAX_ALL_LINES = 20000  # the interleaved "all stages" view
GENERAL = -1  # log lines the engine does not tie to a stage


def _last_redraw(line: str) -> str:
    """A progress bar redrawn with ``\r`` keeps only its last state."""
    line = line.rstrip("\r")
    return line.rsplit("\r", 1)[-1] if "\r" in line else line


@dataclass
class StepRun:
    stage: int
    line: int
    name: str
    start: float  # seconds since the build started
    duration: float | None = None  # None while running
    cached: bool = False
    error: str | None = None
    stopped: bool = False  # cut short (cancel, or another step failed): it never finished

    @property
    def end(self) -> float | None:
        return None if self.duration is None else self.start + self.duration


@dataclass
class StageRun:
    index: int
    name: str | None
    key: str
    total: int  # steps in the plan (FROM + instructions)
    lines: list[int]
    texts: dict[int, str]
    will_build: bool
    state: str = "queued"
    done: int = 0
    first_start: float | None = None
    last_end: float | None = None
    running: dict[int, float] = field(default_factory=dict)  # line -> start
    error: str | None = None
    image_id: str | None = None
    log: deque = field(default_factory=lambda: deque(maxlen=MAX_LOG_LINES))
    dropped: int = 0  # log lines no longer kept
    partial: str = ""
    current: str = ""  # the text of the step that started last (what a progress line shows)

    @property
    def label(self) -> str:
        return stage_label(self.name, self.index)

    @property
    def active_line(self) -> int | None:
        return max(self.running) if self.running else None


class BuildFold:
    """Fold events; ``apply`` returns what changed so the GUI repaints only that."""

    def __init__(self, max_log_lines: int = MAX_LOG_LINES, clock=time.monotonic) -> None:
        self.clock = clock
        self.t0 = clock()
        self.max_log_lines = max_log_lines
        self.backend: str | None = None
        self.target: int | None = None
        self.stages: dict[int, StageRun] = {}
        self.steps: list[StepRun] = []
        self._open_steps: dict[tuple[int, int], StepRun] = {}
        self.general_log: deque = deque(maxlen=max_log_lines)
        self.all_log: deque = deque(maxlen=max(max_log_lines, MAX_ALL_LINES))  # (stage, text)
        self.all_dropped = 0
        self.warnings: list[tuple[int | None, str]] = []
        self.failure = None  # BuildFailed
        self.finished = False
        self.image_id: str | None = None
        self.duration: float | None = None
        self.cancelling = False  # the user asked to cancel (the stages then end as "failed")
        self.context: tuple[int, int] | None = None  # (bytes, files)
        self.measuring = False
        self.result = None  # BuildResult once sizes are in (or the build ended)
        self._new_lines: dict[int, list[str]] = {}

    # ---- folding ------------------------------------------------------------------
    def apply(self, events) -> tuple[set[int], dict[int, list[str]]]:
        """Apply a batch; returns (stages whose state changed, new log lines per stage)."""
        changed: set[int] = set()
        new_lines: dict[int, list[str]] = {}
        self._new_lines = new_lines
        for event in events:
            handler = getattr(self, "_on_" + event.event, None)
            if handler is not None:
                handler(event, changed)
        return changed, new_lines

    def _on_context(self, event, changed) -> None:
        self.context = (event.size, event.files)

    def _on_build_started(self, event, changed) -> None:
        self.backend, self.target = event.backend, event.target
        for plan in event.plan:
            self.stages[plan.index] = StageRun(
                plan.index, plan.name, plan.key, len(plan.steps), [s.line for s in plan.steps],
                {s.line: s.text for s in plan.steps}, plan.will_build,
                "queued" if plan.will_build else "skipped", log=deque(maxlen=self.max_log_lines))
            changed.add(plan.index)

    def _on_step_started(self, event, changed) -> None:
        stage = self.stages.get(event.stage)
        if stage is None:
            return
        step = StepRun(event.stage, event.line, event.name, event.time)
        self.steps.append(step)
        self._open_steps[(event.stage, event.line)] = step
        stage.running[event.line] = event.time
        stage.current = stage.texts.get(event.line) or event.name
        stage.first_start = event.time if stage.first_start is None else min(stage.first_start, event.time)
        if stage.state in ("queued", "idle"):
            stage.state = "running"
        changed.add(event.stage)

    def _on_step_finished(self, event, changed) -> None:
        stage = self.stages.get(event.stage)
        if stage is None:
            return
        step = self._open_steps.pop((event.stage, event.line), None)
        if step is None:  # finished without a start we saw: place it at the stage's latest end
            start = stage.last_end or stage.first_start or 0.0
            step = StepRun(event.stage, event.line, "", start)
            self.steps.append(step)
        step.duration, step.cached, step.error = event.duration, event.cached, event.error
        step.stopped = getattr(event, "stopped", False)
        stage.running.pop(event.line, None)
        if not step.stopped:  # a step the engine stopped is not a done step
            stage.done = min(stage.total, stage.done + 1)
        stage.last_end = step.end if stage.last_end is None else max(stage.last_end, step.end or 0.0)
        if event.error and not step.stopped:
            stage.error = event.error
        changed.add(event.stage)

    def _on_stage_finished(self, event, changed) -> None:
        stage = self.stages.get(event.stage)
        if stage is None:
            return
        if stage.running:  # steps still open: the build stopped them (cancel, or another stage failed)
            now = self.now()
            for line in list(stage.running):
                step = self._open_steps.pop((event.stage, line), None)
                if step is not None:
                    step.duration, step.stopped = max(0.0, now - step.start), True
            stage.last_end = max(stage.last_end or 0.0, now)
        stage.state = event.state
        stage.running.clear()
        if event.image_id:
            stage.image_id = event.image_id
        if event.state in ("done", "cached"):
            stage.done = stage.total
        if event.state != "skipped":
            took = self.elapsed(event.stage)
            if event.state == "failed" and self.cancelling:
                self._push(event.stage, ["── stopped" + (f" after {took:.1f} s" if took else "")])
            elif event.state == "stopped":
                self._push(event.stage, ["── stopped" + (f" after {took:.1f} s" if took else "")
                                         + ": the build stopped at a failure in another stage"])
            elif event.state == "not_run":
                why = "the build was cancelled" if self.cancelling else "the build stopped at a failure in another stage"
                self._push(event.stage, [f"── not run: {why}"])
            else:
                self._push(event.stage, [f"── {event.state}" + (f" in {took:.1f} s" if took else "")])
        changed.add(event.stage)

    def _on_step_log(self, event, changed) -> None:
        stage = self.stages.get(event.stage) if event.stage is not None else None
        key = stage.index if stage is not None else GENERAL
        text = (stage.partial if stage is not None else "") + event.text
        *complete, rest = text.split("\n")
        if stage is not None:
            stage.partial = rest[-4096:]
        elif rest:
            complete.append(rest)
        if not complete:
            return
        self._push(key, [_last_redraw(c) for c in complete] if "\r" in text else complete)

    def _push(self, key: int, complete: list[str]) -> None:
        stage = self.stages.get(key) if key != GENERAL else None
        target = stage.log if stage is not None else self.general_log
        overflow = len(target) + len(complete) - (target.maxlen or 0)
        if stage is not None and overflow > 0:
            stage.dropped += overflow
        target.extend(complete)
        overflow_all = len(self.all_log) + len(complete) - (self.all_log.maxlen or 0)
        if overflow_all > 0:
            self.all_dropped += overflow_all
        self.all_log.extend(zip(repeat(key), complete[-(self.all_log.maxlen or len(complete)):]))
        self._new_lines.setdefault(key, []).extend(complete)

    def _on_warning(self, event, changed) -> None:
        self.warnings.append((event.line, event.message))
        where = f"line {event.line}: " if event.line else ""
        self._push(GENERAL, [f"warning: {where}{event.message}"])

    def _on_build_failed(self, event, changed) -> None:
        self.failure = event
        self.finished = True
        key = event.stage if event.stage in self.stages else GENERAL
        self._push(key, [f"ERROR: {event.message}" + (f" (exit code {event.exit_code})"
                                                       if event.exit_code and "exit code" not in event.message else "")])
        if event.stage is not None and event.stage in self.stages:
            stage = self.stages[event.stage]
            stage.state = "failed"
            stage.error = event.message
            changed.add(event.stage)
        now = self.now()
        for stage in self.stages.values():
            if stage.running:
                for line in list(stage.running):
                    step = self._open_steps.pop((stage.index, line), None)
                    if step is not None:
                        step.duration, step.stopped = max(0.0, now - step.start), True
                stage.running.clear()
                changed.add(stage.index)

    def _on_build_finished(self, event, changed) -> None:
        self.image_id, self.duration, self.finished = event.image_id, event.duration, True

    def _on_sizes_started(self, event, changed) -> None:
        self.measuring = True

    def _on_sizes(self, event, changed) -> None:
        self.measuring = False
        self.result = event.result
        changed.update(self.stages)

    # ---- questions ----------------------------------------------------------------
    def now(self) -> float:
        return self.clock() - self.t0

    def elapsed(self, index: int, now: float | None = None) -> float | None:
        """How long the stage has run: ticking while it runs, fixed once it ends."""
        stage = self.stages.get(index)
        if stage is None or stage.first_start is None:
            return None
        if stage.running and stage.state == "running":
            return max(0.0, (self.now() if now is None else now) - stage.first_start)
        if stage.state == "cached":
            # BuildKit checks a stage's cache only when a later stage needs it, so its cached
            # steps can be reported late: the span from its first step would count waiting
            return sum(s.duration or 0.0 for s in self.steps if s.stage == index)
        end = stage.last_end if stage.last_end is not None else stage.first_start
        return max(0.0, end - stage.first_start)

    def active_lines(self) -> list[int]:
        return sorted(line for s in self.stages.values() for line in s.running)

    def failed_line(self) -> int | None:
        if self.failure is not None and self.failure.line:
            return self.failure.line
        for step in self.steps:
            if step.error and not step.stopped:
                return step.line
        return None

    def failed_stage(self) -> int | None:
        if self.failure is not None and self.failure.stage is not None:
            return self.failure.stage
        return next((s.index for s in self.stages.values() if s.state == "failed"), None)

    def log_lines(self, index: int | None) -> list[str]:
        """The kept lines of one stage (``None``: all stages, each line tagged)."""
        if index is None:
            labels = {i: s.label for i, s in self.stages.items()}
            return [f"[{labels.get(k, 'build')}] {t}" if k != GENERAL else t for k, t in self.all_log]
        if index == GENERAL:
            return list(self.general_log)
        stage = self.stages.get(index)
        if stage is None:
            return []
        return list(stage.log) + ([stage.partial] if stage.partial else [])

    def dropped(self, index: int | None) -> int:
        if index is None:
            return self.all_dropped
        stage = self.stages.get(index)
        return stage.dropped if stage is not None else 0
