"""Edit an instruction in place: a text box laid over its row, checked as you type.

Enter applies (Shift+Enter starts a continuation line), Escape cancels. While the text
has an error the problem shows under the box and Enter does nothing, so a broken
instruction never reaches the file from here.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QFontMetrics, QPalette
from PySide6.QtWidgets import QLabel, QPlainTextEdit

from studio.ui.graph.instruction_palette import Problems, problems_html


class _Box(QPlainTextEdit):
    sig_enter = Signal()
    sig_escape = Signal()
    sig_left = Signal()

    def event(self, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Delete):
            event.accept()  # ours while editing (the window's Esc cancels builds; Del removes rows)
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.sig_enter.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.sig_escape.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().focusOutEvent(event)
        self.sig_left.emit()


class RowEditor(QObject):
    """The in-place editor of one view; ``sig_committed(line, text)`` when applied."""

    sig_committed = Signal(int, str)

    def __init__(self, view) -> None:
        super().__init__(view)
        self.view = view
        self.box = _Box(view.viewport())
        self.box.setObjectName("rowEditor")
        self.box.hide()
        self.problems = QLabel(view.viewport())
        self.problems.setObjectName("rowEditorProblems")
        self.problems.setWordWrap(True)
        # opaque: the box under it (its footer, its "+") must not show through the message
        # (a style sheet's palette(tool-tip-base) is transparent: the colours are named here)
        palette = self.problems.palette()
        back, text = (palette.color(role).name() for role in (QPalette.ColorRole.ToolTipBase,
                                                               QPalette.ColorRole.ToolTipText))
        self.problems.setStyleSheet(f"QLabel {{ background-color: {back}; color: {text};"
                                    " border: 1px solid #c0392b; padding: 2px 6px; }")
        self.problems.hide()
        self.check: Callable[[str], Problems] = lambda _text: []
        self.line = 0
        self._original = ""
        self._errors = False
        self.box.textChanged.connect(self._on_changed)
        self.box.sig_enter.connect(self.commit)
        self.box.sig_escape.connect(self.cancel)
        self.box.sig_left.connect(self._on_left)

    def start(self, rect: QRect, line: int, text: str, check: Callable[[str], Problems]) -> None:
        """Edit ``text`` (the instruction on ``line``) in a box over ``rect`` (viewport)."""
        self.line, self._original, self.check = line, text, check
        self.box.setFont(self.view.scene().theme.mono_font)
        lines = max(1, text.count("\n") + 1)
        height = QFontMetrics(self.box.font()).lineSpacing() * min(lines, 8) + 12
        self.box.setGeometry(rect.x(), rect.y() - 3, max(rect.width(), 320), max(rect.height() + 6, height))
        self.box.setPlainText(text)
        self.box.show()
        self.box.raise_()
        self.box.setFocus(Qt.FocusReason.OtherFocusReason)
        self.box.selectAll()
        self._on_changed()

    def is_active(self) -> bool:
        return self.box.isVisible()

    def text(self) -> str:
        return self.box.toPlainText()

    def _on_changed(self) -> None:
        found = self.check(self.text()) if self.text().strip() else [("error", "An instruction cannot be empty.")]
        self._errors = any(sev == "error" for sev, _ in found)
        self.problems.setText(problems_html(found))
        geo = self.box.geometry()
        self.problems.setGeometry(geo.x(), geo.bottom() + 2, geo.width(), 10)
        self.problems.adjustSize()
        self.problems.setFixedWidth(geo.width())
        self.problems.setVisible(bool(found) and self.box.isVisible())
        self.problems.raise_()
        self.box.setStyleSheet("QPlainTextEdit { border: 2px solid #c0392b; }" if self._errors else "")

    def commit(self) -> None:
        if not self.box.isVisible() or self._errors:
            return
        text = self.text()
        self._close()
        if text != self._original:
            self.sig_committed.emit(self.line, text)

    def cancel(self) -> None:
        self._close()

    def _on_left(self) -> None:
        if self.box.isVisible():
            self.commit() if not self._errors else self.cancel()

    def _close(self) -> None:
        self.box.hide()
        self.problems.hide()
        self.view.setFocus()
