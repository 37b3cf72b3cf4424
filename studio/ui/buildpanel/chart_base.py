"""What every build chart shares: palette-derived colours, a size axis, hover/click lookup.

Why: the four charts (sizes, layers, timeline, history) must look alike in light and
dark palettes, and each needs "which bar is under the mouse" for hover and click.
"""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette, QTextOption
from PySide6.QtWidgets import QWidget

from studio.core.line_map import SAME, LineMap
from studio.core.units import human_size
from studio.ui.graph.theme import STATE_HUES, tint

FINAL_HUE = "#e8590c"
STAGE_HUE = "#3b82f6"
GHOST_ALPHA = 70


class SizeAxis(pg.AxisItem):
    """Tick labels in human units (kB, MB) for values in bytes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.enableAutoSIPrefix(False)  # the units are in the tick labels already

    def tickStrings(self, values, scale, spacing):
        return [human_size(v * scale) if v >= 0 else "" for v in values]


class SecondsAxis(pg.AxisItem):
    """Times along the bottom, never closer than ``LABEL_PX`` (pyqtgraph's default spacing
    runs labels like "0.02 s0.04 s" into each other in a narrow chart)."""

    LABEL_PX = 56

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):
        return [f"{v * scale:g} s" for v in values]

    def tickSpacing(self, minVal, maxVal, size):
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return super().tickSpacing(minVal, maxVal, size)
        return [(readable_step(span * self.LABEL_PX / size), 0)]


def readable_step(least: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``least`` (> 0)."""
    power = 10 ** math.floor(math.log10(least))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= least * (1 - 1e-9))


def palette_colors() -> dict[str, QColor]:
    pal = QGuiApplication.palette()
    base = pal.color(QPalette.ColorRole.Base)
    text = pal.color(QPalette.ColorRole.Text)
    return {"background": base, "text": text, "grid": tint(base, text, 0.15),
            "dim": tint(text, base, 0.45)}


def state_brush(state: str, cached: bool = False) -> QBrush:
    """Solid for work done now; pale and hatched for cache hits."""
    color = QColor(STATE_HUES.get(state, STAGE_HUE))
    if cached:
        brush = QBrush(QColor(color.red(), color.green(), color.blue(), 150), Qt.BrushStyle.BDiagPattern)
        return brush
    return QBrush(color)


class BuildChart(pg.PlotWidget):
    """A PlotWidget themed from the palette, with a title and bar hit-testing helpers."""

    sig_line_activated = Signal(int)

    def __init__(self, title: str, parent: QWidget | None = None, axis_items: dict | None = None) -> None:
        super().__init__(parent, axisItems=axis_items or {})
        self.setObjectName(type(self).__name__)
        self.setMinimumSize(150, 150)
        self.title = title
        colors = palette_colors()
        self.setBackground(colors["background"])
        item = self.getPlotItem()
        item.setTitle(f'<span style="font-weight:600">{title}</span>', color=colors["text"], size="9pt")
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(colors["grid"]))
            axis.setTextPen(pg.mkPen(colors["text"]))
        item.hideButtons()
        item.layout.setContentsMargins(2, 4, 12, 2)
        item.setMenuEnabled(False)
        self.setMouseEnabled(False, False)
        self.text_color = colors["text"]
        self.dim_color = colors["dim"]
        self.lines = SAME  # the build's lines to the text's as edited since
        self.hover = pg.TextItem("", color=colors["text"], fill=pg.mkBrush(tint(colors["background"], colors["text"], 0.08)),
                                 border=pg.mkPen(colors["grid"]), anchor=(0, 1))
        self.hover.setZValue(50)
        self.hover.hide()
        self.addItem(self.hover, ignoreBounds=True)
        self.empty = pg.TextItem("", color=colors["dim"], anchor=(0.5, 0.5))
        self.addItem(self.empty, ignoreBounds=True)
        item.getViewBox().sigResized.connect(lambda _vb: self.on_view_resized())
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)

    def show_empty(self, text: str) -> None:
        """No data: a hint in the middle and no meaningless tick labels."""
        self.empty.setText(text)
        self._wrap_empty()
        self.empty.setPos(0.5, 0.5)
        self.setXRange(0, 1, padding=0)
        self.setYRange(0, 1, padding=0)
        for name in ("left", "bottom"):
            self.getPlotItem().getAxis(name).setTicks([[], []])
        self.empty.show()

    def _wrap_empty(self) -> None:
        """The hint wraps to the plot's width (a narrow chart must not cut it at both ends)."""
        room = self.getPlotItem().getViewBox().width() - 12
        if room > 40:
            self.empty.setTextWidth(room)
            self.empty.textItem.document().setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignHCenter))
            self.empty.updateTextPos()

    def on_view_resized(self) -> None:
        """The plot area changed size (after the widget's own layout): re-fit what depends on it."""
        if self.empty.isVisible():
            self._wrap_empty()

    def hide_empty(self) -> None:
        if self.empty.isVisible():
            for name in ("left", "bottom"):
                self.getPlotItem().getAxis(name).setTicks(None)
        self.empty.hide()

    def set_title(self, title: str) -> None:
        self.title = title
        self.getPlotItem().setTitle(f'<span style="font-weight:600">{title}</span>', color=self.text_color, size="9pt")

    def px_per_unit(self) -> float:
        """Horizontal pixels per view unit (to decide whether labels fit)."""
        vb = self.getPlotItem().getViewBox()
        (x0, x1), _ = vb.viewRange()
        return vb.width() / max(1e-9, x1 - x0)

    # ---- hit testing (subclasses say what a hit means) -------------------------------
    def hit(self, point: QPointF) -> int | None:  # noqa: ARG002 - overridden
        """The index of the bar at ``point`` (view coordinates), or None."""
        return None

    def describe(self, index: int) -> str:  # noqa: ARG002 - overridden
        return ""

    def line_of(self, index: int) -> int | None:  # noqa: ARG002 - overridden
        """The line (of the text that was built) bar ``index`` is about."""
        return None

    def set_lines(self, lines: LineMap) -> None:
        """The text was edited since the build: lines are said, and clicked to, where they are now."""
        if lines is not self.lines:
            self.lines = lines
            self.relabel()

    def relabel(self) -> None:
        """Say the lines shown anew (``self.lines`` changed); overridden where a chart shows lines."""

    def _on_mouse_moved(self, scene_pos) -> None:
        vb = self.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            self.hover.hide()
            return
        point = vb.mapSceneToView(scene_pos)
        index = self.hit(point)
        if index is None:
            self.hover.hide()
            return
        self.hover.setText(self.describe(index))
        (x0, x1), (y0, y1) = vb.viewRange()
        left_half = point.x() < (x0 + x1) / 2
        top = y0 if vb.yInverted() else y1
        self.hover.setAnchor((1, 0) if left_half else (0, 0))  # the corner away from the pointer
        self.hover.setPos(x1 if left_half else x0, top)
        self.hover.show()

    def _on_mouse_clicked(self, event) -> None:
        vb = self.getPlotItem().getViewBox()
        index = self.hit(vb.mapSceneToView(event.scenePos()))
        if index is not None:
            self.activate(index)

    def activate(self, index: int) -> None:
        line = self.lines.new_line(self.line_of(index))  # (None: that line was edited since the build)
        if line is not None:
            self.sig_line_activated.emit(line)
