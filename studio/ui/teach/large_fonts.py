"""Large fonts for a projector: one toggle scales the text pane, the Explain panel, the
walk-through, the graph, the build log, the Problems list, the charts' axes and the
menus. The graph's boxes have fixed metrics (rows, widths), so its text grows by zooming
the view, which keeps every box laid out as designed."""
from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

LARGE_FACTOR = 1.6


class LargeFonts:
    """Remembers the normal sizes so switching off restores them exactly."""

    def __init__(self, window, explain_panel, walkthrough_panel) -> None:
        self.window = window
        self.explain = explain_panel
        self.walk = walkthrough_panel
        self.on = False
        self._editor_points: float | None = None
        self._normal: dict[int, QFont] = {}  # the other widgets' own fonts, while large

    def set_enabled(self, on: bool) -> None:
        on = bool(on)
        if on == self.on:
            return
        self.on = on
        factor = LARGE_FACTOR if on else 1.0
        editor = self.window.editor
        if on:
            self._editor_points = editor.font().pointSizeF()
        points = (self._editor_points or editor.font().pointSizeF()) * factor
        font = QFont(editor.font())
        font.setPointSizeF(points)
        editor.setFont(font)
        editor.setTabStopDistance(editor.fontMetrics().horizontalAdvance(" ") * 4)
        self.explain.set_scale(factor)
        self.walk.set_scale(factor)
        for widget in self._others():
            self._scale(widget, on)
        for chart in self._charts():  # axis ticks and stage labels follow the chart's font
            for name in ("left", "bottom"):
                chart.getPlotItem().getAxis(name).setStyle(tickFont=QFont(chart.font()) if on else None)
        view = self.window.graph_view
        view.text_scale = factor
        if view.auto_fit:  # (a fit keeps text at least READABLE_PX x the factor)
            view.fit_to_view()
        else:
            view.set_zoom(view.zoom() * (LARGE_FACTOR if on else 1 / LARGE_FACTOR))
        self.window.statusBar().showMessage("Large fonts on" if on else "Large fonts off", 3000)

    def _others(self) -> list[QWidget]:
        window = self.window
        build = getattr(window, "build", None)
        widgets = [window.menuBar(), window.problems, window.statusBar()]
        if build is not None:
            widgets += [build.log.view, build.bar, *self._charts()]
        return widgets

    def _charts(self) -> list:
        build = getattr(self.window, "build", None)
        charts = build.charts if build is not None else None
        return [charts.sizes, charts.layers, charts.timeline, charts.history] if charts is not None else []

    def _scale(self, widget: QWidget, on: bool) -> None:
        if on:
            normal = self._normal.setdefault(id(widget), QFont(widget.font()))
            font = QFont(normal)
            font.setPointSizeF(normal.pointSizeF() * LARGE_FACTOR)
            widget.setFont(font)
        elif id(widget) in self._normal:
            widget.setFont(self._normal.pop(id(widget)))
