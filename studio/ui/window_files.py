"""The main window's file handling: new, open, save, recovery, watching the disk and
the unsaved-changes prompt. A mixin so main_window.py stays about layout and wiring.

Every question to the user goes through ``self.prompt(kind, title, message, choices)``
and every file name through ``self.ask_path(mode)``: tests replace both.
"""
from __future__ import annotations

import os
import uuid
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from studio import APP_NAME
from studio.ui.files import (
    FileFormat, FileWatcher, RecentFiles, RecoveryEntry, RecoveryStore, atomic_write_bytes,
    decode_file, encode_text,
)
from studio.ui.sync import editor_text, single_edit

AUTOSAVE_MS = 30_000
HUGE_FILE = 5_000_000  # bytes: no syntax highlighting past this

_BUTTONS = {
    "save": QMessageBox.StandardButton.Save, "discard": QMessageBox.StandardButton.Discard,
    "cancel": QMessageBox.StandardButton.Cancel, "ok": QMessageBox.StandardButton.Ok,
    "yes": QMessageBox.StandardButton.Yes, "no": QMessageBox.StandardButton.No,
    "restore": QMessageBox.StandardButton.Yes, "reload": QMessageBox.StandardButton.Yes,
    "keep": QMessageBox.StandardButton.No,
}


def message_box_prompt(parent: QWidget, kind: str, title: str, message: str, choices: tuple[str, ...]) -> str:
    """The real prompt: a QMessageBox whose buttons map back to the choice names."""
    box = QMessageBox(QMessageBox.Icon.Warning if kind in ("unsaved", "reload") else QMessageBox.Icon.Question,
                      title, message, parent=parent)
    buttons = {}
    for choice in choices:
        button = box.addButton(_BUTTONS.get(choice, QMessageBox.StandardButton.Ok))
        if choice in ("restore", "reload", "keep"):
            button.setText({"restore": "Restore", "reload": "Reload", "keep": "Keep Mine"}[choice])
        buttons[button] = choice
    box.setDefaultButton(next(iter(buttons)))
    box.exec()
    return buttons.get(box.clickedButton(), choices[-1])


class WindowFilesMixin:
    """Needs ``editor``, ``controller``, ``highlighter`` and the ``_on_*`` hooks of MainWindow."""

    def _init_files(self) -> None:
        self.path: Path | None = None
        self.file_format = FileFormat()
        self.recent = RecentFiles()
        self.recovery = RecoveryStore()
        self._untitled_id = uuid.uuid4().hex
        self._autosaved_text: str | None = None
        self.watcher = FileWatcher(self)
        self.watcher.sig_changed.connect(self._on_disk_changed)
        self.watcher.sig_removed.connect(self._on_disk_removed)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave_now)
        self.autosave_timer.start()
        self.editor.document().modificationChanged.connect(self._on_modification_changed)

    # -- injectable questions ---------------------------------------------------------
    def prompt(self, kind: str, title: str, message: str, choices: tuple[str, ...]) -> str:
        return message_box_prompt(self, kind, title, message, choices)

    def ask_path(self, mode: str) -> str | None:
        start = str(self.path.parent if self.path else Path.cwd())
        if mode == "open":
            path, _ = QFileDialog.getOpenFileName(self, "Open Dockerfile", start,
                                                  "Dockerfiles (*Dockerfile* *.dockerfile);;All files (*)")
        else:
            suggested = str(self.path) if self.path else str(Path(start) / "Dockerfile")
            path, _ = QFileDialog.getSaveFileName(self, "Save Dockerfile", suggested)
        return path or None

    # -- state ------------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        return self.file_format.read_only

    def is_modified(self) -> bool:
        return self.editor.document().isModified()

    def recovery_key(self) -> str:
        return self.recovery.key_for(self.path, self._untitled_id)

    # -- new / open ---------------------------------------------------------------------
    def new_file(self, text: str = "") -> bool:
        if not self.maybe_save():
            return False
        self._load(text, FileFormat(), None, None)
        return True

    def open_dialog(self) -> None:
        path = self.ask_path("open")
        if path:
            self.open_file(path)

    def open_file(self, path: str | os.PathLike) -> bool:
        """Open ``path``; a file that is not UTF-8 opens read-only. Offers back unsaved
        changes a crashed session left for this file."""
        path = Path(path)
        if not self.maybe_save():
            return False
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.prompt("info", APP_NAME, f"Could not open {path}:\n{exc.strerror or exc}", ("ok",))
            self.recent.remove(str(path.resolve()))
            self._refresh_recent_menu()
            return False
        text, fmt = decode_file(data)
        left_behind = self.recovery.read(self.recovery.key_for(path, ""))  # read before loading
        self._load(text, fmt, path, data)
        self.recent.add(path)
        self._refresh_recent_menu()
        if fmt.read_only:
            self.show_banner(f"{path.name} is open read-only: {fmt.read_only_reason}. "
                             "It is shown with replacement characters; saving is disabled.", "error")
        elif fmt.mixed_newlines:
            name = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}[fmt.newline]
            self.show_banner(f"{path.name} mixes line endings. Nothing changes on disk unless you save; "
                             f"saving writes {name} on every line.", "warning")
        self._offer_recovery_for_path(text, left_behind)
        return True

    def _load(self, text: str, fmt: FileFormat, path: Path | None, data: bytes | None) -> None:
        """Put new text in the editor: a fresh undo history, clean, the graph re-derived."""
        huge = len(text) > HUGE_FILE
        self.highlighter.setDocument(None if huge else self.editor.document())
        self.path = path
        self.file_format = fmt
        self._untitled_id = uuid.uuid4().hex
        self._autosaved_text = None
        self.hide_banner()
        self.editor.setReadOnly(fmt.read_only)
        self.editor.setPlainText(text)
        self.editor.document().setModified(False)
        self.controller.reset()
        self.load_positions()  # before the first graph: laid out once, around saved boxes
        self.controller.sync_now(force=True)
        self.watcher.watch(path, data)
        self._on_file_loaded()
        if huge:
            self.show_banner("This file is very large: syntax highlighting is off.", "info")

    def _replace_all_text(self, text: str) -> None:
        """Replace the text as one undo step, touching only the span that differs."""
        self.controller.sync_now()
        edit = single_edit(self.controller.document.text, text)
        if edit.start != edit.end or edit.new_text:
            self.controller.apply_text_edits([edit])

    # -- save ---------------------------------------------------------------------------
    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self, path: str | os.PathLike | None = None) -> bool:
        if self.read_only:
            self._refuse_read_only()
            return False
        path = path or self.ask_path("save")
        if not path:
            return False
        old_key = self.recovery_key()
        if not self._write(Path(path)):
            return False
        if old_key != self.recovery_key():
            self.recovery.remove(old_key)
        self.recent.add(self.path)
        self._refresh_recent_menu()
        return True

    def _refuse_read_only(self) -> None:
        self.statusBar().showMessage("This file is open read-only (it is not UTF-8 text); saving is disabled.", 8000)

    def _write(self, path: Path) -> bool:
        if self.read_only:
            self._refuse_read_only()
            return False
        self.controller.sync_now()
        data = encode_text(editor_text(self.editor), self.file_format)
        try:
            note = atomic_write_bytes(path, data)
        except OSError as exc:
            self.prompt("info", APP_NAME, f"Could not save {path}:\n{exc.strerror or exc}", ("ok",))
            return False
        self.path = path
        self.watcher.watch(path, data)
        self.recovery.remove(self.recovery_key())
        self._autosaved_text = None
        if self.file_format.mixed_newlines:
            self.file_format.mixed_newlines = False
            self.hide_banner()
        self.editor.document().setModified(False)
        self._on_file_saved()
        self.statusBar().showMessage(f"Saved {path}" + (f" ({note})" if note else ""), 15000 if note else 4000)
        return True

    # -- leaving ------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Ask about unsaved changes. True when it is fine to drop the current text."""
        if not self.is_modified():
            return True
        name = self.path.name if self.path else "Untitled"
        answer = self.prompt("unsaved", APP_NAME, f"Save the changes to {name} before closing it?",
                             ("save", "discard", "cancel") if not self.read_only else ("discard", "cancel"))
        if answer == "save":
            return self.save()
        if answer == "discard":
            self.recovery.remove(self.recovery_key())
            return True
        return False

    def _close_cleanly(self) -> None:
        self.autosave_timer.stop()
        self.recovery.remove(self.recovery_key())
        self.watcher.watch(None, None)

    # -- recovery -----------------------------------------------------------------------
    def autosave_now(self) -> bool:
        """Write the unsaved text aside (called every AUTOSAVE_MS while modified)."""
        if not self.is_modified() or self.read_only:
            return False
        text = editor_text(self.editor)
        if text == self._autosaved_text:
            return False
        try:
            self.recovery.write(self.recovery_key(), self.path, text)
        except OSError as exc:
            self.statusBar().showMessage(f"Could not write the recovery copy: {exc}", 8000)
            return False
        self._autosaved_text = text
        return True

    def _on_modification_changed(self, modified: bool) -> None:
        if not modified:  # back at the saved state (undo): nothing left to recover
            self.recovery.remove(self.recovery_key())
            self._autosaved_text = None

    def _offer_recovery_for_path(self, disk_text: str, entry: RecoveryEntry | None) -> None:
        if entry is None or self.read_only:
            return
        if entry.text == disk_text:
            self.recovery.remove(self.recovery_key())
            return
        if self._ask_restore(entry):
            self._replace_all_text(entry.text)
        else:
            self.recovery.remove(self.recovery_key())

    def _ask_restore(self, entry: RecoveryEntry) -> bool:
        when = datetime.fromtimestamp(entry.saved_at).strftime("%Y-%m-%d %H:%M")
        name = Path(entry.path).name if entry.path else "an untitled Dockerfile"
        answer = self.prompt("recover", APP_NAME,
                             f"{APP_NAME} did not close cleanly and kept unsaved changes to {name} "
                             f"(saved aside at {when}). Restore them?", ("restore", "discard"))
        return answer == "restore"

    def offer_recovery(self) -> bool:
        """At start-up: offer back the work of a session that crashed. A file's changes
        are offered when that file is opened; an untitled text is restored here."""
        for entry in self.recovery.orphans():
            if entry.file.name == f"{self.recovery_key()}.json":
                continue
            if entry.path:
                if Path(entry.path).exists():
                    return self.open_file(entry.path)
                continue
            if self._ask_restore(entry):
                self.new_file("")
                self._replace_all_text(entry.text)
                entry.file.unlink(missing_ok=True)
                self.autosave_now()
                return True
            entry.file.unlink(missing_ok=True)
        return False

    # -- the file on disk -----------------------------------------------------------------
    def _on_disk_changed(self, _path: str) -> None:
        if self.is_modified():
            answer = self.prompt("reload", APP_NAME,
                                 f"{self.path.name} changed on disk, and you have unsaved changes here. "
                                 "Reload it from disk (your changes stay in the undo history) or keep yours?",
                                 ("reload", "keep"))
            if answer != "reload":
                self.statusBar().showMessage("Kept your version; saving will overwrite the file on disk.", 8000)
                return
        self.reload_from_disk()

    def revert(self) -> bool:
        """File > Revert to Saved: the file as on disk, as one undoable step."""
        if self.path is None:
            self.statusBar().showMessage("This document has never been saved: nothing to revert to.", 6000)
            return False
        return self.reload_from_disk(because="Reverted to the saved {name} (Undo brings your changes back).")

    def reload_from_disk(self, because: str = "Reloaded {name}: it changed on disk.") -> bool:
        if self.path is None:
            return False
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            self.statusBar().showMessage(f"Could not reload {self.path}: {exc}", 8000)
            return False
        text, fmt = decode_file(data)
        self.file_format = fmt
        self.editor.setReadOnly(fmt.read_only)
        self._replace_all_text(text)
        self.editor.document().setModified(False)
        self.watcher.watch(self.path, data)
        self.hide_banner()
        if fmt.read_only:
            self.show_banner(f"{self.path.name} is open read-only: {fmt.read_only_reason}.", "error")
        self.statusBar().showMessage(because.format(name=self.path.name), 6000)
        self._on_file_loaded()
        return True

    def _on_disk_removed(self, _path: str) -> None:
        self.show_banner(f"{self.path.name} was deleted or moved on disk. Save writes it again.", "warning")
        self.editor.document().setModified(True)
