"""Graph -> text: the edit controller. The graph's intent signals (stage keys) and the
Graph menu's commands (stage indexes) become core edit operations, whose TextEdits are
applied to the QTextDocument in one edit block (one undo step); the re-parse that
follows updates the graph. Nothing here touches the graph itself."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextCursor

from studio.core import edits as core_edits
from studio.core.document import apply_edits
from studio.core.model import TextEdit
from studio.ui.editor.text_editor import OffsetMap
from studio.ui.graph.labels import stage_keys


class GraphEdits(QObject):
    """Runs edit operations on the text the SyncController ``sync`` parsed last."""

    sig_edit_failed = Signal(str)  # an operation that could not apply, and why
    sig_edit_applied = Signal()  # an operation changed the text
    sig_message = Signal(str)  # a short status-bar message

    def __init__(self, sync, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sync = sync
        self.editor = sync.editor
        self.confirm: Callable[[str], bool] = lambda _question: False  # set by the window

    # -- the graph's intents --------------------------------------------------------------
    def connect_intents(self, intents) -> None:
        """Turn a GraphInteraction's intent signals (stage keys) into operations."""
        on = self._on_stage
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
        intents.sig_set_target_requested.connect(lambda key: on(key, self.sync.set_target))

    def stage_of_key(self, key: str) -> int | None:
        """The index of the shown stage whose box has ``key`` (None if none has it now)."""
        keys = stage_keys(self.sync.shown_document().stages)
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

    # -- applying ---------------------------------------------------------------------------
    def apply_text_edits(self, edits: list[TextEdit]) -> None:
        """Apply core TextEdits (offsets into the current text) as ONE undo step."""
        if not edits:
            return
        document = self.sync.document
        offsets = OffsetMap(document.text)
        cursor = QTextCursor(self.editor.document())
        cursor.beginEditBlock()
        for edit in sorted(edits, key=lambda e: e.start, reverse=True):
            cursor.setPosition(offsets.to_qt(edit.start))
            cursor.setPosition(offsets.to_qt(edit.end), QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(edit.new_text)
        cursor.endEditBlock()
        expected = apply_edits(document.text, edits)
        self.sync.sync_now()
        if self.sync.document.text != expected:  # Qt normalised something (a stray CR, U+2029)
            self.sig_message.emit("The edit was applied, but Qt changed some characters of it; check the text.")

    def run_operation(self, operation: Callable, *args, **kwargs) -> bool:
        """Run a core edit operation on the current text; an EditError changes nothing
        and is reported. Returns whether the text changed."""
        if self.editor.isReadOnly():
            self.sig_edit_failed.emit("This file is open read-only; the graph cannot change it.")
            return False
        sync = self.sync
        sync.sync_now()
        if sync.stale:
            first = next((d for d in sync.diagnostics if d.severity == "error"), None)
            where = f" (line {first.line}: {first.message})" if first else ""
            self.sig_edit_failed.emit(f"Fix the errors in the text first{where}; until then the stages "
                                      "the graph shows may not be the ones BuildKit would see.")
            return False
        before = sync.document.stages
        try:
            edits = operation(sync.document, *args, **kwargs)
        except core_edits.EditError as exc:
            self.sig_edit_failed.emit(str(exc))
            return False
        self.apply_text_edits(edits)
        if edits:
            self._check_default_target(before)
            self.sig_edit_applied.emit()
        return bool(edits)

    def _check_default_target(self, before: list) -> None:
        """A stage added last becomes what ``docker build`` builds without --target: never
        silently. Say so, and offer to keep building the stage that was last."""
        sync, after = self.sync, self.sync.document.stages
        if sync.settings.settings.target is not None or not before or len(after) <= len(before):
            return  # a target the user chose stays; only an added stage can take the end
        old, new = before[-1], after[-1]
        if new.key == old.key:
            return
        question = (f"The new stage {new.label} is now the last one, so a build without a target "
                    f"(docker build, or Build here) would build it instead of {old.label}.\n\n"
                    f"Keep building {old.label}?")
        if self.confirm(question):
            sync.set_target(next((s.index for s in after if s.key == old.key), None))
            self.sig_message.emit(f"Still building {old.label}: it is the build target now "
                                  f"(the file's last stage is {new.label}).")
        else:
            self.sig_message.emit(f"The build target is now {new.label}, the file's last stage.")

    def apply_fix(self, finding) -> bool:
        """Apply a lint finding's quick fix as one undo step (if the text still fits it)."""
        if self.editor.isReadOnly() or getattr(finding, "fix", None) is None:
            return False
        self.sync.sync_now()
        try:
            edits = finding.fix(self.sync.document)
        except Exception as exc:  # StaleFix or a rule bug: the text moved on
            self.sig_edit_failed.emit(f"This fix no longer applies ({exc}); the problems list is being refreshed.")
            self.sync.lint.run()
            return False
        self.apply_text_edits(edits)
        if edits:
            self.sig_edit_applied.emit()
        return bool(edits)

    # -- the operations ---------------------------------------------------------------------
    def rename_stage(self, stage: int, new_name: str) -> bool:
        doc = self.sync.shown_document()
        old_name = doc.stages[stage].name if 0 <= stage < len(doc.stages) else None
        with self.sync.target_held():
            changed = self.run_operation(core_edits.rename_stage, stage, new_name)
        if changed and old_name:
            self.sync.follow_rename(old_name, new_name)  # the target follows its stage
        return changed

    def add_copy(self, source: int, target: int, paths: list, dest: str = "") -> bool:
        return self.run_operation(core_edits.add_copy, source, target, list(paths), dest or None)

    def remove_edge(self, line: int, source: int | str | None = None) -> bool:
        """``source``: the edge's producer (a stage index or an image), when a RUN mounts from several."""
        return self.run_operation(core_edits.remove_edge, line, source)

    def remove_stage(self, stage: int) -> bool:
        """Remove a stage; when others depend on it, ask before removing them too."""
        self.sync.sync_now()
        cascade = False
        if not self.sync.stale and not self.editor.isReadOnly():
            try:
                core_edits.remove_stage(self.sync.document, stage)
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

    def add_stage(self, name: str, base: str, after: int | None = -1) -> bool:
        """Add a stage after stage ``after``; by default (-1 or None) before the final
        stage, so what gets built stays the same."""
        if after is None or after < 0:
            self.sync.sync_now()
            stages = self.sync.document.stages
            after = stages[-2].index if len(stages) >= 2 else None
        return self.run_operation(core_edits.add_stage, name, base, after=after)

    def set_base(self, stage: int, image: str) -> bool:
        return self.run_operation(core_edits.set_base, stage, image)

    def move_instruction(self, line: int, stage: int, position: int) -> bool:
        return self.run_operation(core_edits.move_instruction, line, stage, position)
