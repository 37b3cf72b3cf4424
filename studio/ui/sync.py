"""The controller that keeps the text and the graph in step.

Text -> graph: every change to the QTextDocument restarts a short timer; when it fires
the new text is re-parsed (incrementally, from the one edited span) and the graph view
is given the new StageGraph. Graph -> text: the view's intent signals become core edit
operations, whose TextEdits are applied to the QTextDocument in one edit block (one undo
step); the re-parse then updates the graph. The graph is never edited directly.
"""
from __future__ import annotations

import gc
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QTextCursor

from studio.core.document import apply_edits, parse, reparse
from studio.core import edits as core_edits
from studio.core.model import Diagnostic, StageGraph, TextEdit
from studio.ui.editor.text_editor import OffsetMap, TextEditor
from studio.ui.sync_rules import diagnostics_by_stage, merge_diagnostics, single_edit, structure_ok

__all__ = ["SyncController", "editor_text", "single_edit", "structure_ok"]

HUGE_TEXT = 2_000_000  # characters: past this, re-parse less eagerly and do not lint
# A zero timer fires once the queued input is handled: keystrokes that arrived together
# (or while the last re-parse ran) are parsed once, with no added wait.
DEBOUNCE_MS = 0
HUGE_DEBOUNCE_MS = 250
LINT_IDLE_MS = 300  # lint runs once typing pauses: it never delays the graph
SETTLE_TEXT = 100_000  # characters: opening a text this big settles the heap (``settle_heap``)
YOUNG_GC_THRESHOLD = 20_000  # (Python's default is 700; see settle_heap)


def settle_heap() -> None:
    """Once a big file is open: collect, then hide every object alive now (the window,
    the parsed text, the graph's items) from the cycle collector. Its full passes then
    scan only what typing made since: on the 200-stage file the worst full pass while
    typing drops from ~100 ms to ~10 ms. Frozen objects are still freed by reference
    counting when they die; a cycle among them waits for the next file to be opened
    (which unfreezes and collects first).

    The youngest generation is also collected less often: each keystroke in a big
    file briefly holds tens of thousands of new objects (most freed at once by
    reference counting), which at the default threshold set off a young collection
    on nearly every keystroke (~1.5 ms each on the 200-stage file)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    young, *older = gc.get_threshold()
    if 0 < young < YOUNG_GC_THRESHOLD:
        gc.set_threshold(YOUNG_GC_THRESHOLD, *older)


def editor_text(editor: TextEditor) -> str:
    """The editor's text exactly (toPlainText would turn no-break spaces into spaces)."""
    return editor.document().toRawText().replace("\u2029", "\n")


class SyncController(QObject):
    """Owns the latest parsed Document and mediates every change between the panes."""

    sig_document_changed = Signal(object)  # the new Document, after each re-parse
    sig_graph_updated = Signal(object)  # the StageGraph the view now shows
    sig_message = Signal(str)  # a short status-bar message
    sig_edit_failed = Signal(str)  # an operation that could not apply, and why
    sig_edit_applied = Signal()  # a graph operation changed the text
    sig_diagnostics_changed = Signal()  # ``diagnostics`` changed without a re-parse (lint)

    def __init__(self, editor: TextEditor, graph_view, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.graph_view = graph_view
        self.build_args: dict[str, str] = {}
        self.target_key: str | None = None  # the build target: a stage's key, a view setting
        self.document = parse("")
        self.good_document = self.document
        self.graph: StageGraph = self.document.graph()
        self.good_graph = self.current_graph = self.graph  # shown / last good / of the text now
        self.stale = False
        self.showing_older = False
        self.diagnostics: list[Diagnostic] = []
        self.last_sync_seconds = 0.0
        self.confirm: Callable[[str], bool] = lambda _question: False  # set by the window
        self._echo = False  # True while we move a selection ourselves: ignore the echo
        self._fresh = True  # the next parse is of a newly loaded text
        self._edge_lines: tuple[StageGraph | None, set[int]] = (None, set())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.sync_now)
        self.lint_enabled = True
        self.lint_findings: list[Diagnostic] = []  # of the text as it was when lint last ran
        self._lint_timer = QTimer(self)
        self._lint_timer.setSingleShot(True)
        self._lint_timer.setInterval(LINT_IDLE_MS)
        self._lint_timer.timeout.connect(self.run_lint)
        editor.document().contentsChanged.connect(self._schedule)
        editor.cursorPositionChanged.connect(self._on_cursor_moved)
        self._connect_view(graph_view)

    def _connect_view(self, view) -> None:
        view.sig_stage_selected.connect(self._on_stage_selected)
        view.sig_edge_selected.connect(self._on_edge_selected)
        intents, on = view.interaction, self._on_stage
        intents.sig_rename_requested.connect(lambda key, name: on(key, self.rename_stage, name))
        intents.sig_add_copy_requested.connect(lambda source, target, paths, dest: on(
            source, lambda i: on(target, lambda j: self.add_copy(i, j, paths, dest))))
        intents.sig_remove_edge_requested.connect(self._remove_edge_of)
        intents.sig_remove_stage_requested.connect(lambda key: on(key, self.remove_stage))
        intents.sig_add_stage_requested.connect(lambda name, base, after: on(
            after, lambda i: self.add_stage(name, base, i)) if after else self.add_stage(name, base))
        intents.sig_set_base_requested.connect(lambda key, image: on(key, self.set_base, image))
        intents.sig_move_instruction_requested.connect(
            lambda line, key, position: on(key, lambda i: self.move_instruction(line, i, position)))
        intents.sig_set_target_requested.connect(lambda key: on(key, self.set_target))
        intents.sig_line_activated.connect(lambda line: self._reveal(line, line))

    def stage_of_key(self, key: str) -> int | None:
        """The index of the shown stage whose box has ``key`` (None if none has it now)."""
        from studio.ui.graph.scene import stage_keys

        keys = stage_keys(self.shown_document().stages)
        return keys.index(key) if key in keys else None

    def _on_stage(self, key: str, operation: Callable, *args):
        """Run ``operation(index, *args)`` for the stage with ``key``; a stage that is gone
        (the text changed under a gesture) is reported, never guessed."""
        index = self.stage_of_key(key)
        if index is None:
            self.sig_edit_failed.emit(f"there is no stage '{key}' in the text any more")
            return False
        return operation(index, *args)

    def _remove_edge_of(self, line: int, producer: str) -> bool:
        index = self.stage_of_key(producer)
        return self.remove_edge(line, index if index is not None else producer)

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
        self.lint_findings = []
        self.graph_view.clear()

    def _publish(self, doc) -> None:
        self.document = doc
        graph = self.current_graph = self._graph_of(doc)
        self.stale = not structure_ok(doc)
        fresh, self._fresh = self._fresh, False
        shown, shown_text = graph, doc.text
        if self.stale and not fresh:
            if self.good_document.stages:
                shown, shown_text = self.good_graph, self.good_document.text
        else:  # a newly opened text always shows its own shape, even if broken
            self.good_document, self.good_graph = doc, graph
        self.diagnostics = merge_diagnostics(doc.diagnostics, graph.diagnostics, self.lint_findings)
        self.graph = shown
        by_stage = diagnostics_by_stage(shown, self.diagnostics)
        self.showing_older = shown is not graph  # a stale text keeps an earlier shape on screen
        self.graph_view.set_graph(shown, by_stage, stale=self.stale, text=shown_text)
        self.editor.set_diagnostics(self.diagnostics, OffsetMap(doc.text))
        self.sig_graph_updated.emit(shown)
        self.sig_document_changed.emit(doc)
        self._select_under_cursor()
        if fresh and len(doc.text) >= SETTLE_TEXT:
            settle_heap()
        if self.lint_enabled and len(doc.text) <= HUGE_TEXT:
            self._lint_timer.start()

    def run_lint(self) -> None:
        """Add the lint findings (BuildKit checks, size rules) to the diagnostics."""
        self._lint_timer.stop()
        self.sync_now()
        doc = self.document
        try:
            from studio.core.lint import lint
            target = self.graph.target if not self.stale else None
            findings = list(lint(doc, self.build_args or None, target))
        except Exception as exc:  # lint is advice: its failure must not disturb editing
            findings = []
            self.sig_message.emit(f"Lint could not run: {exc}")
        self.lint_findings = findings
        self.diagnostics = merge_diagnostics(doc.diagnostics, self.current_graph.diagnostics, findings)
        self.editor.set_diagnostics(self.diagnostics, OffsetMap(doc.text))
        self.sig_diagnostics_changed.emit()

    def apply_fix(self, finding) -> bool:
        """Apply a lint finding's quick fix as one undo step (if the text still fits it)."""
        if self.editor.isReadOnly() or getattr(finding, "fix", None) is None:
            return False
        self.sync_now()
        try:
            edits = finding.fix(self.document)
        except Exception as exc:  # StaleFix or a rule bug: the text moved on
            self.sig_edit_failed.emit(f"This fix no longer applies ({exc}); the problems list is being refreshed.")
            self.run_lint()
            return False
        self.apply_text_edits(edits)
        if edits:
            self.sig_edit_applied.emit()
        return bool(edits)

    def shown_document(self):
        """The Document whose stages the graph shows (the last good one while stale)."""
        return self.good_document if self.stale else self.document

    # -- graph -> text ------------------------------------------------------------------
    def apply_text_edits(self, edits: list[TextEdit]) -> None:
        """Apply core TextEdits (offsets into the current text) as ONE undo step."""
        if not edits:
            return
        offsets = OffsetMap(self.document.text)
        cursor = QTextCursor(self.editor.document())
        cursor.beginEditBlock()
        for edit in sorted(edits, key=lambda e: e.start, reverse=True):
            cursor.setPosition(offsets.to_qt(edit.start))
            cursor.setPosition(offsets.to_qt(edit.end), QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(edit.new_text)
        cursor.endEditBlock()
        expected = apply_edits(self.document.text, edits)
        self.sync_now()
        if self.document.text != expected:  # Qt normalised something (a stray CR, U+2029)
            self.sig_message.emit("The edit was applied, but Qt changed some characters of it; check the text.")

    def run_operation(self, operation: Callable, *args, **kwargs) -> bool:
        """Run a core edit operation on the current text; an EditError changes nothing
        and is reported. Returns whether the text changed."""
        if self.editor.isReadOnly():
            self.sig_edit_failed.emit("This file is open read-only; the graph cannot change it.")
            return False
        self.sync_now()
        if self.stale:
            first = next((d for d in self.diagnostics if d.severity == "error"), None)
            where = f" (line {first.line}: {first.message})" if first else ""
            self.sig_edit_failed.emit(f"Fix the errors in the text first{where}; the graph is out of date.")
            return False
        try:
            edits = operation(self.document, *args, **kwargs)
        except core_edits.EditError as exc:
            self.sig_edit_failed.emit(str(exc))
            return False
        self.apply_text_edits(edits)
        if edits:
            self.sig_edit_applied.emit()
        return bool(edits)

    def rename_stage(self, stage: int, new_name: str) -> bool:
        doc = self.shown_document()
        old_key = doc.stages[stage].key if 0 <= stage < len(doc.stages) else None
        changed = self.run_operation(core_edits.rename_stage, stage, new_name)
        if changed and old_key is not None and old_key == self.target_key:
            self.target_key = new_name.lower()  # the target follows its stage
            self._publish(self.document)
        return changed

    def add_copy(self, source: int, target: int, paths: list, dest: str = "") -> bool:
        return self.run_operation(core_edits.add_copy, source, target, list(paths), dest or None)

    def remove_edge(self, line: int, source: int | str | None = None) -> bool:
        """``source``: the edge's producer (a stage index or an image), when a RUN mounts from several."""
        return self.run_operation(core_edits.remove_edge, line, source)

    def remove_stage(self, stage: int) -> bool:
        """Remove a stage; when others depend on it, ask before removing them too."""
        self.sync_now()
        cascade = False
        if not self.stale and not self.editor.isReadOnly():
            try:
                core_edits.remove_stage(self.document, stage)
            except core_edits.StageInUseError as exc:
                summary = exc.summary[:1].upper() + exc.summary[1:]
                cascade = self.confirm(
                    f"{summary}.\n\nRemove it anyway? Those COPY --from lines and mounts go with it, "
                    "and a stage built FROM it is rebased onto its base. (Undo brings everything back.)")
                if not cascade:
                    return False  # the user chose to keep it: nothing failed
            except core_edits.EditError:
                pass  # not about users of the stage: run_operation reports it as it is
        return self.run_operation(core_edits.remove_stage, stage, cascade=cascade)

    def add_stage(self, name: str, base: str, after: int = -1) -> bool:
        return self.run_operation(core_edits.add_stage, name, base, after=None if after is None or after < 0 else after)

    def set_base(self, stage: int, image: str) -> bool:
        return self.run_operation(core_edits.set_base, stage, image)

    def move_instruction(self, line: int, stage: int, position: int) -> bool:
        return self.run_operation(core_edits.move_instruction, line, stage, position)

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

    def set_build_args(self, build_args: dict[str, str]) -> None:
        self.build_args = dict(build_args)
        self._publish(self.document)

    # -- selection, both ways -----------------------------------------------------------
    def _on_stage_selected(self, index: int) -> None:
        if self._echo:
            return
        doc = self.shown_document()
        if index is None or index < 0 or index >= len(doc.stages):
            self.editor.clear_reveal()
            return
        stage = doc.stages[index]
        self._reveal(stage.line, max(stage.line, stage.end_line))

    def _on_edge_selected(self, line: int) -> None:
        if self._echo:
            return
        inst = self.shown_document().instruction_at_line(line) if line and line > 0 else None
        if inst is None:
            self.editor.clear_reveal()
            return
        self._reveal(inst.line, inst.end_line)

    def _reveal(self, line: int, end_line: int) -> None:
        self._echo = True
        try:
            self.editor.reveal_lines(line, end_line)
        finally:
            self._echo = False

    def _on_cursor_moved(self) -> None:
        if self._echo or self.pending():
            return
        self.editor.clear_reveal()
        self._select_under_cursor()

    def _select_under_cursor(self) -> None:
        """Highlight in the graph the edge or stage under the text cursor."""
        if self.stale:
            return
        line = self.editor.current_line()
        if self._edge_lines[0] is not self.graph:  # lines holding COPY/mount edges, per graph
            self._edge_lines = (self.graph, {e.line for e in self.graph.edges if e.kind != "from"})
        edge = line if line in self._edge_lines[1] else None
        view = self.graph_view
        self._echo = True
        try:
            if edge is not None:
                shown = view.selected_edge()
                if shown is None or shown.line != line or view.selected_stage() is not None:
                    view.select_edge(line)
            else:
                stage = self.document.stage_at_line(line)
                index = stage.index if stage is not None else None
                shown = view.selected_stage()
                if (shown.index if shown is not None else None) != index or view.selected_edge() is not None:
                    view.select_stage(index)
        finally:
            self._echo = False
