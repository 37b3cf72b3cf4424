"""Translate the BuildKit stream (``POST /build?version=2``) into build events.

The engine sends JSON messages; progress is ``moby.buildkit.trace`` (a base64
``StatusResponse``), the image is ``moby.image.id``, failure is ``error``. Vertices are
mapped to stage steps by name; each vertex update may arrive many times, so events are
emitted on state changes only. Memory stays bounded: only the last lines of each
vertex's log are kept (for the failure report).
"""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from studio.engine import failures
from studio.engine.events import (BuildEvent, BuildFailed, BuildWarning, StageFinished, StepFinished,
                                  StepLog, StepStarted)
from studio.engine.mapping import StageMap, Step
from studio.engine.protowire import WireError, decode_trace

LAST_LOG_LINES = 20


@dataclass
class _VertexState:
    name: str
    steps: list[Step]
    started: bool = False
    finished: bool = False
    start_time: float | None = None
    log: deque = field(default_factory=lambda: deque(maxlen=LAST_LOG_LINES))
    partial: dict[int, str] = field(default_factory=dict)  # stream -> unterminated text
    error: str = ""


class StageProgress:
    """Per-stage bookkeeping shared by both backends: which steps ran, which were cached."""

    def __init__(self, stage_map: StageMap, built: set[int]) -> None:
        self.stage_map = stage_map
        self.built = built
        self.pending: dict[int, set[int]] = {}
        self.cached: dict[int, bool] = {}
        self.state: dict[int, str] = {}
        self.started: set[int] = set()
        self.stopped: set[int] = set()  # a step of the stage was running when the engine stopped it

    def expect(self, stage: int, lines: list[int]) -> None:
        self.pending[stage] = set(lines)
        self.cached[stage] = True

    def step_done(self, stage: int, line: int, cached: bool) -> list[BuildEvent]:
        self.started.add(stage)
        self.cached[stage] = self.cached.get(stage, True) and cached
        lines = self.pending.get(stage)
        if lines is not None:
            lines.discard(line)
            if not lines and stage not in self.state and stage != self.stage_map.target:
                return [self.finish(stage, "cached" if self.cached[stage] else "done")]
        return []

    def finish(self, stage: int, state: str, image_id: str | None = None) -> StageFinished:
        self.state[stage] = state
        return StageFinished(stage, state, image_id)  # type: ignore[arg-type]

    def close(self, ok: bool, final_image: str | None, failed_stage: int | None,
              now: float = 0.0, cancelled: bool = False) -> list[BuildEvent]:
        """Finish every stage not yet finished, in index order. After a success, steps the
        engine never reported (their results came from the cache, so it skipped them) are
        reported cached, so every built stage ends with all its steps accounted for. After
        a failure only the stage that holds it failed; one whose step was running when the
        engine stopped it is "stopped"; the others the build needed did not run (or not to
        the end): "not_run". A cancel stops the stages that had started ("failed")."""
        out: list[BuildEvent] = []
        target = self.stage_map.target
        for info in self.stage_map.stages:
            i = info.index
            if ok and i in self.built:
                out.extend(self._settle(info, now))
            if i in self.state:
                continue
            if i not in self.built:
                out.append(self.finish(i, "skipped"))
            elif ok:
                parent = info.base_stage if info.base_kind == "stage" else None
                cached = self.cached.get(i, True) and (parent is None or self.state.get(parent) == "cached")
                out.append(self.finish(i, "cached" if cached else "done", final_image if i == target else None))
            elif i == failed_stage or (cancelled and i in self.started):
                out.append(self.finish(i, "failed"))
            elif i in self.stopped:
                out.append(self.finish(i, "stopped"))
            else:
                out.append(self.finish(i, "not_run"))
        return out

    def _settle(self, info, now: float) -> list[BuildEvent]:
        lines = self.pending.get(info.index) or set()
        out: list[BuildEvent] = []
        for step in info.all_steps:
            if step.line in lines:
                out.append(StepStarted(info.index, step.line, step.text, now))
                out.append(StepFinished(info.index, step.line, True, 0.0))
        lines.clear()
        return out


def stopped_by_another(error: str) -> bool:
    """Does a vertex's error only say BuildKit stopped it because another step failed?
    (It then cancels the rest: "context canceled", checked on 20.10 and 26.1.) Such a
    stage did not fail; close() reports it as stopped when the step had started."""
    return error.strip().lower().endswith("context canceled")


class BuildkitTranslator:
    """Feed it decoded JSON messages; it returns the events each one causes."""

    backend = "buildkit"

    def __init__(self, stage_map: StageMap, t0: float | None = None) -> None:
        self.map = stage_map
        self.t0 = time.time() if t0 is None else t0
        self.vertices: dict[str, _VertexState] = {}
        self.image_id: str | None = None
        self.failure: BuildFailed | None = None
        self.failed_vertex: _VertexState | None = None
        self.progress = StageProgress(stage_map, set(stage_map.reachable))
        self.last_vertex: dict[int, tuple[int, str]] = {}  # stage -> (step position, digest)
        self.graph: dict[str, tuple[str, list[str]]] = {}  # digest -> (name, inputs)
        # Logs and vertex updates travel BuildKit's progress on separate streams, so a log
        # may come before its vertex: it waits here, so that its step, and the masking of
        # secrets that joins a value's pieces per step, see it with the rest of the output.
        self.early_logs: dict[str, list] = {}
        for info in stage_map.stages:
            if info.index in stage_map.reachable:
                self.progress.expect(info.index, [s.line for s in info.vertex_steps])

    def _rel(self, stamp: float | None) -> float:
        if stamp is None:
            return round(time.time() - self.t0, 3)
        return round(max(0.0, stamp - self.t0), 3)

    def feed(self, message: dict) -> list[BuildEvent]:
        kind = message.get("id")
        if kind in ("moby.buildkit.trace", "buildx.status"):
            if kind == "buildx.status":  # decoded already (buildx's rawjson progress)
                status = message["status"]
            else:
                try:
                    status = decode_trace(message.get("aux", ""))
                except WireError as exc:
                    return [BuildWarning(str(exc))]
            out: list[BuildEvent] = []
            for vertex in status.vertexes:
                out.extend(self._vertex(vertex))
                for log in self.early_logs.pop(vertex.digest, []):
                    out.extend(self._log(log))
            for log in status.logs:
                out.extend(self._log(log))
            for warning in status.warnings:
                state = self.vertices.get(warning.vertex)
                line = state.steps[0].line if state and state.steps else None
                out.append(BuildWarning(warning.short, line))
            return out
        if kind == "moby.image.id":
            aux = message.get("aux") or {}
            self.image_id = aux.get("ID") if isinstance(aux, dict) else None
            return []
        if "error" in message or "errorDetail" in message:
            detail = message.get("errorDetail") or {}
            text = message.get("error") or detail.get("message") or "the build failed"
            self.failure = self.explain(text)
            return []
        if message.get("stream"):
            return [StepLog(None, None, "stdout", str(message["stream"]))]
        return []

    def _vertex(self, vertex) -> list[BuildEvent]:
        state = self.vertices.get(vertex.digest)
        if state is None:
            state = self.vertices[vertex.digest] = _VertexState(vertex.name, self.map.vertex_steps(vertex.name))
            self.graph[vertex.digest] = (vertex.name, list(vertex.inputs))
            for step in state.steps:
                position = self.map.stages[step.stage].vertex_steps.index(step)
                if position >= self.last_vertex.get(step.stage, (-1, ""))[0]:
                    self.last_vertex[step.stage] = (position, vertex.digest)
        out: list[BuildEvent] = []
        if (vertex.started is not None or vertex.cached) and not state.started:
            state.started = True
            state.start_time = vertex.started
            for step in state.steps:
                self.progress.started.add(step.stage)
                out.append(StepStarted(step.stage, step.line, self.map.step_name(step, vertex.name),
                                       self._rel(vertex.started)))
        if (vertex.completed is not None or vertex.error) and not state.finished:
            state.finished = True
            begin = vertex.started if vertex.started is not None else state.start_time
            duration = round(max(0.0, (vertex.completed or time.time()) - (begin or vertex.completed or time.time())), 3)
            stopped = bool(vertex.error) and stopped_by_another(vertex.error)
            for step in state.steps:
                out.append(StepFinished(step.stage, step.line, vertex.cached, duration, vertex.error or None, stopped))
                if vertex.error:  # (stopped because another step failed: close() says "stopped")
                    if not stopped:
                        out.append(self.progress.finish(step.stage, "failed"))
                    elif state.started and not vertex.cached and step.keyword != "FROM":
                        self.progress.stopped.add(step.stage)  # it ran, and was stopped mid-run
                else:
                    # a FROM of a local image is never "work": it does not make a stage "done"
                    cached = vertex.cached or step.keyword == "FROM"
                    out.extend(self.progress.step_done(step.stage, step.line, cached))
            if vertex.error:
                state.error = vertex.error
                if self.failed_vertex is None or not self.failed_vertex.steps:
                    self.failed_vertex = state
        return out

    def _log(self, log) -> list[BuildEvent]:
        state = self.vertices.get(log.vertex)
        if state is None and log.vertex:
            self.early_logs.setdefault(log.vertex, []).append(log)
            return []
        stream = "stderr" if log.stream == 2 else "stdout"
        text = log.msg.decode("utf-8", "replace")
        if state is not None:
            joined = state.partial.pop(log.stream, "") + text
            *complete, rest = joined.split("\n")
            state.log.extend(complete)
            if rest:
                state.partial[log.stream] = rest[-4096:]
        steps = state.steps if state is not None else []
        if not steps:
            return [StepLog(None, None, stream, text)]  # type: ignore[arg-type]
        return [StepLog(s.stage, s.line, stream, text) for s in steps]  # type: ignore[arg-type]

    def explain(self, text: str) -> BuildFailed:
        """A failure placed on the step that failed (or was running), with its last log lines."""
        state = self.failed_vertex
        if state is not None and not state.steps:
            state = self._vertex_whose_error_is(text) or state
        if state is None:  # e.g. cancelled: blame the step that was running
            state = next((v for v in self.vertices.values() if v.started and not v.finished and v.steps), None)
        if state is not None and state.steps:
            step = state.steps[0]
            last = list(state.log) + [p for p in state.partial.values() if p]
            return failures.explain(text, self.map, step.stage, step.line, last[-LAST_LOG_LINES:], state.name)
        return failures.explain(text, self.map, vertex_name=state.name if state else "")

    def _vertex_whose_error_is(self, text: str) -> _VertexState | None:
        """The failed vertex the engine's final message repeats. BuildKit resolves all base
        images at once; when one fails the others end with errors too (20.10: "context
        canceled"), so the last failed vertex need not be the one that broke the build."""
        return next((v for v in self.vertices.values() if v.error and v.error in text), None)

    def close(self, ok: bool, cancelled: bool = False) -> list[BuildEvent]:
        failed_stage = self.failure.stage if self.failure else None
        out: list[BuildEvent] = []
        for logs in self.early_logs.values():  # their vertex never came: shown unplaced
            out += [StepLog(None, None, "stderr" if log.stream == 2 else "stdout", log.msg.decode("utf-8", "replace"))
                    for log in logs]
        self.early_logs.clear()
        return out + self.progress.close(ok, self.image_id, failed_stage, self._rel(None), cancelled)
