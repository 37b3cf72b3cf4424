"""Chart 3: the build timeline, one row per stage, one bar per step.

Bars run from a step's start to its end (``StepStarted.time``, ``StepFinished.duration``);
cache hits are pale and hatched, failures red, running steps grow until they end. Rows
that overlap in time ran in parallel; the slowest step is outlined and named.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor

from studio.ui.buildpanel.chart_base import BuildChart, SecondsAxis, state_brush
from studio.core.units import human_duration

SLOW_ENOUGH = 0.05  # seconds: below this no step is called "the slowest"
MIN_WIDTH = 0.02  # seconds: an instant step still shows as a sliver
ROW_HEIGHT = 0.6


class TimelineChart(BuildChart):
    def __init__(self, parent=None) -> None:
        super().__init__("Timeline", parent, {"bottom": SecondsAxis("bottom")})
        self.bars = pg.BarGraphItem(x0=[], y=[], width=[], height=ROW_HEIGHT)
        self.addItem(self.bars)
        self.getPlotItem().invertY(True)
        self.rows: dict[int, int] = {}  # stage index -> row
        self.steps: list = []  # StepRun, one per bar
        self.starts: list[float] = []
        self.widths: list[float] = []
        self.slowest: int | None = None
        self.slowest_note = ""
        self.show_empty("The timeline appears while a build runs")

    def set_steps(self, stages: list[tuple[int, str]], steps: list, now: float | None = None) -> None:
        """``stages``: (index, label) rows, top first; ``steps``: StepRun; ``now``: for running bars."""
        self.rows = {index: row for row, (index, _label) in enumerate(stages)}
        self.steps = [s for s in steps if s.stage in self.rows]
        if not self.steps:
            self.bars.setOpts(x0=[], y=[], width=[], height=ROW_HEIGHT)
            self.starts, self.widths, self.slowest, self.slowest_note = [], [], None, ""
            self.getPlotItem().setLabel("bottom", "")  # no "slowest" of another build
            self.getPlotItem().getAxis("left").setTicks([[]])
            self.show_empty("The timeline appears while a build runs")
            return
        self.hide_empty()
        self.starts = [s.start for s in self.steps]
        self.widths = [max(MIN_WIDTH, (s.duration if s.duration is not None else max(0.0, (now or s.start) - s.start)))
                       for s in self.steps]
        brushes = [state_brush("skipped" if getattr(s, "stopped", False) else  # (stopped: not a failure)
                               "failed" if s.error else "running" if s.duration is None else
                               "cached" if s.cached else "done", cached=s.cached) for s in self.steps]
        finished = [i for i, s in enumerate(self.steps)  # (a step cut short never finished: not "slowest")
                    if s.duration is not None and not s.cached and not getattr(s, "stopped", False)
                    and s.duration >= SLOW_ENOUGH]
        self.slowest = max(finished, key=lambda i: self.widths[i]) if finished else None
        pens = [pg.mkPen(QColor(self.text_color), width=2) if i == self.slowest else pg.mkPen(None)
                for i in range(len(self.steps))]
        self.bars.setOpts(x0=self.starts, y=[self.rows[s.stage] for s in self.steps], width=self.widths,
                          height=ROW_HEIGHT, brushes=brushes, pens=pens)
        self.getPlotItem().getAxis("left").setTicks([[(row, label[:14]) for row, (_i, label) in enumerate(stages)]])
        end = max(a + w for a, w in zip(self.starts, self.widths))
        self.relabel()
        self.setXRange(0, max(end * 1.04, 0.1), padding=0)
        self.setYRange(-0.6, max(0, len(stages) - 1) + 0.6, padding=0)

    def relabel(self) -> None:
        """The slowest step's note, naming its line where it is now."""
        note = ""
        if self.slowest is not None and self.steps:
            step = self.steps[self.slowest]
            where = self.lines.say(step.line) if step.line else "no line"
            note = f"slowest: {where}, {human_duration(step.duration)}"
        self.slowest_note = note
        self.getPlotItem().setLabel("bottom", note, color=self.dim_color)

    def bar_data(self) -> list[tuple[int, int, float, float, bool]]:
        """(stage, line, start, width, cached) per bar: what tests compare with the events."""
        return [(s.stage, s.line, a, w, s.cached) for s, a, w in zip(self.steps, self.starts, self.widths)]

    def hit(self, point: QPointF) -> int | None:
        for i, step in enumerate(self.steps):
            row = self.rows[step.stage]
            if abs(point.y() - row) <= ROW_HEIGHT / 2 and self.starts[i] <= point.x() <= self.starts[i] + self.widths[i]:
                return i
        return None

    def describe(self, index: int) -> str:
        step = self.steps[index]
        what = ("stopped before it finished" if getattr(step, "stopped", False) else "cached" if step.cached
                else "failed" if step.error else "running" if step.duration is None else "ran")
        where = self.lines.say(step.line) if step.line else "no line"
        return f"{where}: {step.name[:80]}\n{what}, {human_duration(self.widths[index])}"

    def line_of(self, index: int) -> int | None:
        return self.steps[index].line if 0 <= index < len(self.steps) else None
