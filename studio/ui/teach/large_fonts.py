"""Large fonts for a projector: one toggle scales the text pane, the Explain panel, the
walk-through and the graph. The graph's boxes have fixed metrics (rows, widths), so its
text grows by zooming the view, which keeps every box laid out as designed."""
from __future__ import annotations

from PySide6.QtGui import QFont

LARGE_FACTOR = 1.6


class LargeFonts:
    """Remembers the normal sizes so switching off restores them exactly."""

    def __init__(self, window, explain_panel, walkthrough_panel) -> None:
        self.window = window
        self.explain = explain_panel
        self.walk = walkthrough_panel
        self.on = False
        self._editor_points: float | None = None

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
        view = self.window.graph_view
        view.set_zoom(view.zoom() * (LARGE_FACTOR if on else 1 / LARGE_FACTOR))
        self.window.statusBar().showMessage("Large fonts on" if on else "Large fonts off", 3000)
