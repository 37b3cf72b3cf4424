"""The controller that keeps the graph in step with the text (text -> graph).

Every change to the QTextDocument restarts a short timer; when it fires the new text is
re-parsed (incrementally, from the one edited span) and the graph view is given the new
StageGraph. The other direction is ``graph_edits.GraphEdits`` (graph gestures become
text edits, one undo step each), selection both ways is ``selection_sync``, and when
lint runs is ``lint_schedule``; all of them read the Document this controller holds.
"""
from __future__ import annotations

import time
from contextlib import contextmanager

from PySide6.QtCore import QObject, QTimer, Signal

from studio.core.document import parse, reparse
from studio.core.model import Diagnostic, StageGraph
from studio.gc_tuning import text_opened
from studio.ui.build_settings import BuildSettingsModel
from studio.ui.editor.text_editor import OffsetMap, TextEditor
from studio.ui.lint_schedule import HUGE_TEXT, LintScheduler
from studio.ui.sync_rules import diagnostics_by_stage, merge_diagnostics, problem_text, single_edit, structure_ok
from studio.ui.text_mirror import TextMirror, raw_text

__all__ = ["SyncController", "editor_text", "single_edit", "structure_ok"]

# A zero timer fires once the queued input is handled: keystrokes that arrived together
# (or while the last re-parse ran) are parsed once, with no added wait.
DEBOUNCE_MS = 0
HUGE_DEBOUNCE_MS = 250  # past HUGE_TEXT characters, re-parse less eagerly
def editor_text(editor: TextEditor) -> str:
    """The editor's text exactly (toPlainText would turn no-break spaces into spaces)."""
    return raw_text(editor.document())


class SyncController(QObject):
    """Owns the latest parsed Document, the graph shown for it and its diagnostics."""

    sig_document_changed = Signal(object)  # the new Document, after each re-parse
    sig_graph_updated = Signal(object)  # the StageGraph the view now shows
    sig_message = Signal(str)  # a short status-bar message
    sig_diagnostics_changed = Signal()  # ``diagnostics`` changed without a re-parse (lint)

    def __init__(self, editor: TextEditor, graph_view, parent: QObject | None = None,
                 settings: BuildSettingsModel | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.graph_view = graph_view
        # target, build args, platform: the graph and lint read them here, as the build does
        self.settings = settings if settings is not None else BuildSettingsModel(self)
        self.settings.sig_changed.connect(self._on_settings_changed)
        self._holding_target = False
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
        self.mirror = TextMirror(editor.document())  # (the text without copying it whole out of Qt)
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
        text = self.mirror.text()
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
        doc.keep_details_lazy()  # (lint reads every line at each pause: see Document.keep_details_lazy)
        self._publish(doc)
        self.last_sync_seconds = time.perf_counter() - started

    def _graph_of(self, doc) -> StageGraph:
        try:
            return self.settings.settings.graph(doc)
        except Exception as exc:  # a core bug must not take the window down
            self.sig_message.emit(f"Could not build the stage graph: {exc}")
            return parse("").graph()

    def reset(self) -> None:
        """Forget the previous text's last good graph, lint and target (a file was opened);
        the view forgets its boxes, so the next graph is laid out afresh and fitted."""
        self._fresh = True
        self.lint.forget()
        self.graph_view.clear()

    def _publish(self, doc) -> None:
        """Show ``doc``'s own graph, errors or not: every stage that can be read is drawn,
        and only the broken instructions (and their stages) are marked."""
        self.document = doc
        settings = self.settings.settings
        if (settings.target is not None and not self._holding_target and structure_ok(doc)
                and settings.target_index(doc) is None):
            # the chosen stage is gone from the text: say so, and build the file's target
            self.sig_message.emit(f"There is no stage {settings.target!r} any more; the build target is the file's again.")
            self.settings.set(settings.changed(target=None))
            return  # (the change re-published this document)
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
        problem = problem_text(self.diagnostics, doc)
        if self.problem and problem and problem != self.problem:  # the banner counts what Problems lists
            self.problem = problem
            self.graph_view.overlays.show_banner(problem)
        self.sig_diagnostics_changed.emit()

    def shown_document(self):
        """The Document whose stages the graph shows (always the text's own now)."""
        return self.document

    def set_target(self, stage: int | None) -> None:
        """The build target is a build setting: it changes the graph, never the text."""
        settings = self.settings.settings
        if not self.settings.set(settings.with_target_of(self.shown_document(), stage)):
            self._publish(self.document)

    def target_index(self) -> int | None:
        return self.graph.target

    @property
    def build_args(self) -> dict[str, str]:
        return dict(self.settings.settings.build_args)

    def set_build_args(self, build_args: dict[str, str]) -> None:
        self.settings.update(build_args=dict(build_args))

    def _on_settings_changed(self, old, new) -> None:
        if new.differs_for_graph(old):
            self._publish(self.document)

    @contextmanager
    def target_held(self):
        """While a rename is applied: a target naming the old name is not dropped."""
        self._holding_target = True
        try:
            yield
        finally:
            self._holding_target = False

    def follow_rename(self, old_name: str, new_name: str) -> None:
        """A stage was renamed: if it was the build target, the target follows it."""
        if not self.settings.set(self.settings.settings.renamed(old_name, new_name)):
            self._publish(self.document)
