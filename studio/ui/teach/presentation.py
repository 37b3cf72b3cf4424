"""Presentation mode (View > Present, F11): the graph full screen and large, for a
projector. It walks the stages in build order with a caption per step (the selected
stage's explanation in large type) and ends on a closing step that states the final
image size and what the multi-stage build saved, from the last build of this file.

A window of its own with its own GraphView over the same graph: the main window is left
as it is, and Esc (or F11 again) returns to it. Right/Space/PageDown go on, Left/PageUp
go back.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from studio.core.explain import walkthrough
from studio.core.units import human_size
from studio.ui.graph.view import GraphView
from studio.ui.teach.walkthrough import NEXT_KEYS, PREVIOUS_KEYS

CAPTION_POINTS = 20.0
TITLE_POINTS = 26.0
NO_BUILD = "Build once (Ctrl+B) before presenting to show the final image size and what multi-stage saved."


def closing_text(result) -> str:
    """The closing step: what the build produced, in numbers the engine measured."""
    if result is None:
        return NO_BUILD
    if not getattr(result, "ok", False):  # built, but no image: say so, not "build once"
        line = getattr(getattr(result, "error", None), "line", None)
        where = f" at line {line}" if line is not None else ""
        return (f"The last build failed{where}, so there is no final image to show: "
                "fix it and build again (Ctrl+B).")
    size = (result.final or {}).get("size")
    parts = [f"The final image is {human_size(size)}." if size is not None else "The final image was built."]
    if result.saved:
        parts.append(f"Building it in stages saved {human_size(result.saved)}: the tools and "
                     "intermediate files stayed in the stages that needed them.")
    return " ".join(parts)


class PresentationWindow(QWidget):
    """The full-screen view: a step title, the graph, and the caption under it."""

    sig_key = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)  # its own window, gone with the main one
        self.setObjectName("presentationWindow")
        self.setWindowTitle("Stage Studio — Presentation")
        self.title = QLabel(self)
        self.title.setObjectName("presentationTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.graph = GraphView(self)
        self.graph.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys step the presentation
        self.caption = QTextBrowser(self)
        self.caption.setObjectName("presentationCaption")
        self.caption.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.caption.setMaximumHeight(260)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.title)
        layout.addWidget(self.graph, 1)
        layout.addWidget(self.caption)
        for widget, points in ((self.title, TITLE_POINTS), (self.caption, CAPTION_POINTS)):
            font = QFont(widget.font())
            font.setPointSizeF(points)
            font.setBold(widget is self.title)
            widget.setFont(font)
        self.caption.document().setDefaultFont(self.caption.font())

    def keyPressEvent(self, event) -> None:
        self.sig_key.emit(int(event.key()))


class Presentation:
    """Steps of one presentation: the stages in build order, then the closing step."""

    def __init__(self, window, explain_panel) -> None:
        self.window = window
        self.explain = explain_panel
        self.screen: PresentationWindow | None = None
        self.order: list[int] = []
        self.position = -1

    @property
    def active(self) -> bool:
        return self.screen is not None and self.screen.isVisible()

    def toggle(self) -> None:
        self.end() if self.active else self.start()

    def start(self) -> bool:
        self.window.current_document()  # pending keystrokes parsed first
        graph = self.window.controller.graph
        if not graph.stages:
            self.window.statusBar().showMessage("There are no stages to present yet.", 6000)
            return False
        self.order = [exp.index for exp in walkthrough(graph, self.explain.costs())]
        if self.screen is None:
            self.screen = PresentationWindow(self.window)
            self.screen.sig_key.connect(self._on_key)
        self.screen.graph.set_graph(graph)
        self.screen.showFullScreen()
        self.screen.activateWindow()
        self.screen.graph.fit_to_view()
        self.go(0)
        return True

    def end(self) -> None:
        if self.screen is not None:
            self.screen.hide()
        self.position = -1
        self.window.activateWindow()

    def steps(self) -> int:
        return len(self.order) + 1  # the closing step

    def go(self, position: int) -> None:
        screen, graph = self.screen, self.window.controller.graph
        self.position = max(0, min(position, self.steps() - 1))
        total = self.steps()
        if self.position == len(self.order):  # the closing step: the whole graph, the numbers
            screen.title.setText(f"Step {total} of {total}: what the build produced")
            screen.graph.select_stage(None)
            screen.graph.fit_to_view(readable=False)  # the whole build at a glance
            screen.caption.setPlainText(closing_text(self.window.build.controller.last_result))
            return
        index = self.order[self.position]
        label = graph.stages[index].label if index < len(graph.stages) else f"stage {index}"
        screen.title.setText(f"Step {self.position + 1} of {total}: {label}")
        screen.graph.select_stage(index)
        screen.caption.setHtml(self.explain.html_for(index))

    def next(self) -> None:
        self.go(self.position + 1)

    def previous(self) -> None:
        self.go(self.position - 1)

    def _on_key(self, key: int) -> None:
        if key in {int(k) for k in NEXT_KEYS}:
            self.next()
        elif key in {int(k) for k in PREVIOUS_KEYS}:
            self.previous()
        elif key in (int(Qt.Key.Key_Escape), int(Qt.Key.Key_F11)):
            self.end()
