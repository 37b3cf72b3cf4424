"""A small overlay in the view's corner: zoom out, the zoom level, zoom in, fit.

The keyboard and wheel do the same; the bar makes them discoverable and shows the level.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget


class ZoomBar(QWidget):
    def __init__(self, view) -> None:
        super().__init__(view)
        self.setObjectName("graphZoomBar")
        self._view = view
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(0)
        self.out_button = self._button("−", "Zoom out (Ctrl+-)", view.zoom_out)
        self.level_button = self._button("100%", "Actual size (Ctrl+0)", view.reset_zoom)
        self.level_button.setMinimumWidth(48)
        self.in_button = self._button("+", "Zoom in (Ctrl++)", view.zoom_in)
        self.fit_button = self._button("Fit", "Show the whole graph (F)", view.fit_to_view)
        for button in (self.out_button, self.level_button, self.in_button, self.fit_button):
            layout.addWidget(button)
        theme = view.scene().theme
        self.setStyleSheet(
            f"#graphZoomBar {{ background: {theme.node_fill.name()}; border: 1px solid {theme.border.name()};"
            " border-radius: 6px; }"
            f" QToolButton {{ border: none; padding: 2px 6px; color: {theme.text.name()}; }}"
            f" QToolButton:hover {{ background: {theme.header_fill.name()}; border-radius: 4px; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.adjustSize()

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the graph
        button.setAutoRaise(True)
        button.clicked.connect(lambda _checked=False: slot())  # (not clicked's bool as an argument)
        return button

    def show_zoom(self, factor: float) -> None:
        self.level_button.setText(f"{round(factor * 100)}%")
