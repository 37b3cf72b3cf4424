"""Classroom mode: "Explain this build" steps through the stages in build order, one at a
time, with the box emphasised in the graph, its lines lit in the text and the explanation
shown large. Right/Space/PageDown go on, Left/PageUp go back, Esc ends.

The keys are caught window-wide while a walk-through runs (an application event filter
that only looks at key presses for the main window), so they work whichever pane has
focus, as a presenter with a clicker expects; other windows and dialogs are untouched.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import (
    QApplication, QDockWidget, QGraphicsPathItem, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout,
    QWidget,
)

from studio.core.explain import walkthrough

NEXT_KEYS = {Qt.Key.Key_Right, Qt.Key.Key_Space, Qt.Key.Key_PageDown}
PREVIOUS_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_PageUp}
END_KEYS = {Qt.Key.Key_Escape}
HALO_COLOUR = "#f59f00"
LARGE_POINTS = 15.0
WALK_WIDTH = 520  # pixels: the explanation stays readable at large type



def tour_order(window, explain, verb: str) -> list[int] | None:
    """The stages in the order BuildKit would build them, for the walk-through and Present;
    None (said in the status bar) when the text has no stage to ``verb`` yet."""
    window.current_document()  # pending keystrokes parsed first
    graph = window.controller.graph
    if not graph.stages:
        window.statusBar().showMessage(f"There are no stages to {verb} yet.", 6000)
        return None
    return [exp.index for exp in walkthrough(graph, explain.costs())]

class WalkthroughPanel(QWidget):
    """The view: which step, the explanation in large type, and the three buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("walkthroughPanel")
        self.step_label = QLabel(self)
        self.step_label.setObjectName("walkthroughStep")
        self.route = QLabel(self)  # every step, the current one marked: where we are in the build
        self.route.setObjectName("walkthroughRoute")
        self.route.setWordWrap(True)
        self.route.setTextFormat(Qt.TextFormat.RichText)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("walkthroughBrowser")
        self.browser.document().setDocumentMargin(14)
        self.browser.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.previous_button = QPushButton("◀ Previous", self)
        self.next_button = QPushButton("Next ▶", self)
        self.end_button = QPushButton("End", self)
        hint = QLabel("← → · Space · PgUp/PgDn · Esc ends", self)
        hint.setStyleSheet("color: gray;")
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous_button)
        buttons.addWidget(self.next_button)
        buttons.addStretch(1)
        buttons.addWidget(hint)
        buttons.addStretch(1)
        buttons.addWidget(self.end_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.step_label)
        layout.addWidget(self.route)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)
        self.set_scale(1.0)

    def set_scale(self, factor: float) -> None:
        font = QFont(self.browser.font())
        font.setPointSizeF(LARGE_POINTS * factor)
        self.browser.setFont(font)
        self.browser.document().setDefaultFont(font)
        label = QFont(self.step_label.font())
        label.setPointSizeF(11.0 * factor)
        label.setBold(True)
        self.step_label.setFont(label)
        route = QFont(self.route.font())
        route.setPointSizeF(10.0 * factor)
        self.route.setFont(route)


class Walkthrough(QObject):
    """The controller: the order of the steps and what each step does to the window."""

    sig_step = Signal(int, int)  # position in the walk, stage index
    sig_ended = Signal()

    def __init__(self, window, explain_panel) -> None:
        super().__init__(window)
        self.window = window
        self.explain = explain_panel
        self.panel = WalkthroughPanel(window)
        self.dock = window.add_dock("Walk-through", self.panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.dock.hide()
        self.order: list[int] = []
        self.position = -1
        self._halo: QGraphicsPathItem | None = None
        self._hidden: list = []  # docks moved aside for the walk, shown again at the end
        self.panel.next_button.clicked.connect(self.next)
        self.panel.previous_button.clicked.connect(self.previous)
        self.panel.end_button.clicked.connect(self.end)
        self.dock.visibilityChanged.connect(self._on_dock_visibility)

    @property
    def active(self) -> bool:
        return self.position >= 0

    def current_stage(self) -> int | None:
        return self.order[self.position] if self.active else None

    # -- steering ------------------------------------------------------------------------
    def start(self) -> bool:
        """Begin at the first stage BuildKit would build. False when there is nothing to show."""
        order = tour_order(self.window, self.explain, "explain")
        if order is None:
            return False
        self.order = order
        self._make_room()
        self.dock.show()
        self.dock.raise_()
        self.window.resizeDocks([self.dock], [max(self.dock.width(), WALK_WIDTH)], Qt.Orientation.Horizontal)
        self.window.graph_view.fit_to_view()
        QApplication.instance().installEventFilter(self)
        self.go(0)
        return True

    def go(self, position: int) -> None:
        if not self.order:
            return
        self.position = max(0, min(position, len(self.order) - 1))
        index = self.order[self.position]
        graph = self.window.controller.graph
        total = len(self.order)
        name = graph.stages[index].label if index < len(graph.stages) else f"stage {index}"
        self.panel.step_label.setText(f"Step {self.position + 1} of {total}: {name}")
        self.panel.route.setText(route_html(graph, self.order, self.position))
        self.panel.browser.setHtml(self.explain.html_for(index))
        self.panel.previous_button.setEnabled(self.position > 0)
        self.panel.next_button.setEnabled(self.position < total - 1)
        view = self.window.graph_view
        view.select_stage(index)
        view.sig_stage_selected.emit(index)  # the controller lights the lines, the panel follows
        self._emphasise(index)
        self.sig_step.emit(self.position, index)

    def next(self) -> None:
        if self.active and self.position < len(self.order) - 1:
            self.go(self.position + 1)

    def previous(self) -> None:
        if self.active and self.position > 0:
            self.go(self.position - 1)

    def end(self) -> None:
        if not self.active:
            return
        self.position = -1
        QApplication.instance().removeEventFilter(self)
        self._clear_halo()
        self.dock.hide()
        for dock in self._hidden:
            dock.show()
        self._hidden = []
        self.sig_ended.emit()

    def _make_room(self) -> None:
        """The walk-through takes the right-hand column: docks there step aside until it ends."""
        if self.active:
            return
        window = self.window
        self._hidden = [d for d in window.findChildren(QDockWidget)
                        if d is not self.dock and d.isVisible() and not d.isFloating()
                        and window.dockWidgetArea(d) == Qt.DockWidgetArea.RightDockWidgetArea]
        for dock in self._hidden:
            dock.hide()

    def _on_dock_visibility(self, visible: bool) -> None:
        if not visible and self.active and not self.dock.isVisible():
            self.end()  # the user closed the dock: the walk is over

    # -- keys ----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) or not self.active:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        key = event.key()
        if key not in NEXT_KEYS | PREVIOUS_KEYS | END_KEYS:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # ours, not a window shortcut's (Esc would cancel a build)
            return True
        if key in NEXT_KEYS:
            self.next()
        elif key in PREVIOUS_KEYS:
            self.previous()
        else:
            self.end()
        return True

    # -- emphasis --------------------------------------------------------------------------
    def _emphasise(self, index: int) -> None:
        self._clear_halo()
        node = self.window.graph_view.stage_nodes().get(index)
        if node is None:
            return
        rect: QRectF = node.sceneBoundingRect().adjusted(-7, -7, 7, 7)
        path = QPainterPath()
        path.addRoundedRect(rect, 12, 12)
        halo = QGraphicsPathItem(path)
        colour = QColor(HALO_COLOUR)
        pen = QPen(colour, 5)
        pen.setCosmetic(True)
        halo.setPen(pen)
        colour.setAlpha(40)
        halo.setBrush(colour)
        halo.setZValue(node.zValue() - 0.5)
        halo.setData(0, "walkthrough-halo")
        node.scene().addItem(halo)
        self._halo = halo
        self.window.graph_view.reveal(rect)

    def halo(self) -> QGraphicsPathItem | None:
        return self._halo if self._halo is not None and _alive(self._halo) else None

    def _clear_halo(self) -> None:
        halo, self._halo = self._halo, None
        if halo is not None and _alive(halo) and halo.scene() is not None:
            halo.scene().removeItem(halo)


def route_html(graph, order: list[int], position: int) -> str:
    """The walk as one line, "toolchain → build → app", the current step highlighted and
    the stages the target skips greyed."""
    parts = []
    for at, index in enumerate(order):
        name = html.escape(graph.stages[index].label) if index < len(graph.stages) else f"stage {index}"
        skipped = index not in graph.reachable
        if skipped:
            name += " (skipped)"
        if at == position:
            parts.append(f"<span style='background:{HALO_COLOUR}; color:black; font-weight:600;'>&nbsp;{name}&nbsp;</span>")
        elif skipped:
            parts.append(f"<span style='color:gray; font-style:italic;'>{name}</span>")
        else:
            parts.append(name)
    return " → ".join(parts)


def _alive(item) -> bool:
    try:
        import shiboken6
        return shiboken6.isValid(item)
    except ImportError:  # pragma: no cover - shiboken ships with PySide6
        return True
