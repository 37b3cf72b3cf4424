"""Unsaved work survives a crash: every AUTOSAVE_MS the modified text of a window is
written aside, removed again when the text is saved, discarded or back at its saved
state, and offered back when the crashed file is opened (or, for an untitled text, at
start-up)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from studio import APP_NAME
from studio.ui.files import RecoveryEntry, RecoveryStore

AUTOSAVE_MS = 30_000


class WindowRecovery(QObject):
    """The recovery copy of one window's document (``files.recovery``)."""

    def __init__(self, files) -> None:
        super().__init__(files)
        self.files = files
        self.store = RecoveryStore()
        self.untitled_id = ""
        self._autosaved_text: str | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.autosave_now)
        self.timer.start()
        files.window.editor.document().modificationChanged.connect(self._on_modification_changed)

    def key(self) -> str:
        return self.store.key_for(self.files.path, self.untitled_id)

    def new_text(self, untitled_id: str) -> None:
        """Another text is in the window: nothing of it is written aside yet."""
        self.untitled_id = untitled_id
        self._autosaved_text = None

    def discard(self, key: str | None = None) -> None:
        self.store.remove(key or self.key())
        self._autosaved_text = None

    def stop(self) -> None:
        """The window closes cleanly: nothing to recover."""
        self.timer.stop()
        self.store.remove(self.key())

    def autosave_now(self) -> bool:
        """Write the unsaved text aside (called every AUTOSAVE_MS while modified)."""
        files = self.files
        if not files.is_modified() or files.read_only:
            return False
        text = files.window.current_text()
        if text == self._autosaved_text:
            return False
        try:
            self.store.write(self.key(), files.path, text)
        except OSError as exc:
            files.window.status.say(f"Could not write the recovery copy: {exc}", 8000)
            return False
        self._autosaved_text = text
        return True

    def _on_modification_changed(self, modified: bool) -> None:
        if not modified:  # back at the saved state (undo): nothing left to recover
            self.discard()

    def offer_for_path(self, disk_text: str, entry: RecoveryEntry | None) -> None:
        """A file was opened: offer back what a crashed session left for it."""
        if entry is None or self.files.read_only:
            return
        if entry.text == disk_text:
            self.discard()
            return
        if self._ask_restore(entry):
            self.files.replace_all_text(entry.text)
        else:
            self.discard()

    def _ask_restore(self, entry: RecoveryEntry) -> bool:
        when = datetime.fromtimestamp(entry.saved_at).strftime("%Y-%m-%d %H:%M")
        name = Path(entry.path).name if entry.path else "an untitled Dockerfile"
        answer = self.files.prompt("recover", APP_NAME,
                                   f"{APP_NAME} did not close cleanly and kept unsaved changes to {name} "
                                   f"(saved aside at {when}). Restore them?", ("restore", "discard"))
        return answer == "restore"

    def offer_recovery(self) -> bool:
        """At start-up: offer back the work of a session that crashed. A file's changes
        are offered when that file is opened; an untitled text is restored here."""
        for entry in self.store.orphans():
            if entry.file.name == f"{self.key()}.json":
                continue
            if entry.path:
                if Path(entry.path).exists():
                    return self.files.open_file(entry.path)
                continue
            if self._ask_restore(entry):
                self.files.new_file("")
                self.files.replace_all_text(entry.text)
                entry.file.unlink(missing_ok=True)
                self.autosave_now()
                return True
            entry.file.unlink(missing_ok=True)
        return False
