"""One small form per instruction kind, each writing the instruction's text.

Why forms and not a text box: a newcomer should not have to know that ENV wants
``KEY=value`` pairs, that CMD's exec form is a JSON list or where COPY's flags go. Each
form builds plain instruction text (lines of a RUN body stay lines); the core writes it
in the file's style (casing, continuations, escape character) when it is added.
"""
from __future__ import annotations

import json
import re
import shlex

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QHBoxLayout, QLineEdit, QListWidget, QListWidgetItem,
                               QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

KINDS = ("RUN", "COPY", "ADD", "ENV", "ARG", "WORKDIR", "USER", "EXPOSE", "LABEL", "CMD", "ENTRYPOINT",
         "HEALTHCHECK", "SHELL", "VOLUME", "STOPSIGNAL", "ONBUILD", "FROM flags")
_PLAIN = re.compile(r"[^\s\"'\\$`]+")


def quoted(value: str) -> str:
    """``value`` as one shell word: bare when safe, else double-quoted (JSON rules)."""
    return value if _PLAIN.fullmatch(value) else json.dumps(value, ensure_ascii=False)


def words_of(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


class InstructionForm(QWidget):
    """A form for ``keyword``; ``text()`` is the instruction it describes ("" if incomplete)."""

    sig_changed = Signal()

    def __init__(self, keyword: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keyword = keyword
        self.setObjectName(f"form{keyword.title().replace(' ', '')}")
        self.layout_ = QFormLayout(self)

    def line(self, label: str, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self.sig_changed)
        self.layout_.addRow(label, edit)
        return edit

    def text(self) -> str:
        raise NotImplementedError


class RunForm(InstructionForm):
    """Flags (a cache or bind mount) and a body of one command per line; the lines are
    joined with line continuations when the instruction is written."""

    def __init__(self, parent=None) -> None:
        super().__init__("RUN", parent)
        self.flags = self.line("Flags:", "runFlags", "--mount=type=cache,target=/root/.cache")
        self.body = QPlainTextEdit(self)
        self.body.setObjectName("runBody")
        self.body.setPlaceholderText("apk add --no-cache git\n&& make")
        self.body.textChanged.connect(self.sig_changed)
        self.layout_.addRow("Commands:", self.body)

    def text(self) -> str:
        body = [line.rstrip() for line in self.body.toPlainText().splitlines() if line.strip()]
        if not body:
            return ""
        flags = self.flags.text().strip()
        return "\n".join([" ".join(p for p in ("RUN", flags, body[0]) if p)] + body[1:])


class CopyForm(InstructionForm):
    """Sources, a destination and the flags COPY and ADD take."""

    def __init__(self, keyword: str, parent=None) -> None:
        super().__init__(keyword, parent)
        self.sources = self.line("Sources:", "copySources", "go.mod go.sum  (or /out/app from a stage)")
        self.dest = self.line("Destination:", "copyDest", "./  or /usr/local/bin/app")
        self.source_stage = self.line("From stage:", "copyFrom", "a stage name, or empty for the context") \
            if keyword == "COPY" else None
        self.chown = self.line("Owner (--chown):", "copyChown", "app:app")
        self.chmod = self.line("Mode (--chmod):", "copyChmod", "0755")

    def text(self) -> str:
        sources, dest = words_of(self.sources.text()), self.dest.text().strip()
        if not sources or not dest:
            return ""
        flags = []
        if self.source_stage is not None and self.source_stage.text().strip():
            flags.append(f"--from={self.source_stage.text().strip()}")
        for name, edit in (("chown", self.chown), ("chmod", self.chmod)):
            if edit.text().strip():
                flags.append(f"--{name}={edit.text().strip()}")
        paths = sources + [dest]
        if any(any(c.isspace() for c in p) for p in paths):
            args = json.dumps(paths, ensure_ascii=False)
        else:
            args = " ".join(paths)
        return " ".join([self.keyword, *flags, args])


class KeyValueForm(InstructionForm):
    """Rows of key and value (ENV, LABEL); a value with spaces is quoted."""

    def __init__(self, keyword: str, parent=None) -> None:
        super().__init__(keyword, parent)
        self.table = QTableWidget(1, 2, self)
        self.table.setObjectName("keyValueRows")
        self.table.setHorizontalHeaderLabels(["Key", "Value"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemChanged.connect(lambda _item: self.sig_changed.emit())
        add = QPushButton("Add row", self)
        add.clicked.connect(lambda: self.table.insertRow(self.table.rowCount()))
        self.layout_.addRow(self.table)
        self.layout_.addRow(add)

    def set_rows(self, rows: list[tuple[str, str]]) -> None:
        self.table.setRowCount(len(rows))
        for r, (key, value) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(key))
            self.table.setItem(r, 1, QTableWidgetItem(value))

    def text(self) -> str:
        pairs = []
        for r in range(self.table.rowCount()):
            key, value = (self.table.item(r, c) for c in (0, 1))
            key_text = key.text().strip() if key is not None else ""
            if key_text:
                pairs.append(f"{key_text}={quoted(value.text() if value is not None else '')}")
        return f"{self.keyword} {' '.join(pairs)}" if pairs else ""


class ExecForm(InstructionForm):
    """An exec-form list (CMD, ENTRYPOINT, SHELL): one argument per row, no quoting to get wrong."""

    def __init__(self, keyword: str, parent=None) -> None:
        super().__init__(keyword, parent)
        self.items = QListWidget(self)
        self.items.setObjectName("execItems")
        self.items.itemChanged.connect(lambda _item: self.sig_changed.emit())
        self.entry = self.line("Argument:", "execEntry", "/usr/local/bin/app")
        self.entry.returnPressed.connect(self.add_current)
        buttons = QHBoxLayout()
        for label, slot in (("Add", self.add_current), ("Remove", self.remove_selected)):
            button = QPushButton(label, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        self.layout_.addRow(self.items)
        self.layout_.addRow(buttons)

    def set_arguments(self, arguments: list[str]) -> None:
        self.items.clear()
        for argument in arguments:
            self._append(argument)
        self.sig_changed.emit()

    def _append(self, argument: str) -> None:
        item = QListWidgetItem(argument, self.items)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)

    def add_current(self) -> None:
        if self.entry.text():
            self._append(self.entry.text())
            self.entry.clear()
            self.sig_changed.emit()

    def remove_selected(self) -> None:
        for item in self.items.selectedItems():
            self.items.takeItem(self.items.row(item))
        self.sig_changed.emit()

    def arguments(self) -> list[str]:
        return [self.items.item(i).text() for i in range(self.items.count())]

    def text(self) -> str:
        arguments = self.arguments() + ([self.entry.text()] if self.entry.text() else [])
        return f"{self.keyword} {json.dumps(arguments, ensure_ascii=False)}" if arguments else ""


class ArgForm(InstructionForm):
    def __init__(self, parent=None) -> None:
        super().__init__("ARG", parent)
        self.name = self.line("Name:", "argName", "GO_VERSION")
        self.default = self.line("Default (optional):", "argDefault", "1.22")

    def text(self) -> str:
        name = self.name.text().strip()
        if not name:
            return ""
        return f"ARG {name}={quoted(self.default.text())}" if self.default.text() else f"ARG {name}"


class LineForm(InstructionForm):
    """One line of arguments (WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL, ONBUILD)."""

    HINTS = {"WORKDIR": "/src", "USER": "nobody", "EXPOSE": "8080/tcp", "VOLUME": "/data",
             "STOPSIGNAL": "SIGTERM", "ONBUILD": "COPY . /app"}

    def __init__(self, keyword: str, parent=None) -> None:
        super().__init__(keyword, parent)
        self.value = self.line("Arguments:", "lineValue", self.HINTS.get(keyword, ""))

    def text(self) -> str:
        value = self.value.text().strip()
        return f"{self.keyword} {value}" if value else ""


class HealthcheckForm(InstructionForm):
    def __init__(self, parent=None) -> None:
        super().__init__("HEALTHCHECK", parent)
        self.none = QCheckBox("No health check (NONE: turn off the base image's)", self)
        self.none.toggled.connect(self.sig_changed)
        self.layout_.addRow(self.none)
        self.interval = self.line("Every (--interval):", "healthInterval", "30s")
        self.timeout = self.line("Timeout (--timeout):", "healthTimeout", "3s")
        self.command = self.line("Command:", "healthCommand", "wget -q -O- http://localhost:8080/health")

    def text(self) -> str:
        if self.none.isChecked():
            return "HEALTHCHECK NONE"
        if not self.command.text().strip():
            return ""
        flags = [f"--{n}={e.text().strip()}" for n, e in (("interval", self.interval), ("timeout", self.timeout))
                 if e.text().strip()]
        return " ".join(["HEALTHCHECK", *flags, "CMD", self.command.text().strip()])


class FromFlagsForm(InstructionForm):
    """The platform of a stage's FROM; ``text()`` is the whole FROM line."""

    def __init__(self, parent=None) -> None:
        super().__init__("FROM flags", parent)
        self.base, self.name = "", ""
        self.platform = self.line("Platform:", "fromPlatform", "linux/amd64 or $BUILDPLATFORM")

    def set_stage(self, base: str, name: str, platform: str) -> None:
        self.base, self.name = base, name
        self.platform.setText(platform)

    def text(self) -> str:
        if not self.base:
            return ""
        platform = self.platform.text().strip()
        parts = ["FROM", f"--platform={platform}" if platform else "", self.base, f"AS {self.name}" if self.name else ""]
        return " ".join(p for p in parts if p)


def make_form(kind: str, parent: QWidget | None = None) -> InstructionForm:
    if kind == "RUN":
        return RunForm(parent)
    if kind in ("COPY", "ADD"):
        return CopyForm(kind, parent)
    if kind in ("ENV", "LABEL"):
        return KeyValueForm(kind, parent)
    if kind in ("CMD", "ENTRYPOINT", "SHELL"):
        return ExecForm(kind, parent)
    if kind == "ARG":
        return ArgForm(parent)
    if kind == "HEALTHCHECK":
        return HealthcheckForm(parent)
    if kind == "FROM flags":
        return FromFlagsForm(parent)
    return LineForm(kind, parent)


class FormStack(QWidget):
    """The forms, one shown at a time (the palette picks which)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.forms = {kind: make_form(kind, self) for kind in KINDS}
        for form in self.forms.values():
            layout.addWidget(form)
            form.hide()
