"""Chart 1: every built stage's image size beside the final image, and what that saved.

The final image is orange; builder stages blue. A hatched "one stage" bar stacks the
final image and what the builder stages cost (``BuildResult.saved``), so the saving of
the multi-stage build is visible, and annotated. With a baseline pinned, pale ghost
bars show the baseline's sizes behind the current ones, with the change written above.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF

from studio.ui.buildpanel.chart_base import FINAL_HUE, GHOST_ALPHA, STAGE_HUE, BuildChart, SizeAxis
from studio.ui.buildpanel.chart_labels import CategoryAxis
from studio.core.units import delta_size, human_size


class StageSizesChart(BuildChart):
    def __init__(self, parent=None) -> None:
        super().__init__("Stage sizes", parent, {"left": SizeAxis("left"), "bottom": CategoryAxis()})
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.55)
        self.ghosts = pg.BarGraphItem(x=[], height=[], width=0.8)
        self.ghosts.setZValue(-1)
        self.addItem(self.ghosts)
        self.addItem(self.bars)
        self.labels: list[str] = []
        self.values: list[int] = []  # bytes, per bar (the "one stage" bar included last)
        self.kinds: list[str] = []  # "stage" | "final" | "single"
        self.ghost_values: list[int | None] = []
        self.saved: int | None = None
        self.final_size: int | None = None
        self.top = 0
        self._texts: list[pg.TextItem] = []
        self.show_empty("Sizes appear after a build")

    def set_record(self, record, baseline=None) -> None:
        for item in self._texts:
            self.removeItem(item)
        self._texts = []
        self.labels, self.values, self.kinds, self.ghost_values = [], [], [], []
        self.saved = self.final_size = None  # (an earlier record's saving must not stay in view)
        self.getPlotItem().getAxis("bottom").set_labels([])
        self.update()
        if record is None:
            self.bars.setOpts(x=[], height=[])
            self.ghosts.setOpts(x=[], height=[])
            self.show_empty("Sizes appear after a build")
            return
        target = record.target
        measured = [s for s in record.stages if s.size is not None]
        order = [s for s in measured if s.index != target] + [s for s in measured if s.index == target]
        for stage in order:
            final = stage.index == target
            self.labels.append(stage.label)
            self.values.append(stage.size)
            self.kinds.append("final" if final else "stage")
            old = baseline.stage(stage.identity) if baseline is not None else None
            self.ghost_values.append(old.size if old is not None else None)
        self.saved, self.final_size = record.saved, record.final_size
        if record.saved and record.final_size is not None and target is not None:
            self.labels.append("1 stage")
            self.values.append(record.final_size + record.saved)
            self.kinds.append("single")
            self.ghost_values.append(None)
        if not self.values:
            self.bars.setOpts(x=[], height=[])
            self.ghosts.setOpts(x=[], height=[])
            self.show_empty("No sizes: the build was cancelled" if record.cancelled
                            else "No sizes: the build failed" if not record.ok
                            else "No sizes measured (turn on “Measure sizes”)")
            return
        self.hide_empty()
        xs = list(range(len(self.values)))
        brushes = [self._brush(kind) for kind in self.kinds]
        self.bars.setOpts(x=xs, height=self.values, width=0.55, brushes=brushes,
                          pens=[pg.mkPen(QColor(b.color()).darker(130)) for b in brushes])
        ghost_x = [x for x, g in zip(xs, self.ghost_values) if g is not None]
        ghost_h = [g for g in self.ghost_values if g is not None]
        self.ghosts.setOpts(x=ghost_x, height=ghost_h, width=0.8,
                            brush=pg.mkBrush(QColor(120, 120, 120, GHOST_ALPHA)),
                            pen=pg.mkPen(QColor(120, 120, 120, 140), style=Qt.PenStyle.DashLine))
        self.top = max(self.values + [g for g in ghost_h])
        self.setXRange(-0.6, len(xs) - 0.4, padding=0)
        self.getPlotItem().getAxis("bottom").set_labels(list(zip(xs, self.labels)))
        self._annotate()

    def _annotate(self) -> None:
        """Sizes over the bars (all when there is room, else the final one) and the saving
        at the top; redone when the chart is resized. The y range leaves enough pixels
        above the tallest bar for its note and the saving, so they never overlap."""
        for item in self._texts:
            self.removeItem(item)
        self._texts = []
        if not self.values:
            return
        view_h = max(1.0, self.getPlotItem().getViewBox().height())
        saving = self._saving_note()
        for roomy in (self.px_per_unit() >= 52, False):
            notes = self._bar_notes(roomy)
            headroom = max((_note_px(text, bold) for text, *_rest, bold in notes), default=0.0)
            headroom += (_note_px(saving, True) if saving else 0.0) + 6
            if not roomy or view_h - headroom >= 0.45 * view_h:
                break
        y_max = self.top * view_h / max(view_h - headroom, 0.3 * view_h)
        self.setYRange(0, y_max, padding=0)
        for text, x, y, color, bold in notes:
            self._label(text, x, y, color, bold=bold)
        if saving:
            self._label(saving, len(self.values) - 0.45, y_max, QColor(FINAL_HUE), bold=True, anchor=(1, 0))

    def _bar_notes(self, roomy: bool) -> list[tuple]:
        notes = []
        for x, (value, ghost, kind) in enumerate(zip(self.values, self.ghost_values, self.kinds)):
            text = human_size(value) if roomy or kind == "final" else ""
            if ghost is not None and roomy:
                text += f"\n{delta_size(value - ghost)}"
            if kind == "final":
                text = "final\n" + text
            if text:
                color = QColor(FINAL_HUE) if kind == "final" else self.text_color
                notes.append((text, x, max(value, ghost or 0), color, kind == "final"))
        return notes

    def _saving_note(self) -> str:
        if not self.saved or self.final_size is None:
            return ""
        saved = human_size(self.saved)
        one_line = f"multi-stage saved {saved}"
        fits = QFontMetricsF(_note_font(True)).horizontalAdvance(one_line) + 8 <= self.getPlotItem().getViewBox().width()
        return one_line if fits else f"multi-stage\nsaved {saved}"

    def on_view_resized(self) -> None:
        super().on_view_resized()
        if getattr(self, "values", None) and not getattr(self, "_closing", False):  # not mid-__init__/close
            self._annotate()

    def close(self) -> None:
        self._closing = True  # pyqtgraph's close resizes the view after its items are gone
        super().close()

    def _brush(self, kind: str) -> QBrush:
        if kind == "final":
            return QBrush(QColor(FINAL_HUE))
        if kind == "single":
            return QBrush(QColor(FINAL_HUE), Qt.BrushStyle.BDiagPattern)
        return QBrush(QColor(STAGE_HUE))

    def _label(self, text: str, x: float, y: float, color, bold: bool = False, anchor=(0.5, 1)) -> None:
        item = pg.TextItem(text, color=color, anchor=anchor)
        item.setFont(_note_font(bold))
        item.setPos(x, y)
        self.addItem(item)
        self._texts.append(item)

    # ---- hover ------------------------------------------------------------------
    def hit(self, point: QPointF) -> int | None:
        index = round(point.x())
        if 0 <= index < len(self.values) and abs(point.x() - index) <= 0.4 and 0 <= point.y() <= self.values[index]:
            return index
        return None

    def describe(self, index: int) -> str:
        text = f"{self.labels[index]}: {human_size(self.values[index])}"
        ghost = self.ghost_values[index]
        if ghost is not None:
            text += f"\nbaseline {human_size(ghost)} ({delta_size(self.values[index] - ghost)})"
        if self.kinds[index] == "single":
            text += ("\nan estimate: the final image plus what the stages that do not ship hold,"
                     "\nminus what the final image copies from them")
        return text


def _note_font(bold: bool) -> QFont:
    font = QFont()
    font.setBold(bold)
    font.setPointSizeF(max(6.5, font.pointSizeF() - 1.5))
    return font


def _note_px(text: str, bold: bool) -> float:
    """How tall a note is drawn (its lines plus the text item's document margins)."""
    return QFontMetricsF(_note_font(bold)).height() * (text.count("\n") + 1) + 8
