"""The design controller: turns design intents (stage keys, lines, text) into core edits
on the window's text, one undo step each, and answers the questions the design
gestures ask of the document (what is wrong with this text here, what a row says).

Gesture -> intent (``graph.design_interaction``) -> core edit (here) -> text (the sync
controller's single undo stack) -> re-parse -> graph. Refactorings show a preview diff
first and may build the file before and after through the build bar's baseline.
"""
from __future__ import annotations

from PySide6.QtCore import QObject

from studio.core import edits_lines, edits_links, refactor
from studio.core.document import apply_edits, parse
from studio.core.edits_base import EditError, from_words, line_start_of
from studio.ui.graph.design_interaction import DesignInteraction
from studio.ui.refactor_preview import ask_preview
from studio.ui.sync_rules import merge_diagnostics


class DesignUI(QObject):
    """The window's design part (``window.design``): the interaction over the graph and
    the controller that turns its intents into edits through ``window.edits``."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.sync = window.controller  # the parsed text
        self.edits = window.edits  # the one way edits reach the text (one undo step each)
        view = window.graph_view
        self.interaction = DesignInteraction(view)
        self.ask_preview = ask_preview  # replaceable: (parent, title, diff, notes, can_compare) -> (apply, compare)
        self._comparing: list = []  # the steps of a running "build both and compare"
        it = self.interaction
        it.check = self.check
        it.instruction_text = self.instruction_text
        it.stage_from = self.stage_from
        it.sig_add_instruction_requested.connect(self.add_instruction)
        it.sig_set_instruction_requested.connect(lambda line, text: self.run(edits_lines.set_instruction, line, text))
        it.sig_remove_instruction_requested.connect(lambda line: self.run(edits_lines.remove_instruction, line))
        it.sig_duplicate_instruction_requested.connect(lambda line: self.run(edits_lines.duplicate_instruction, line))
        it.sig_repoint_requested.connect(self.repoint)
        it.sig_duplicate_stage_requested.connect(
            lambda key, name: self._with(key, lambda i: self.run(edits_links.duplicate_stage, i, name)))
        it.sig_insert_stage_requested.connect(self.insert_stage)
        it.sig_extract_requested.connect(lambda key, first, last, name, paths: self._with(
            key, lambda _i: self.refactor(refactor.extract_stage, first, last, name, paths)))
        it.sig_slim_requested.connect(lambda key, image, paths: self._with(
            key, lambda i: self.refactor(refactor.slim_stage, image, paths, i)))
        it.sig_inline_requested.connect(lambda key: self._with(key, lambda i: self.refactor(refactor.inline_stage, i)))
        self.sync.sig_graph_updated.connect(lambda _graph: it.graph_changed())
        view.overlays.sig_new_stage.connect(lambda: view.interaction.request_add_stage())
        view.overlays.sig_open_gallery.connect(lambda: window.files.new_from_example())

    # ----- plumbing ---------------------------------------------------------------------------
    def _with(self, key: str, action):
        index = self.edits.stage_of_key(key)
        if index is None:
            self.edits.sig_edit_failed.emit(f"there is no stage '{key}' in the text any more")
            return False
        return action(index)

    def run(self, operation, *args) -> bool:
        return self.edits.run_operation(operation, *args)

    def _document(self):
        self.sync.sync_now()
        return self.sync.document

    # ----- answers for the gestures ---------------------------------------------------------------
    def _edits_for(self, doc, key: str, position: int | None, line: int | None, text: str):
        if line is not None:
            return edits_lines.set_instruction(doc, line, text)
        index = self.edits.stage_of_key(key)
        if index is None:
            raise EditError(f"there is no stage '{key}' in the text any more")
        if text.lstrip().upper().startswith("FROM"):
            return edits_lines.set_instruction(doc, doc.stages[index].line, text)
        return edits_lines.add_instruction(doc, index, text, position)

    def check(self, key: str, position: int | None, line: int | None, text: str) -> list[tuple[str, str]]:
        """What the text pane would say about ``text`` written there: the refusal, or the
        parser and lint diagnostics on its lines that the file does not have already."""
        doc = self._document()
        try:
            edits = self._edits_for(doc, key, position, line, text)
        except EditError as exc:
            return [("error", str(exc)[:1].upper() + str(exc)[1:])]
        if not edits:
            return []
        new = parse(apply_edits(doc.text, edits))
        first = new.line_of(edits[0].start)
        last = first + edits[0].new_text.count("\n")
        try:
            from studio.core.lint import lint
            findings = list(lint(new))
            before = {(d.code, d.message) for d in lint(doc)}
        except Exception:  # lint is advice; the parser's word stands alone
            findings, before = [], set()
        before |= {(d.code, d.message) for d in doc.diagnostics}
        found = merge_diagnostics(new.diagnostics, findings)
        return [(d.severity, d.message) for d in found
                if first <= d.line <= last and (d.code, d.message) not in before]

    def instruction_text(self, line: int) -> str:
        doc = self._document()
        ins = doc.instruction_at_line(line)
        if ins is None:
            return ""
        text = doc.text[line_start_of(doc.text, ins.start):ins.end].replace("\r\n", "\n").rstrip("\n")
        return text.lstrip(" \t")

    def stage_from(self, key: str) -> tuple[str, str, str] | None:
        index = self.edits.stage_of_key(key)
        if index is None:
            return None
        doc = self.sync.shown_document()
        st = doc.stages[index]
        image, _, _ = from_words(doc, st)
        return (image.text if image is not None else st.base), st.name or "", st.platform or ""

    # ----- intents -------------------------------------------------------------------------------
    def add_instruction(self, key: str, position: int, text: str) -> bool:
        def do(index: int) -> bool:
            if text.lstrip().upper().startswith("FROM"):  # the palette's "FROM flags"
                return self.run(edits_lines.set_instruction, self.sync.document.stages[index].line, text)
            return self.run(edits_lines.add_instruction, index, text, position)
        return self._with(key, do)

    def repoint(self, line: int, producer: str, key: str) -> bool:
        source = self.edits.stage_of_key(producer)
        which = source if source is not None else producer.removeprefix("image:")
        return self._with(key, lambda i: self.run(edits_links.repoint, line, i, which))

    def insert_stage(self, name: str, _base: str, before: str) -> bool:
        def do(index: int) -> bool:
            doc = self._document()
            child = doc.stages[index]
            parent = doc.stages[child.base_stage].name if child.base_stage is not None else child.base
            return self.run(edits_links.insert_stage, name, parent or child.base, index)
        return self._with(before, do)

    def refactor(self, operation, *args) -> bool:
        """Preview a refactoring's diff and notes; apply it as one undo step if the user
        agrees (after building the file as it is, if they asked to compare)."""
        edits = self.edits
        if edits.editor.isReadOnly() or self.sync.stale:
            return edits.run_operation(lambda _doc: [])  # says why nothing can change now
        doc = self._document()
        try:
            plan = operation(doc, *args)
        except EditError as exc:
            edits.sig_edit_failed.emit(str(exc))
            return False
        new_text = apply_edits(doc.text, plan.edits)
        diff = refactor.preview_diff(doc.text, new_text)
        panel = getattr(self.window, "build", None)
        builds = getattr(panel, "controller", None)
        applied, compare = self.ask_preview(self.window, plan.title, diff, plan.notes,
                                            builds is not None and not builds.running())
        if not applied:
            return False
        if compare and builds is not None and self.compare_builds(builds, doc.text, plan.edits):
            return True
        return self.apply(doc.text, plan.edits)

    def apply(self, expected_text: str, edits) -> bool:
        self.sync.sync_now()
        if self.sync.document.text != expected_text:
            self.edits.sig_edit_failed.emit("The text changed since the preview; run the refactoring again.")
            return False
        self.edits.apply_text_edits(edits)
        self.edits.sig_edit_applied.emit()
        return True

    def compare_builds(self, builds, text: str, edits) -> bool:
        """Build the text as it is, pin that build as the baseline, apply the edits, build
        again: the boxes and charts then show each stage's change in size."""
        def finished(result) -> None:
            step = self._comparing.pop(0) if self._comparing else None
            if step == "before":
                if result is None or not result.ok or not builds.pin_baseline():
                    self._comparing.clear()
                    builds.sig_finished.disconnect(finished)
                    self.edits.sig_edit_failed.emit("The build before the refactoring failed, so there is "
                                                   "nothing to compare; the refactoring was not applied.")
                    return
                if self.apply(text, edits) and builds.start():
                    return
            self._comparing.clear()
            builds.sig_finished.disconnect(finished)

        self._comparing[:] = ["before", "after"]
        builds.sig_finished.connect(finished)
        if builds.start():
            return True
        self._comparing.clear()
        builds.sig_finished.disconnect(finished)
        return False
