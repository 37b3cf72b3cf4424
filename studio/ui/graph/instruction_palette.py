"""The palette the "+" of a box opens: pick an instruction kind, fill its form, see the
text it makes and what is wrong with it as you type.

The palette knows no document: ``check(text)`` (given by the window's design
controller) answers with the problems the text pane would show for that text at that
place, so the two can never disagree.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QVBoxLayout,
                               QWidget)

from studio.ui.graph.instruction_forms import KINDS, FormStack, FromFlagsForm, InstructionForm

Problems = list[tuple[str, str]]  # (severity, message)
Check = Callable[[str], Problems]


def problems_html(problems: Problems) -> str:
    marks = {"error": "✖", "warning": "⚠", "info": "ℹ"}
    return "<br>".join(f"{marks.get(sev, '•')} {msg}" for sev, msg in problems)


class InstructionPalette(QDialog):
    """Kinds on the left, the chosen kind's form on the right, the text and its problems below."""

    def __init__(self, parent: QWidget | None, title: str, check: Check,
                 stage: tuple[str, str, str] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("instructionPalette")
        self.setWindowTitle(title)
        self.check = check
        self.kinds = QListWidget(self)
        self.kinds.setObjectName("instructionKinds")
        shown = [k for k in KINDS if k != "FROM flags" or stage is not None]
        self.kinds.addItems(shown)
        self.kinds.setMaximumWidth(150)
        self.stack = FormStack(self)
        if stage is not None:
            form = self.stack.forms["FROM flags"]
            assert isinstance(form, FromFlagsForm)
            form.set_stage(*stage)
        self.preview = QLabel(self)
        self.preview.setObjectName("instructionPreview")
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setWordWrap(True)
        self.problems = QLabel(self)
        self.problems.setObjectName("instructionProblems")
        self.problems.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        right = QVBoxLayout()
        right.addWidget(self.stack, 1)
        right.addWidget(self.preview)
        right.addWidget(self.problems)
        right.addWidget(self.buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.kinds)
        layout.addLayout(right, 1)
        for form in self.stack.forms.values():
            form.sig_changed.connect(self.refresh)
        self.kinds.currentTextChanged.connect(self.choose)
        self.kinds.setCurrentRow(0)
        self.resize(620, 380)

    def choose(self, kind: str) -> InstructionForm:
        """Show the form of ``kind`` (the list follows)."""
        for name, form in self.stack.forms.items():
            form.setVisible(name == kind)
        if self.kinds.currentItem() is None or self.kinds.currentItem().text() != kind:
            for row in range(self.kinds.count()):
                if self.kinds.item(row).text() == kind:
                    self.kinds.setCurrentRow(row)
        self.refresh()
        return self.stack.forms[kind]

    def current_form(self) -> InstructionForm:
        item = self.kinds.currentItem()
        return self.stack.forms[item.text() if item is not None else KINDS[0]]

    def text(self) -> str:
        return self.current_form().text()

    def refresh(self) -> None:
        text = self.text()
        self.preview.setText(text or "(fill in the form)")
        found = self.check(text) if text else []
        self.problems.setText(problems_html(found))
        ok = bool(text) and not any(sev == "error" for sev, _ in found)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def can_accept(self) -> bool:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def ask_instruction(parent: QWidget | None, title: str, check: Check,
                    stage: tuple[str, str, str] | None = None) -> str | None:
    """Show the palette; the instruction text, or None when cancelled."""
    palette = InstructionPalette(parent, title, check, stage)
    if palette.exec() != QDialog.DialogCode.Accepted:
        return None
    return palette.text() or None
