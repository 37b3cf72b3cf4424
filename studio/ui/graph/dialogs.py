"""Small questions the graph asks before it emits an intent (paths of a copy, a new stage).

Each function returns the answer or None when the user cancels. The view calls them
through attributes, so tests can substitute answers without showing a modal dialog.
"""
from __future__ import annotations

import re
import shlex

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

STAGE_NAME = re.compile(r"^[a-z][a-z0-9._-]*$", re.IGNORECASE)


def name_validator(parent: QWidget) -> QRegularExpressionValidator:
    """Only characters BuildKit accepts in a stage name can be typed."""
    return QRegularExpressionValidator(QRegularExpression(r"[A-Za-z][A-Za-z0-9._-]*"), parent)


def split_paths(text: str) -> list[str]:
    """Paths as a shell would split them (quotes allowed); falls back to whitespace."""
    try:
        return [p for p in shlex.split(text) if p]
    except ValueError:
        return text.split()


def fit_placeholder(edit: QLineEdit) -> None:
    """Wide enough that the placeholder shows whole (it explains what to type)."""
    edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance(edit.placeholderText()) + 28)


def form_dialog(parent: QWidget | None, title: str, intro: str) -> tuple[QDialog, QFormLayout, QDialogButtonBox]:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    # a window manager cuts a title that does not fit the frame: leave room for it and the buttons
    dialog.setMinimumWidth(max(420, dialog.fontMetrics().horizontalAdvance(title) + 180))
    form = QFormLayout(dialog)
    if intro:
        label = QLabel(intro)
        label.setWordWrap(True)
        form.addRow(label)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return dialog, form, buttons


def ask_copy(parent: QWidget | None, source: str, target: str) -> tuple[list[str], str] | None:
    """Which paths to copy from ``source`` into ``target``, and where to."""
    dialog, form, buttons = form_dialog(parent, "Copy files between stages",
                                  f"Add <code>COPY --from={source}</code> to stage <b>{target}</b>.")
    paths = QLineEdit(dialog)
    paths.setPlaceholderText("/out/app /etc/config.toml")
    dest = QLineEdit(dialog)
    dest.setPlaceholderText("/usr/local/bin/")
    fit_placeholder(paths)
    fit_placeholder(dest)
    form.addRow("Paths in the source stage:", paths)
    form.addRow("Destination:", dest)
    form.addRow(buttons)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setEnabled(False)

    def check() -> None:
        ok.setEnabled(bool(split_paths(paths.text())) and bool(dest.text().strip()))

    paths.textChanged.connect(check)
    dest.textChanged.connect(check)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return split_paths(paths.text()), dest.text().strip()


def local_name_problem(name: str, taken: set[str]) -> str | None:
    """Why ``name`` cannot name a new stage, judged without the document (BuildKit's
    rule and the names already in the graph)."""
    if not STAGE_NAME.match(name):
        return (f"'{name}' is not a valid stage name: start with a letter, then use only letters, "
                "digits, '.', '_' or '-'")
    if name.lower() in taken:
        return "A stage with this name already exists."
    return None


def ask_new_stage(parent: QWidget | None, taken: set[str], base_text: str = "",
                  name_problem=None) -> tuple[str, str] | None:
    """A name and a base image for a new stage. The name is checked as it is typed
    (``name_problem(name)`` says why it cannot be used, or None; by default
    ``local_name_problem``): the reason shows under it and OK stays off, so a bad name
    never loses what was typed for the base."""
    dialog, form, buttons = form_dialog(parent, "Add a stage", "")
    name = QLineEdit(dialog)
    name.setObjectName("newStageName")
    name.setPlaceholderText("(optional: a final stage often has none)")
    base = QLineEdit(base_text, dialog)
    base.setObjectName("newStageBase")
    base.setPlaceholderText("alpine:3.20, scratch, or a stage name")
    fit_placeholder(name)
    fit_placeholder(base)
    form.addRow("Name:", name)
    form.addRow("Base image:", base)
    hint = QLabel("")
    hint.setObjectName("newStageProblem")
    hint.setWordWrap(True)
    form.addRow(hint)
    form.addRow(buttons)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    problem_of = name_problem or (lambda text: local_name_problem(text, taken))

    def check() -> None:
        n = name.text().strip()
        problem = problem_of(n) if n else None
        hint.setText(problem or "")
        hint.setVisible(bool(problem))
        ok.setEnabled(problem is None and bool(base.text().strip()))

    name.textChanged.connect(check)
    base.textChanged.connect(check)
    check()
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return name.text().strip(), base.text().strip()


def ask_base(parent: QWidget | None, stage: str, current: str) -> str | None:
    """A new base image (or stage name, or scratch) for ``stage``."""
    dialog, form, buttons = form_dialog(parent, "Change base", f"New base for stage <b>{stage}</b>:")
    base = QLineEdit(current, dialog)
    base.selectAll()
    form.addRow("FROM", base)
    form.addRow(buttons)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    base.textChanged.connect(lambda t: ok.setEnabled(bool(t.strip()) and t.strip() != current))
    ok.setEnabled(False)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return base.text().strip()
