"""Translate the classic builder's stream (``POST /build``, version 1) into build events.

It prints ``Step k/N : INSTRUCTION`` (meta ARGs first, then every stage in order, plus
a synthetic ``LABEL`` step when labels are given), `` ---> Using cache``, `` ---> <id>``
after each step, and ``{"aux": {"ID": ...}}`` when a stage ends. Times are measured
on arrival (the classic builder sends no timestamps).
"""
from __future__ import annotations

import time
from collections import deque

from studio.engine import failures
from studio.engine.buildkit import LAST_LOG_LINES, StageProgress
from studio.engine.events import BuildEvent, BuildFailed, StepFinished, StepLog, StepStarted
from studio.engine.mapping import StageMap, Step

_NOISE = ("Removing intermediate container", "Successfully built", "Successfully tagged")


class ClassicTranslator:
    backend = "classic"

    def __init__(self, stage_map: StageMap, t0: float | None = None) -> None:
        self.map = stage_map
        self.t0 = time.time() if t0 is None else t0
        self.image_id: str | None = None
        self.failure: BuildFailed | None = None
        self.stage_images: dict[int, str] = {}
        self.progress = StageProgress(stage_map, stage_map.classic_built())
        self.current: Step | None = None
        self.current_stage: int | None = None
        self.step_start = 0.0
        self.step_cached = False
        self.log: deque[str] = deque(maxlen=LAST_LOG_LINES)
        for info in stage_map.stages:
            if info.index in self.progress.built:
                self.progress.expect(info.index, [s.line for s in info.all_steps])

    def explain(self, text: str) -> BuildFailed:
        """A failure placed on the step that was running, with its last log lines."""
        step = self.current
        return failures.explain(text, self.map, step.stage if step else None, step.line if step else None,
                                list(self.log), step.text if step else "")

    def _now(self) -> float:
        return round(time.time() - self.t0, 3)

    def feed(self, message: dict) -> list[BuildEvent]:
        if "error" in message or "errorDetail" in message:
            detail = message.get("errorDetail") or {}
            text = message.get("error") or detail.get("message") or "the build failed"
            step = self.current
            self.failure = self.explain(text)
            out = self._end_step(error=text)
            if step is not None:
                out.append(self.progress.finish(step.stage, "failed"))
            return out
        aux = message.get("aux")
        if isinstance(aux, dict) and aux.get("ID"):
            self.image_id = aux["ID"]
            out = self._end_step()
            if self.current_stage is not None:
                self.stage_images[self.current_stage] = aux["ID"]
                if self.current_stage not in self.progress.state:
                    cached = self.progress.cached.get(self.current_stage, True)
                    out.append(self.progress.finish(self.current_stage, "cached" if cached else "done", aux["ID"]))
            return out
        text = message.get("stream")
        if not isinstance(text, str) or not text:
            return []
        return self._stream(text)

    def _stream(self, text: str) -> list[BuildEvent]:
        if text.startswith("Step "):
            found = self.map.classic_step(text.strip())
            if found is not None:
                return self._start_step(found[2], text.strip())
        stripped = text.strip()
        if stripped == "---> Using cache":
            self.step_cached = True
            return []
        if stripped.startswith("--->") or stripped == "" or stripped.startswith(_NOISE):
            return []
        # as the engine sent them (stderr comes coloured): the text output drops colour codes
        # and shows other escapes (failures.for_terminal), --json keeps the bytes
        lines = text.splitlines()
        self.log.extend(lines[-LAST_LOG_LINES:])  # (a chunk of a big log is thousands of lines)
        step = self.current
        return [StepLog(step.stage if step else None, step.line if step else None, "stdout", text)]

    def _start_step(self, step: Step | None, name: str) -> list[BuildEvent]:
        out = self._end_step()
        self.log.clear()
        self.current = step
        if step is None:
            return out  # a meta ARG or the synthetic LABEL step
        if self.current_stage is not None and step.stage != self.current_stage:
            prev = self.current_stage
            if prev not in self.progress.state:
                cached = self.progress.cached.get(prev, True)
                out.append(self.progress.finish(prev, "cached" if cached else "done", self.stage_images.get(prev)))
        self.current_stage = step.stage
        self.step_start = time.time()
        self.step_cached = step.keyword == "FROM"  # a local base image: nothing to do
        self.progress.started.add(step.stage)
        out.append(StepStarted(step.stage, step.line, name, self._now()))
        return out

    def _end_step(self, error: str | None = None) -> list[BuildEvent]:
        step = self.current
        if step is None:
            return []
        self.current = None
        duration = round(time.time() - self.step_start, 3)
        out: list[BuildEvent] = [StepFinished(step.stage, step.line, self.step_cached and not error, duration, error)]
        if error is None:
            self.progress.cached[step.stage] = self.progress.cached.get(step.stage, True) and self.step_cached
            lines = self.progress.pending.get(step.stage)
            if lines is not None:
                lines.discard(step.line)
        return out

    def close(self, ok: bool, cancelled: bool = False) -> list[BuildEvent]:
        out = self._end_step() if ok else []
        failed_stage = self.failure.stage if self.failure else None
        return out + self.progress.close(ok, self.image_id, failed_stage, self._now(), cancelled)
