"""The find/replace bar under the text pane (Ctrl+F / Ctrl+H)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox, QGridLayout, QLabel, QLineEdit, QPlainTextEdit, QToolButton, QWidget,
)


class FindReplaceBar(QWidget):
    """Search the editor's document; replacing goes through the document's undo stack,
    and Replace All is one undo step."""

    sig_closed = Signal()

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findReplaceBar")
        self.editor = editor
        self.find_edit = QLineEdit(self)
        self.find_edit.setPlaceholderText("Find")
        self.find_edit.setClearButtonEnabled(True)
        self.replace_edit = QLineEdit(self)
        self.replace_edit.setPlaceholderText("Replace with")
        self.case_box = QCheckBox("Match case", self)
        self.status = QLabel(self)
        layout = QGridLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.find_edit, 0, 0)
        self.replace_widgets: list[QWidget] = [self.replace_edit]
        col = 1
        for text, tip, slot in (("↑", "Previous match (Shift+F3)", self.find_previous),
                                ("↓", "Next match (F3)", self.find_next)):
            layout.addWidget(self._button(text, tip, slot), 0, col)
            col += 1
        layout.addWidget(self.case_box, 0, col)
        layout.addWidget(self.status, 0, col + 1)
        layout.addWidget(self._button("✕", "Close (Esc)", self.close_bar), 0, col + 2)
        layout.addWidget(self.replace_edit, 1, 0)
        for index, (text, slot) in enumerate((("Replace", self.replace_one), ("All", self.replace_all))):
            button = self._button(text, f"{text} (Enter in the replace field replaces one)", slot)
            layout.addWidget(button, 1, 1 + index)
            self.replace_widgets.append(button)
        layout.setColumnStretch(0, 1)
        self.find_edit.textChanged.connect(self._on_pattern_changed)
        self.case_box.toggled.connect(self._on_pattern_changed)
        self.find_edit.returnPressed.connect(self.find_next)
        self.replace_edit.returnPressed.connect(self.replace_one)
        for field in (self.find_edit, self.replace_edit):
            field.installEventFilter(self)  # Esc closes the bar, before any window shortcut
        self.hide()

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def eventFilter(self, watched, event) -> bool:
        escape = getattr(event, "key", lambda: None)() == Qt.Key.Key_Escape
        if escape and event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # ours: a window-wide Esc (e.g. cancel a build) must not take it
            return True
        if escape and event.type() == QEvent.Type.KeyPress:
            self.close_bar()
            return True
        return super().eventFilter(watched, event)

    # -- showing ------------------------------------------------------------------------
    def open_find(self, replace: bool = False) -> None:
        for widget in self.replace_widgets:
            widget.setVisible(replace)
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.find_edit.setText(selected)
        self.show()
        self.find_edit.setFocus()
        self.find_edit.selectAll()
        self._highlight_all()

    def close_bar(self) -> None:
        self.hide()
        self.editor.set_find_matches([]) if hasattr(self.editor, "set_find_matches") else None
        self.editor.setFocus()
        self.sig_closed.emit()

    # -- searching ----------------------------------------------------------------------
    def _flags(self, backward: bool = False) -> QTextDocument.FindFlag:
        flags = QTextDocument.FindFlag(0)
        if self.case_box.isChecked():
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        return flags

    def matches(self) -> list[QTextCursor]:
        pattern = self.find_edit.text()
        found: list[QTextCursor] = []
        if not pattern:
            return found
        doc = self.editor.document()
        cursor = doc.find(pattern, 0, self._flags())
        while not cursor.isNull() and len(found) < 10000:
            found.append(cursor)
            cursor = doc.find(pattern, cursor, self._flags())
        return found

    def _highlight_all(self) -> None:
        found = self.matches()
        if hasattr(self.editor, "set_find_matches"):
            self.editor.set_find_matches(found)
        pattern = self.find_edit.text()
        self.status.setText("" if not pattern else (f"{len(found)} found" if found else "No matches"))

    def _on_pattern_changed(self, *_args) -> None:
        cursor = self.editor.textCursor()
        cursor.setPosition(cursor.selectionStart())
        self.editor.setTextCursor(cursor)
        self._highlight_all()
        if self.find_edit.text():
            self.find_next()

    def find_next(self) -> bool:
        return self._find(backward=False)

    def find_previous(self) -> bool:
        return self._find(backward=True)

    def _find(self, backward: bool) -> bool:
        pattern = self.find_edit.text()
        if not pattern:
            return False
        doc = self.editor.document()
        cursor = doc.find(pattern, self.editor.textCursor(), self._flags(backward))
        if cursor.isNull():  # wrap around
            start = QTextCursor(doc)
            if backward:
                start.movePosition(QTextCursor.MoveOperation.End)
            cursor = doc.find(pattern, start, self._flags(backward))
        if cursor.isNull():
            self.status.setText("No matches")
            return False
        self.editor.setTextCursor(cursor)
        self.editor.ensureCursorVisible()
        return True

    def _selection_matches(self) -> bool:
        selected = self.editor.textCursor().selectedText()
        pattern = self.find_edit.text()
        if self.case_box.isChecked():
            return selected == pattern
        return selected.lower() == pattern.lower()

    def replace_one(self) -> None:
        if self.editor.isReadOnly() or not self.find_edit.text():
            return
        if self._selection_matches():
            self.editor.textCursor().insertText(self.replace_edit.text())
        self.find_next()
        self._highlight_all()

    def replace_all(self) -> int:
        """Replace every match as one undo step; returns how many were replaced."""
        if self.editor.isReadOnly():
            return 0
        found = self.matches()
        if not found:
            return 0
        edit = QTextCursor(self.editor.document())
        edit.beginEditBlock()
        for cursor in found:  # QTextCursors follow earlier replacements
            cursor.insertText(self.replace_edit.text())
        edit.endEditBlock()
        self._highlight_all()
        self.status.setText(f"Replaced {len(found)}")
        return len(found)
