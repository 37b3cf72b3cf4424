"""The preview a refactoring shows before it applies: the diff, what to know, and the
choice to build the file before and after and compare the two on the real engine."""
from __future__ import annotations

import html

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QTextEdit, QVBoxLayout, QWidget


def diff_html(diff: str) -> str:
    colours = {"+": "#1a7f37", "-": "#cf222e", "@": "#6e7781"}
    rows = []
    for line in diff.splitlines():
        colour = colours.get(line[:1], "") if not line.startswith(("+++", "---")) else "#6e7781"
        text = html.escape(line) or "&nbsp;"
        rows.append(f'<span style="color:{colour}">{text}</span>' if colour else text)
    return "<pre>" + "\n".join(rows) + "</pre>"


class RefactorPreview(QDialog):
    def __init__(self, parent: QWidget | None, title: str, diff: str, notes: list[str], can_compare: bool) -> None:
        super().__init__(parent)
        self.setObjectName("refactorPreview")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.diff = QTextEdit(self)
        self.diff.setObjectName("refactorDiff")
        self.diff.setReadOnly(True)
        self.diff.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.diff.setHtml(diff_html(diff))
        layout.addWidget(self.diff, 1)
        self.notes = QLabel("<br>".join(f"• {html.escape(n)}" for n in notes), self)
        self.notes.setWordWrap(True)
        layout.addWidget(self.notes)
        self.compare = QCheckBox("Build before and after, and compare the sizes (the first build becomes "
                                 "the baseline)", self)
        self.compare.setObjectName("refactorCompare")
        self.compare.setEnabled(can_compare)
        layout.addWidget(self.compare)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 520)


def ask_preview(parent: QWidget | None, title: str, diff: str, notes: list[str],
                can_compare: bool) -> tuple[bool, bool]:
    """(apply?, build both and compare?)"""
    dialog = RefactorPreview(parent, title, diff, notes, can_compare)
    applied = dialog.exec() == QDialog.DialogCode.Accepted
    return applied, applied and dialog.compare.isChecked()
