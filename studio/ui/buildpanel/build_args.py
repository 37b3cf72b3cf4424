"""Build arguments: a small table editor. The values live in the window's build
settings (remembered per file there); the table offers the file's declared ARGs as
empty rows.
"""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from studio.core.shell import arg_declarations


def declared_args(document) -> list[str]:
    """ARG names the Dockerfile declares (global and per stage), first use first; read
    as BuildKit reads them, so ``ARG MSG="hello world"`` declares MSG only."""
    names: list[str] = []
    escape = getattr(document, "escape", "\\") or "\\"
    for ins in getattr(document, "instructions", []) or []:
        if getattr(ins, "keyword", "") != "ARG":
            continue
        for name, _default in arg_declarations(str(getattr(ins, "args", "")), escape):
            if name not in names:
                names.append(name)
    return names


class BuildArgsDialog(QDialog):
    """Edit KEY=VALUE rows; empty keys are dropped, a key with an empty value is kept."""

    def __init__(self, args: dict[str, str], declared: list[str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Build Arguments")
        self.setObjectName("buildArgsDialog")
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels(["Name", "Value"])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for key, value in args.items():
            self._add_row(key, value)
        for name in declared or []:
            if name not in args:
                self._add_row(name, "", declared=True)
        add = QPushButton("Add", self)
        add.clicked.connect(lambda: self._add_row("", ""))
        remove = QPushButton("Remove", self)
        remove.clicked.connect(self._remove_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        note = QLabel("Values passed as --build-arg. Rows with an empty value are not sent "
                      "(the Dockerfile's default applies).", self)
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self.resize(460, 320)

    def _add_row(self, key: str, value: str, declared: bool = False) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(key))
        item = QTableWidgetItem(value)
        if declared:
            item.setToolTip("declared by the Dockerfile; leave empty to use its default")
        self.table.setItem(row, 1, item)

    def _remove_selected(self) -> None:
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for row in range(self.table.rowCount()):
            key = (self.table.item(row, 0).text() if self.table.item(row, 0) else "").strip()
            value = self.table.item(row, 1).text() if self.table.item(row, 1) else ""
            if key and value != "":
                out[key] = value
        return out
