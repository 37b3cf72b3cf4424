"""The main window: the Dockerfile text (and, later, its stage graph)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtGui import QAction, QFont, QFontDatabase, QIcon, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QPlainTextEdit

from studio import APP_NAME
from studio.paths import APP_ICON


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it over: never half a file."""
    directory = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.path: Path | None = None
        self.setWindowIcon(QIcon(str(APP_ICON)))
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("textEditor")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.document().modificationChanged.connect(self._update_title)
        self.setCentralWidget(self.editor)
        self._build_menus()
        self.resize(1280, 800)
        self._update_title()

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("&File")
        for text, shortcut, slot in (
            ("&Open…", QKeySequence.StandardKey.Open, self.open_dialog),
            ("&Save", QKeySequence.StandardKey.Save, self.save),
            ("&Quit", QKeySequence.StandardKey.Quit, self.close),
        ):
            action = QAction(text, self)
            action.setShortcut(shortcut)
            action.triggered.connect(slot)
            menu.addAction(action)

    def _update_title(self, *_args) -> None:
        name = self.path.name if self.path else "Untitled"
        self.setWindowFilePath(str(self.path) if self.path else "")
        self.setWindowTitle(f"{name}[*] — {APP_NAME}")
        self.setWindowModified(self.editor.document().isModified())

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open Dockerfile", str(self.path.parent if self.path else Path.cwd()))
        if path:
            self.open_file(path)

    def open_file(self, path: str | os.PathLike) -> bool:
        path = Path(path)
        try:
            data = path.read_bytes()
            text = data.decode("utf-8")
        except OSError as exc:
            QMessageBox.warning(self, APP_NAME, f"Could not open {path}:\n{exc.strerror or exc}")
            return False
        except UnicodeDecodeError as exc:
            QMessageBox.warning(self, APP_NAME, f"{path} is not UTF-8 text (byte {exc.start}); it was not opened.")
            return False
        self.path = path
        self.editor.setPlainText(text)
        self.editor.document().setModified(False)
        self._update_title()
        return True

    def save(self) -> bool:
        if self.path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Save Dockerfile", "Dockerfile")
            if not path:
                return False
            self.path = Path(path)
        atomic_write_bytes(self.path, self.editor.toPlainText().encode("utf-8"))
        self.editor.document().setModified(False)
        self._update_title()
        return True
