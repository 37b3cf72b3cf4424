"""The controller that keeps the graph in step with the text (text -> graph).

Every change to the QTextDocument restarts a short timer; when it fires the new text is
re-parsed (incrementally, from the one edited span) and the graph view is given the new
StageGraph. The other direction is ``graph_edits.GraphEdits`` (graph gestures become
text edits, one undo step each), selection both ways is ``selection_sync``, and when
lint runs is ``lint_schedule``; all of them read the Document this controller holds.
"""
from __future__ import annotations

import time
from PySide6.QtCore import QObject, QTimer, Signal

from studio.core.document import parse, reparse
from studio.core.model import Diagnostic, StageGraph
from studio.gc_tuning import text_opened
from studio.ui.editor.text_editor import OffsetMap, TextEditor
from studio.ui.lint_schedule import HUGE_TEXT, LintScheduler
from studio.ui.sync_rules import diagnostics_by_stage, merge_diagnostics, problem_text, single_edit, structure_ok

__all__ = ["SyncController", "editor_text", "single_edit", "structure_ok"]

# A zero timer fires once the queued input is handled: keystrokes that arrived together
# (or while the last re-parse ran) are parsed once, with no added wait.
DEBOUNCE_MS = 0
HUGE_DEBOUNCE_MS = 250  # past HUGE_TEXT characters, re-parse less eagerly
def editor_text(editor: TextEditor) -> str:
    """The editor's text exactly (toPlainText would turn no-break spaces into spaces)."""
    return editor.document().toRawText().replace("\u2029", "\n")


class SyncController(QObject):
    """Owns the latest parsed Document, the graph shown for it and its diagnostics."""

    sig_document_changed = Signal(object)  # the new Document, after each re-parse
    sig_graph_updated = Signal(object)  # the StageGraph the view now shows
    sig_message = Signal(str)  # a short status-bar message
    sig_diagnostics_changed = Signal()  # ``diagnostics`` changed without a re-parse (lint)

    def __init__(self, editor: TextEditor, graph_view, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.graph_view = graph_view
        self.build_args: dict[str, str] = {}
        self.target_key: str | None = None  # the build target: a stage's key, a view setting
        self.document = parse("")
        self.graph: StageGraph = self.document.graph()
        self.current_graph = self.graph
        self.stale = False  # the text has errors that may hide stages: graph edits wait for a fix
        self.problem = ""  # what the graph's banner says about those errors
        self.diagnostics: list[Diagnostic] = []
        self.last_sync_seconds = 0.0
        self._fresh = True  # the next parse is of a newly loaded text
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.sync_now)
        self.lint = LintScheduler(self)
        editor.document().contentsChanged.connect(self._schedule)

    # -- text -> graph ------------------------------------------------------------------
    def _schedule(self) -> None:
        huge = self.editor.document().characterCount() > HUGE_TEXT
        self._timer.setInterval(HUGE_DEBOUNCE_MS if huge else DEBOUNCE_MS)
        self._timer.start()

    def pending(self) -> bool:
        return self._timer.isActive()

    def sync_now(self, force: bool = False) -> None:
        """Re-parse now if the text changed since the last parse (or ``force``)."""
        self._timer.stop()
        text = editor_text(self.editor)
        old = self.document
        if text == old.text and not force:
            return
        started = time.perf_counter()
        doc = None
        if text != old.text and old.text:
            try:
                doc = reparse(old, single_edit(old.text, text))
                if doc.text != text:
                    doc = None
            except Exception:  # an incremental-path bug must never lose the text: full parse
                doc = None
        if doc is None:
            doc = parse(text)
        self._publish(doc)
        self.last_sync_seconds = time.perf_counter() - started

    def _graph_of(self, doc) -> StageGraph:
        target = None
        if self.target_key is not None:
            for stage in doc.stages:
                if stage.key == self.target_key:
                    target = stage.index
        try:
            return doc.graph(target=target, build_args=self.build_args or None)
        except Exception as exc:  # a core bug must not take the window down
            self.sig_message.emit(f"Could not build the stage graph: {exc}")
            return parse("").graph()

    def reset(self) -> None:
        """Forget the previous text's last good graph, lint and target (a file was opened);
        the view forgets its boxes, so the next graph is laid out afresh and fitted."""
        self._fresh = True
        self.target_key = None
        self.lint.forget()
        self.graph_view.clear()

    def _publish(self, doc) -> None:
        """Show ``doc``'s own graph, errors or not: every stage that can be read is drawn,
        and only the broken instructions (and their stages) are marked."""
        self.document = doc
        graph = self.graph = self.current_graph = self._graph_of(doc)
        self.stale = not structure_ok(doc)
        fresh, self._fresh = self._fresh, False
        self.diagnostics = merge_diagnostics(doc.diagnostics, graph.diagnostics, self.lint.findings)
        self.problem = problem_text(self.diagnostics, doc)
        by_stage = diagnostics_by_stage(graph, self.diagnostics)
        self.graph_view.set_graph(graph, by_stage, stale=bool(self.problem), text=doc.text, banner=self.problem)
        self.editor.set_diagnostics(self.diagnostics, OffsetMap(doc.text))
        self.sig_graph_updated.emit(graph)
        self.sig_document_changed.emit(doc)
        if fresh:
            text_opened(len(doc.text))

    def merge_lint(self) -> None:
        """The lint scheduler has new findings: they join the parser's diagnostics."""
        doc = self.document
        self.diagnostics = merge_diagnostics(doc.diagnostics, self.current_graph.diagnostics, self.lint.findings)
        self.editor.set_diagnostics(self.diagnostics, OffsetMap(doc.text))
        self.sig_diagnostics_changed.emit()

    def shown_document(self):
        """The Document whose stages the graph shows (always the text's own now)."""
        return self.document

    def set_target(self, stage: int | None) -> None:
        """The build target is a view setting: it changes the graph, never the text."""
        doc = self.shown_document()
        if stage is None or stage < 0 or stage >= len(doc.stages):
            self.target_key = None
        else:
            self.target_key = doc.stages[stage].key
        self._publish(self.document)

    def target_index(self) -> int | None:
        return self.graph.target

    def follow_rename(self, old_key: str, new_key: str) -> None:
        """A stage was renamed: if it was the build target, the target follows it."""
        if old_key == self.target_key:
            self.target_key = new_key
            self._publish(self.document)
