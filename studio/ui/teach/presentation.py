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

from studio.core.units import human_size
from studio.ui.graph.view import GraphView
from studio.ui.teach.walkthrough import NEXT_KEYS, PREVIOUS_KEYS, tour_order

CAPTION_POINTS = 20.0
MIN_CAPTION_POINTS = 14.0  # still readable from the back of a room
CAPTION_SHARE = 0.5  # of the window's height, at most, for the caption
TITLE_POINTS = 26.0
NO_BUILD = "Build once (Ctrl+B) before presenting to show the final image size and what multi-stage saved."


def closing_text(result, wasted: int | None = None) -> str:
    """The closing step: what the build produced, in numbers the engine measured.
    ``wasted``: bytes of the final image that a later layer deleted, as the Files view's
    reading of the image found them (None: not read)."""
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
        parts.append(f"Building it in stages saved {human_size(result.saved)}"
                     + (": the tools and intermediate files stayed in the stages that needed them."
                        if wasted == 0 else "."))
    if wasted:
        parts.append(f"It still carries {human_size(wasted)} of files that a later layer deleted: they take "
                     "space in the layer that created them (see View > Panels > Files). Delete them in the "
                     "same RUN, or make them in a stage of their own.")
    return " ".join(parts)


def final_waste(window) -> int | None:
    """Wasted bytes of the final image as the Files view read them (None: not read)."""
    files = getattr(window, "files_view", None)
    panel = getattr(files, "panel", None)
    reports = getattr(panel, "reports", None) or {}
    target = getattr(window.build.controller.last_result, "target", None)
    report = reports.get(target) if target in reports else (reports[max(reports)] if reports else None)
    return report.dive.wasted_bytes if report is not None else None


class PresentationWindow(QWidget):
    """The full-screen view: a step title, the graph, and the caption under it."""

    sig_key = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)  # its own window, gone with the main one
        self.setObjectName("presentationWindow")
        self.setWindowTitle("Presentation")  # (the platform adds " — Stage Studio")
        self.title = QLabel(self)
        self.title.setObjectName("presentationTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.graph = GraphView(self)
        self.graph.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys step the presentation
        self.caption = QTextBrowser(self)
        self.caption.setObjectName("presentationCaption")
        self.caption.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.caption.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
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

    def fit_caption(self) -> None:
        """The caption box as tall as its text, up to half the window; a text longer than
        that is set smaller (down to MIN_CAPTION_POINTS) before it would need scrolling."""
        caption, doc = self.caption, self.caption.document()
        room = int(self.height() * CAPTION_SHARE)
        margins = caption.contentsMargins()
        points = CAPTION_POINTS
        while True:
            font = QFont(caption.font())
            font.setPointSizeF(points)
            doc.setDefaultFont(font)
            doc.setTextWidth(max(200, self.width() - 60))
            wanted = int(doc.size().height()) + margins.top() + margins.bottom() + 4
            if wanted <= room or points <= MIN_CAPTION_POINTS:
                break
            points -= 1
        caption.setFixedHeight(max(60, min(wanted, room)))

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
        order = tour_order(self.window, self.explain, "present")
        if order is None:
            return False
        self.order = order
        graph = self.window.controller.graph
        if self.screen is None:
            self.screen = PresentationWindow(self.window)
            self.screen.sig_key.connect(self._on_key)
        self.screen.graph.set_graph(graph)
        main_nodes = self.window.graph_view.stage_nodes()
        for index, node in self.screen.graph.stage_nodes().items():  # sizes and states as in the window
            if index in main_nodes:
                node.set_build(**main_nodes[index].marks.__dict__)
        self.screen.showFullScreen()
        self.screen.activateWindow()
        self.screen.graph.fit_to_view()
        self.go(0)
        return True

    def end(self) -> None:
        """Back to the window. The full-screen window leaves full screen and closes, and
        nothing it grabbed stays grabbed: the menu bar and toolbar take mouse clicks again."""
        screen = self.screen
        if screen is not None:
            for grabber in (QWidget.mouseGrabber(), QWidget.keyboardGrabber()):
                if grabber is not None and (grabber is screen or screen.isAncestorOf(grabber)):
                    grabber.releaseMouse()
                    grabber.releaseKeyboard()
            screen.setWindowState(Qt.WindowState.WindowNoState)
            screen.hide()
            screen.close()
        self.position = -1
        self.window.raise_()
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
            screen.caption.setPlainText(closing_text(self.window.build.controller.last_result,
                                                     final_waste(self.window)))
            screen.fit_caption()
            screen.layout().activate()  # the graph takes its new height now, not after the fit
            screen.graph.fit_to_view(readable=False)  # the whole build at a glance
            return
        index = self.order[self.position]
        label = graph.stages[index].label if index < len(graph.stages) else f"stage {index}"
        screen.title.setText(f"Step {self.position + 1} of {total}: {label}")
        screen.graph.select_stage(index)
        screen.caption.setHtml(self.explain.html_for(index))
        screen.fit_caption()

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
