"""A window's file handling (``window.files``): new, open, save, revert, watching the
disk, the unsaved-changes prompt, recent files, files dropped on the window and the
graph arrangement kept per file. Crash recovery is its part ``window_recovery``.

Every question to the user goes through ``files.prompt(kind, title, message, choices)``
and every file name through ``files.ask_path(mode)``: tests replace both.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from studio import APP_NAME
from studio.ui.files import (
    BINARY, ENCODING_NAMES, FileFormat, FileWatcher, RecentFiles, atomic_write_bytes, decode_file, encode_text,
)
from studio.ui.graph import positions as positions_store
from studio.ui.sync_rules import single_edit
from studio.ui.window_recovery import WindowRecovery

READ_ONLY = "This file is open read-only (it is not UTF-8 text); saving is disabled."
_DROPS = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)
HUGE_FILE = 5_000_000  # bytes: no syntax highlighting past this
# Podman and Buildah read a Containerfile; both names are Dockerfiles to BuildKit
OPEN_FILTER = "Dockerfiles (*Dockerfile* *.dockerfile *Containerfile* *.containerfile);;All files (*)"

_BUTTONS = {
    "save": QMessageBox.StandardButton.Save, "discard": QMessageBox.StandardButton.Discard,
    "cancel": QMessageBox.StandardButton.Cancel, "ok": QMessageBox.StandardButton.Ok,
    "yes": QMessageBox.StandardButton.Yes, "no": QMessageBox.StandardButton.No,
    "restore": QMessageBox.StandardButton.Yes, "reload": QMessageBox.StandardButton.Yes,
    "keep": QMessageBox.StandardButton.No,
}


def message_box_prompt(parent: QWidget, kind: str, title: str, message: str, choices: tuple[str, ...]) -> str:
    """The real prompt: a QMessageBox whose buttons map back to the choice names."""
    box = QMessageBox(QMessageBox.Icon.Warning if kind in ("unsaved", "reload", "info") else QMessageBox.Icon.Question,
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


class WindowFiles(QObject):
    """The file behind one window's text. Needs the window's ``editor``, ``controller``,
    ``edits``, ``highlighter``, ``banner``, ``status`` and ``graph_view``."""

    sig_loaded = Signal()  # another file (or format) is in the window: title, labels, context
    sig_saved = Signal()  # written to ``path`` (maybe a new one)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.editor = window.editor
        self.path: Path | None = None
        self.file_format = FileFormat()
        self.recent = RecentFiles()
        self.recent_menu = None  # File > Open Recent, once the menus made it
        self.recovery = WindowRecovery(self)
        self.recovery.new_text(uuid.uuid4().hex)
        self.watcher = FileWatcher(self)
        self.watcher.sig_changed.connect(self._on_disk_changed)
        self.watcher.sig_removed.connect(self._on_disk_removed)
        window.graph_view.sig_positions_changed.connect(self.save_positions)
        window.banner.sig_action.connect(lambda name: self.reopen_converted() if name == "reopen-converted" else None)
        window.setAcceptDrops(True)  # drop a Dockerfile anywhere on the window to open it
        window.installEventFilter(self)

    # -- injectable questions ---------------------------------------------------------
    def prompt(self, kind: str, title: str, message: str, choices: tuple[str, ...]) -> str:
        return message_box_prompt(self.window, kind, title, message, choices)

    def ask_path(self, mode: str) -> str | None:
        start = str(self.path.parent if self.path else Path.cwd())
        if mode == "open":
            path, _ = QFileDialog.getOpenFileName(self.window, "Open Dockerfile", start, OPEN_FILTER)
        else:
            suggested = str(self.path) if self.path else str(Path(start) / "Dockerfile")
            path, _ = QFileDialog.getSaveFileName(self.window, "Save Dockerfile", suggested)
        return path or None

    # -- state ------------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        return self.file_format.read_only

    def is_modified(self) -> bool:
        return self.editor.document().isModified()

    def document_key(self) -> str:
        """Which document the window shows: its file, or ``untitled:<id>`` (each new text
        its own), so results of one are never shown with another."""
        return str(self.path.resolve()) if self.path else f"untitled:{self.recovery.untitled_id}"  # (one key however it was named)

    def _say(self, text: str, ms: int = 6000) -> None:
        self.window.status.say(text, ms)

    # -- new / open ---------------------------------------------------------------------
    def new_file(self, text: str = "") -> bool:
        if not self.maybe_save():
            return False
        self._load(text, FileFormat(), None, None)
        return True

    def close_file(self) -> bool:
        """File > Close: the window stays, with an empty untitled text (after asking
        about unsaved changes); the closed file's results leave with it."""
        if self.path is None and not self.window.current_text() and not self.is_modified():
            return True
        return self.new_file("")

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
            self.refresh_recent_menu()
            return False
        text, fmt = decode_file(data)
        if fmt.read_only_reason == BINARY:  # nothing in it to show or edit: refused, as the commands do
            self.prompt("info", APP_NAME, f"Could not open {path}:\n{BINARY[3:]}.", ("ok",))
            return False
        left_behind = self.recovery.store.read(self.recovery.store.key_for(path, ""))  # read before loading
        self._load(text, fmt, path, data)
        self.recent.add(path)
        self.refresh_recent_menu()
        banner = self.window.banner
        if fmt.read_only and fmt.legacy_encoding:
            name = ENCODING_NAMES.get(fmt.legacy_encoding, fmt.legacy_encoding)
            banner.show_message(f"{path.name} is open read-only: {fmt.read_only_reason}; it reads as {name}. "
                                "It is shown with replacement characters.", "error",
                                ("reopen-converted", f"Reopen as {name} (convert to UTF-8 on save)"))
        elif fmt.read_only:
            banner.show_message(f"{path.name} is open read-only: {fmt.read_only_reason}. "
                                "It is shown with replacement characters; saving is disabled.", "error")
        elif fmt.mixed_newlines:
            name = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}[fmt.newline]
            banner.show_message(f"{path.name} mixes line endings. Nothing changes on disk unless you save; "
                                f"saving writes {name} on every line.", "warning")
        self.recovery.offer_for_path(text, left_behind)
        return True

    def reopen_converted(self) -> bool:
        """The open non-UTF-8 file again, read in the encoding it was found to use; saving
        it then writes UTF-8 (nothing changes on disk until then)."""
        data = self._read_disk("reopen") if self.file_format.legacy_encoding else None
        if data is None:
            return False
        encoding = self.file_format.legacy_encoding
        text, fmt = decode_file(data, encoding)
        self._load(text, fmt, self.path, data)
        name = ENCODING_NAMES.get(encoding, encoding)
        self.window.banner.show_message(f"{self.path.name} is shown as read in {name}. Saving writes it as "
                                        "UTF-8; until then nothing changes on disk.", "warning")
        return True

    def _read_disk(self, verb: str) -> bytes | None:
        """The file's bytes as on disk now (None, and said why, when it cannot be read)."""
        if self.path is None:
            return None
        try:
            return self.path.read_bytes()
        except OSError as exc:
            self._say(f"Could not {verb} {self.path}: {exc}", 8000)
            return None

    def _load(self, text: str, fmt: FileFormat, path: Path | None, data: bytes | None) -> None:
        """Put new text in the editor: a fresh undo history, clean, the graph re-derived."""
        huge = len(text) > HUGE_FILE
        self.window.highlighter.setDocument(None if huge else self.editor.document())
        self.path = path
        self.file_format = fmt
        self.recovery.new_text(uuid.uuid4().hex)
        self.window.banner.clear_message()
        self.editor.setReadOnly(fmt.read_only)
        self.window.build_settings.open_file(path)  # (before the new text: the old one is re-drawn, then replaced)
        self.editor.setPlainText(text)
        self.editor.document().setModified(False)
        self.window.controller.reset()
        self.window.controller.lint.use_folder(path.parent if path is not None else None)
        self.load_positions()  # before the first graph: laid out once, around saved boxes
        self.window.controller.sync_now(force=True)
        self.window.build_settings.restore_target()  # (the new text's stages are known now)
        self.watcher.watch(path, data)
        self.sig_loaded.emit()
        if huge:
            self.window.banner.show_message("This file is very large: syntax highlighting is off.", "info")

    def replace_all_text(self, text: str) -> None:
        """Replace the text as one undo step, touching only the span that differs."""
        self.window.controller.sync_now()
        edit = single_edit(self.window.controller.document.text, text)
        if edit.start != edit.end or edit.new_text:
            self.window.edits.apply_text_edits([edit])

    # -- save ---------------------------------------------------------------------------
    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self, path: str | os.PathLike | None = None) -> bool:
        if self.read_only:
            self._say(READ_ONLY, 8000)
            return False
        path = path or self.ask_path("save")
        if not path:
            return False
        old_key = self.recovery.key()
        if not self._write(Path(path)):
            return False
        if old_key != self.recovery.key():
            self.recovery.discard(old_key)
        self.recent.add(self.path)
        self.refresh_recent_menu()
        return True

    def _write(self, path: Path) -> bool:
        if self.read_only:
            self._say(READ_ONLY, 8000)
            return False
        self.window.controller.sync_now()
        data = encode_text(self.window.current_text(), self.file_format)
        try:
            note = atomic_write_bytes(path, data)
        except OSError as exc:
            self.prompt("info", APP_NAME, f"Could not save {path}:\n{exc.strerror or exc}", ("ok",))
            return False
        self.path = path
        self.window.build_settings.rename_file(path)
        self.watcher.watch(path, data)
        self.recovery.discard()
        if self.file_format.mixed_newlines:
            self.file_format.mixed_newlines = False
            self.window.banner.clear_message()
        self.editor.document().setModified(False)
        self.save_positions()  # under the (maybe new) path
        self.sig_saved.emit()
        self.sig_loaded.emit()
        self._say(f"Saved {path}" + (f" ({note})" if note else ""), 15000 if note else 4000)
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
            self.recovery.discard()
            return True
        return False

    def close_cleanly(self) -> None:
        self.save_positions()
        self.recovery.stop()
        self.watcher.watch(None, None)

    # -- the file on disk -----------------------------------------------------------------
    def _on_disk_changed(self, _path: str) -> None:
        if self.is_modified():
            answer = self.prompt("reload", APP_NAME,
                                 f"{self.path.name} changed on disk, and you have unsaved changes here. "
                                 "Reload it from disk (your changes stay in the undo history) or keep yours?",
                                 ("reload", "keep"))
            if answer != "reload":
                self._say("Kept your version; saving will overwrite the file on disk.", 8000)
                return
        self.reload_from_disk()

    def revert(self) -> bool:
        """File > Revert to Saved: the file as on disk, as one undoable step."""
        if self.path is None:
            self._say("This document has never been saved: nothing to revert to.", 6000)
            return False
        return self.reload_from_disk(because="Reverted to the saved {name} (Undo brings your changes back).")

    def reload_from_disk(self, because: str = "Reloaded {name}: it changed on disk.") -> bool:
        data = self._read_disk("reload")
        if data is None:
            return False
        text, fmt = decode_file(data)
        self.file_format = fmt
        self.editor.setReadOnly(fmt.read_only)
        self.replace_all_text(text)
        self.editor.document().setModified(False)
        self.watcher.watch(self.path, data)
        self.window.banner.clear_message()
        if fmt.read_only:
            self.window.banner.show_message(f"{self.path.name} is open read-only: {fmt.read_only_reason}.", "error")
        self._say(because.format(name=self.path.name), 6000)
        self.sig_loaded.emit()
        return True

    def _on_disk_removed(self, _path: str) -> None:
        self.window.banner.show_message(f"{self.path.name} was deleted or moved on disk. Save writes it again.", "warning")
        self.editor.document().setModified(True)

    # -- recent files -------------------------------------------------------------------
    def refresh_recent_menu(self) -> None:
        menu = self.recent_menu
        if menu is None:
            return
        menu.clear()
        paths = self.recent.paths()
        for index, path in enumerate(paths):
            action = menu.addAction(f"&{index + 1}  {Path(path).name}  —  {Path(path).parent}")
            action.triggered.connect(lambda _checked=False, p=path: self.open_file(p))
        if paths:
            menu.addSeparator()
            menu.addAction("Clear List", lambda: (self.recent.clear(), self.refresh_recent_menu()))
        else:
            menu.addAction("No recent files").setEnabled(False)

    # -- graph positions per file -----------------------------------------------------------
    def load_positions(self) -> None:
        self.window.graph_view.set_positions(positions_store.load(self.path) if self.path else {})

    def save_positions(self) -> None:
        if self.path is None:
            return
        try:
            positions_store.save(self.path, self.window.graph_view.positions())
        except OSError as exc:
            self._say(f"Could not keep the graph layout: {exc}")

    # -- other files ----------------------------------------------------------------------
    def new_from_example(self, path: str | Path | None = None) -> bool:
        """New untitled document starting from an example (the gallery picks one)."""
        if path is None:  # the teaching gallery (gallery.json: pairs, "Compare Side by Side")
            from studio.ui.teach.pair_gallery import open_from_gallery
            return open_from_gallery(self.window)
        return self.new_file(Path(path).read_text(encoding="utf-8"))

    def export_graph(self, kind: str, path: str | Path | None = None) -> bool:
        if path is None:
            base = (self.path.stem if self.path else "graph") + f".{kind}"
            path, _ = QFileDialog.getSaveFileName(self.window, f"Export Graph as {kind.upper()}", base)
            if not path:
                return False
        try:
            written = self.window.graph_view.export(kind, str(path)) is not False
        except OSError as exc:
            written, reason = False, exc.strerror or str(exc)
        else:
            reason = "the file could not be written"
        if not written:
            self._say(f"Could not export the graph to {path}: {reason}", 8000)
            return False
        self._say(f"Exported the graph to {path}", 5000)
        return True

    def eventFilter(self, watched, event) -> bool:
        """A file dragged onto the window opens in it."""
        if watched is not self.window or event.type() not in _DROPS:
            return False
        mime = event.mimeData()
        files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []
        if not files:
            return False
        event.acceptProposedAction()
        if event.type() == QEvent.Type.Drop:
            self.open_file(files[0])
        return True
