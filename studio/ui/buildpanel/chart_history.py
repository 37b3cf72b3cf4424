"""Chart 4: this session's builds of the file, final image size per build.

The pinned baseline is a dashed line, so a change that grows the image stands out.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor

from studio.ui.buildpanel.chart_base import FINAL_HUE, BuildChart, SizeAxis
from studio.core.units import human_size


class HistoryChart(BuildChart):
    def __init__(self, parent=None) -> None:
        super().__init__("History", parent, {"left": SizeAxis("left")})
        self.curve = pg.PlotDataItem([], [], pen=pg.mkPen(QColor(FINAL_HUE), width=2), symbol="o",
                                     symbolSize=7, symbolBrush=QColor(FINAL_HUE), symbolPen=None)
        self.addItem(self.curve)
        self.baseline_line = pg.InfiniteLine(angle=0, movable=False,
                                             pen=pg.mkPen(self.dim_color, style=Qt.PenStyle.DashLine))
        self.baseline_line.hide()
        self.addItem(self.baseline_line, ignoreBounds=True)
        self.numbers: list[int] = []
        self.sizes: list[int] = []
        self.show_empty("No sizes yet")

    def set_records(self, records: list, baseline=None) -> None:
        points = [(r.number, r.final_size) for r in records if r.final_size is not None]
        self.numbers = [n for n, _ in points]
        self.sizes = [s for _, s in points]
        self.curve.setData(self.numbers, self.sizes)
        if baseline is not None and baseline.final_size is not None:
            self.baseline_line.setPos(baseline.final_size)
            self.baseline_line.show()
        else:
            self.baseline_line.hide()
        if not points:
            self.show_empty("No sizes yet")
            return
        self.hide_empty()
        self.getPlotItem().getAxis("bottom").setTicks([[(n, f"#{n}") for n in self.numbers]])
        top = max(self.sizes + ([baseline.final_size] if baseline is not None and baseline.final_size else []))
        self.setXRange(min(self.numbers) - 0.5, max(self.numbers) + 0.5, padding=0)
        self.setYRange(0, top * 1.2, padding=0)

    def hit(self, point: QPointF) -> int | None:
        for i, n in enumerate(self.numbers):
            if abs(point.x() - n) <= 0.3:
                return i
        return None

    def describe(self, index: int) -> str:
        return f"build #{self.numbers[index]}: final image {human_size(self.sizes[index])}"
