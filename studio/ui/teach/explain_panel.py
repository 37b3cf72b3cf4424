"""The Explain panel: the selected stage in plain words (what it starts from, what it adds,
who takes what from it, whether the target needs it) and, after a build with sizes,
what it cost and how much of it reaches the final image.

It follows the selection (a box in the graph or the text cursor in a stage) and the last
build result the build controller hands out; the words come from core/explain.py.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from studio.core.explain import explain_stage
from studio.core.model import StageGraph
from studio.ui.teach.explain_html import explanation_html, placeholder_html

NO_STAGE = "Select a stage (click its box, or put the text cursor in it) to see what it does."


def stage_signature(graph: StageGraph) -> tuple:
    """What a build result's stage numbers are tied to: the stages' names and bases."""
    return tuple((s.key, s.base) for s in graph.stages)


def costs_of(result: Any) -> dict[int, Any]:
    """{stage index: StageResult} for the stages a build measured."""
    stages = getattr(result, "stages", None) or []
    return {s.index: s for s in stages if getattr(s, "size", None) is not None or getattr(s, "layers", None)}


class ExplainPanel(QWidget):
    """A read-only rich-text view of one stage's explanation."""

    def __init__(self, window=None) -> None:
        super().__init__(window)
        self.setObjectName("explainPanel")
        self.window_ref = window
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("explainBrowser")
        self.browser.setOpenLinks(False)
        self.browser.document().setDocumentMargin(10)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.base_point_size = self.browser.font().pointSizeF()
        self.index: int | None = None
        self.graph: StageGraph | None = None
        self._costs: dict[int, Any] = {}
        self._costs_for: tuple | None = None
        self.browser.setHtml(placeholder_html(NO_STAGE))
        if window is not None:
            self._connect(window)

    def _connect(self, window) -> None:
        window.controller.sig_graph_updated.connect(self.set_graph)
        window.graph_view.sig_stage_selected.connect(self.show_stage)
        window.editor.cursorPositionChanged.connect(self._follow_cursor)
        build = getattr(window, "build", None)  # (composed before the teaching parts)
        if build is not None:
            build.controller.sig_finished.connect(self.set_result)
            build.controller.sig_switched.connect(lambda *_keys: self.set_result(build.controller.last_result,
                                                                                   switched=True))
        self.graph = window.controller.graph

    # -- inputs --------------------------------------------------------------------------
    def set_graph(self, graph: StageGraph) -> None:
        self.graph = graph
        if self.index is not None and self.index >= len(graph.stages):
            self.index = None
        self.refresh()

    def set_result(self, result: Any, switched: bool = False) -> None:
        """A finished build: its per-stage sizes become the costs shown (while the stages
        are still the ones that were built). ``switched``: another document is in the
        window, with this result (None: never built) -- the old costs go."""
        if result is None and not switched:
            return
        self._costs = costs_of(result)
        self._costs_for = stage_signature(self.graph) if self.graph is not None else None
        self.refresh()

    def costs(self) -> dict[int, Any]:
        """The last build's stage results, or nothing when the stages changed since."""
        if self.graph is None or self._costs_for != stage_signature(self.graph):
            return {}
        return self._costs

    def show_stage(self, index: int | None) -> None:
        self.index = index if index is not None and index >= 0 else None
        self.refresh()

    def _follow_cursor(self) -> None:
        window = self.window_ref
        if window is None or window.controller.pending() or not self.isVisible():
            return
        stage = window.controller.document.stage_at_line(window.editor.current_line())
        if stage is not None and stage.index != self.index:
            self.show_stage(stage.index)

    # -- output --------------------------------------------------------------------------
    def html_for(self, index: int, step: str = "") -> str:
        graph = self.graph
        if graph is None or not 0 <= index < len(graph.stages):
            return placeholder_html(NO_STAGE)
        try:
            costs = self.costs()
            exp = explain_stage(graph, index, costs)
        except Exception as exc:  # advice only: never break the window over it
            return placeholder_html(f"This stage cannot be explained right now: {exc}")
        size = getattr(costs.get(index), "size", None)
        return explanation_html(exp, size, step)

    def refresh(self) -> None:
        if self.index is None:
            self.browser.setHtml(placeholder_html(NO_STAGE))
        else:
            bar = self.browser.verticalScrollBar()
            keep = bar.value()
            self.browser.setHtml(self.html_for(self.index))
            bar.setValue(keep)

    def text(self) -> str:
        return self.browser.toPlainText()

    def set_scale(self, factor: float) -> None:
        font = QFont(self.browser.font())
        font.setPointSizeF(self.base_point_size * factor)
        self.browser.setFont(font)
        self.browser.document().setDefaultFont(font)
