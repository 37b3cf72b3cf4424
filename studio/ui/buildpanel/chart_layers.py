"""Chart 2: the selected stage's layers, one bar per instruction.

Hover names the instruction and its size; a click jumps to its line in the text. With a
baseline pinned, ghost bars show the same instruction's size in the baseline.
"""
from __future__ import annotations

import textwrap

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor

from studio.ui.buildpanel.chart_base import GHOST_ALPHA, STAGE_HUE, BuildChart, SizeAxis
from studio.ui.buildpanel.chart_labels import CategoryAxis
from studio.core.units import delta_size, human_size

BASE_HUE = "#8a94a6"


class LayersChart(BuildChart):
    def __init__(self, parent=None) -> None:
        super().__init__("Layers", parent, {"left": SizeAxis("left"), "bottom": CategoryAxis()})
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.6)
        self.ghosts = pg.BarGraphItem(x=[], height=[], width=0.85)
        self.ghosts.setZValue(-1)
        self.addItem(self.ghosts)
        self.addItem(self.bars)
        self.stage_label = ""
        self.layers: list = []  # LayerInfo shown, oldest first
        self.values: list[int] = []
        self.ghost_values: list[int | None] = []
        self.show_empty("Select a built stage to see its layers")

    def set_stage(self, stage, baseline_stage=None) -> None:
        """``stage``: a StageRecord with layers (None clears)."""
        self.layers = list(stage.layers) if stage is not None else []
        self.values = [int(layer.size) for layer in self.layers]
        self.stage_label = stage.label if stage is not None else ""
        self.set_title(f"Layers of {self.stage_label}" if stage is not None else "Layers")
        if not self.layers:
            self.bars.setOpts(x=[], height=[])
            self.ghosts.setOpts(x=[], height=[])
            self.ghost_values = []
            self.getPlotItem().getAxis("bottom").set_labels([])
            self.show_empty("Select a built stage to see its layers" if stage is None
                            else "No layers measured for this stage")
            return
        self.hide_empty()
        old = list(baseline_stage.layers) if baseline_stage is not None else []
        self.ghost_values = []
        for layer in self.layers:
            match = next((o for o in old if o.instruction == layer.instruction), None)
            if match is not None:
                old.remove(match)
            self.ghost_values.append(int(match.size) if match is not None else None)
        xs = list(range(len(self.layers)))
        brushes = [QBrush(QColor(BASE_HUE if layer.instruction.startswith("FROM ") else STAGE_HUE))
                   for layer in self.layers]
        self.bars.setOpts(x=xs, height=self.values, width=0.6, brushes=brushes, pens=[pg.mkPen(None)] * len(xs))
        gx = [x for x, g in zip(xs, self.ghost_values) if g is not None]
        gh = [g for g in self.ghost_values if g is not None]
        self.ghosts.setOpts(x=gx, height=gh, width=0.85, brush=pg.mkBrush(QColor(120, 120, 120, GHOST_ALPHA)),
                            pen=pg.mkPen(QColor(120, 120, 120, 140), style=Qt.PenStyle.DashLine))
        # laid out for the room each bar has (flat, wrapped or slanted), never drawn over each other
        self.relabel()
        top = max(self.values + gh + [1])
        self.setXRange(-0.6, len(xs) - 0.4, padding=0)
        self.setYRange(0, top * 1.15, padding=0)

    def hit(self, point: QPointF) -> int | None:
        index = round(point.x())
        if 0 <= index < len(self.values) and abs(point.x() - index) <= 0.45:
            return index
        return None

    def relabel(self) -> None:
        """``L9`` under each bar, where its line is now (``was L8``: edited since the build)."""
        names = []
        for x, layer in enumerate(self.layers):
            now = self.lines.new_line(layer.line)
            names.append((x, "base" if not layer.line else f"L{now}" if now is not None else f"was L{layer.line}"))
        self.getPlotItem().getAxis("bottom").set_labels(names)

    def describe(self, index: int) -> str:
        layer = self.layers[index]
        now = self.lines.new_line(layer.line)
        where = f"line {now}: " if now is not None else ""
        wrapped = textwrap.wrap(f"{where}{layer.instruction}", 28, max_lines=3, placeholder=" …")
        text = "\n".join(wrapped) + f"\n{human_size(layer.size)}"
        if layer.line and now is None:  # (not another line's number)
            text = f"last build: line {layer.line},\n{self.lines.gone(layer.line)} since\n{text}"
        ghost = self.ghost_values[index] if index < len(self.ghost_values) else None
        if ghost is not None:
            text += f"\nbaseline {human_size(ghost)} ({delta_size(layer.size - ghost)})"
        return text

    def line_of(self, index: int) -> int | None:
        return self.layers[index].line if 0 <= index < len(self.layers) else None
