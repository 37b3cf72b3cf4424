"""What the window says about its document without being asked: the title, the status
bar's permanent labels (stages and target, cursor position, file format), its passing
messages about graph edits, and the message banner above the text."""
from __future__ import annotations

import html

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from studio import APP_NAME

BANNER_STYLES = {
    "error": "background:#fdecea; color:#8a1c1c; border-bottom:1px solid #f5c2c0;",
    "warning": "background:#fff4e0; color:#7a4b00; border-bottom:1px solid #f3d19c;",
    "info": "background:#e8f1fb; color:#1b4a7a; border-bottom:1px solid #bcd5f0;",
}
REFUSED = "Cannot change the graph"


class MessageBanner(QLabel):
    """A coloured line above the text: a file opened read-only, mixed line endings, ...
    It may offer one action, a link that emits ``sig_action(name)``."""

    sig_action = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.setWordWrap(True)
        self.setContentsMargins(8, 4, 8, 4)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.linkActivated.connect(self.sig_action)
        self.hide()

    def show_message(self, text: str, level: str = "info", action: tuple[str, str] | None = None) -> None:
        """``action``: (name, link text) offered after the message."""
        shown = html.escape(text)
        if action is not None:
            shown += f' &nbsp;<a href="{action[0]}">{html.escape(action[1])}</a>'
        self.setText(shown)
        self.setStyleSheet(BANNER_STYLES.get(level, BANNER_STYLES["info"]))
        self.show()

    def clear_message(self) -> None:
        self.hide()
        self.clear()

    def shown_text(self) -> str:
        """The message as a user reads it (no markup); "" when hidden."""
        if not self.isVisibleTo(self.window()):
            return ""
        doc = QTextDocument()
        doc.setHtml(self.text())
        return doc.toPlainText()


class WindowStatus(QObject):
    """The title and status bar of ``window``; the window tells it what changed."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        bar = window.statusBar()
        self.stages_label = QLabel(window)
        self.cursor_label = QLabel(window)
        self.format_label = QLabel(window)
        for label in (self.stages_label, self.cursor_label, self.format_label):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)

    def say(self, text: str, ms: int = 6000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def update_title(self, path, read_only: bool, modified: bool) -> None:
        name = path.name if path else "Untitled"
        if read_only:
            name += " (read-only)"
        self.window.setWindowFilePath(str(path) if path else "")
        self.window.setWindowTitle(f"{name}[*] — {APP_NAME}")
        self.window.setWindowModified(modified)

    def show_cursor(self, editor) -> None:
        cursor = editor.textCursor()
        self.cursor_label.setText(f"Ln {cursor.blockNumber() + 1}, Col {cursor.positionInBlock() + 1}")

    def show_format(self, description: str) -> None:
        self.format_label.setText(description)

    def show_stages(self, sync) -> None:
        graph = sync.graph
        target = graph.stages[graph.target].label if graph.target is not None and graph.stages else "—"
        count = len(graph.stages)
        text = f"{count} stage{'' if count == 1 else 's'} · target {target}"
        if sync.problem:
            text += " · text has errors"
        self.stages_label.setText(text)

    def edit_refused(self, message: str) -> None:
        self.say(f"{REFUSED}: {message}", 10000)

    def edit_applied(self) -> None:
        """A later edit that worked makes an earlier refusal's message stale."""
        if self.window.statusBar().currentMessage().startswith(REFUSED):
            self.window.statusBar().clearMessage()
