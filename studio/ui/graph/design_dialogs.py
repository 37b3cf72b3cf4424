"""The questions design gestures ask: a name, a stage to insert, what to extract, what
to slim onto. Each returns the answer or None when cancelled; the design interaction
calls them through attributes, so tests answer without a modal dialog."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLineEdit, QWidget

from studio.ui.graph.dialogs import STAGE_NAME, form_dialog, name_validator, split_paths


def _name_field(dialog: QDialog, text: str = "") -> QLineEdit:
    edit = QLineEdit(text, dialog)
    edit.setValidator(name_validator(edit))
    return edit


def _run(dialog: QDialog, form, buttons: QDialogButtonBox, valid) -> bool:
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    for edit in dialog.findChildren(QLineEdit):
        edit.textChanged.connect(lambda _t: ok.setEnabled(valid()))
    ok.setEnabled(valid())
    form.addRow(buttons)
    return dialog.exec() == QDialog.DialogCode.Accepted


def _fresh(name: str, taken: set[str]) -> bool:
    return bool(STAGE_NAME.match(name)) and name.lower() not in taken


def ask_name(parent: QWidget | None, title: str, label: str, default: str, taken: set[str]) -> str | None:
    dialog, form, buttons = form_dialog(parent, title, "")
    name = _name_field(dialog, default)
    form.addRow(label, name)
    return name.text().strip() if _run(dialog, form, buttons, lambda: _fresh(name.text().strip(), taken)) else None


def ask_insert_stage(parent: QWidget | None, stage: str, base: str, taken: set[str]) -> tuple[str, str] | None:
    """A name for a stage between ``stage`` and its base ``base`` (which stays its base)."""
    dialog, form, buttons = form_dialog(parent, "Insert a stage",
                                  f"A new stage built FROM <code>{base}</code>; <b>{stage}</b> is then built FROM it.")
    name = _name_field(dialog)
    form.addRow("Name:", name)
    if not _run(dialog, form, buttons, lambda: _fresh(name.text().strip(), taken)):
        return None
    return name.text().strip(), base


def ask_extract(parent: QWidget | None, stage: str, rows: list[tuple[int, str]], first: int,
                taken: set[str]) -> tuple[int, int, str, list[str]] | None:
    """Which rows of ``stage`` (from ``first`` on) go into a builder, its name, and the
    paths it makes that come back."""
    dialog, form, buttons = form_dialog(parent, "Extract into a builder stage",
                                  f"The RUN, COPY and ADD from the chosen row of <b>{stage}</b> to the last one "
                                  "you pick move into a new stage; only the paths you name are copied back.")
    last = QComboBox(dialog)
    last.setObjectName("extractLast")
    later = [(ln, text) for ln, text in rows if ln >= first]
    for ln, text in later:
        last.addItem(f"{ln}: {text[:50]}", ln)
    last.setCurrentIndex(len(later) - 1)
    name = _name_field(dialog, "builder" if "builder" not in taken else "")
    paths = QLineEdit(dialog)
    paths.setPlaceholderText("/out/app /out/config/")
    form.addRow("Last row:", last)
    form.addRow("Builder name:", name)
    form.addRow("Paths it makes:", paths)
    if not _run(dialog, form, buttons, lambda: _fresh(name.text().strip(), taken) and bool(split_paths(paths.text()))):
        return None
    return first, last.currentData(), name.text().strip(), split_paths(paths.text())


def ask_slim(parent: QWidget | None, stage: str) -> tuple[str, list[str]] | None:
    """The smaller image for ``stage`` and the paths to copy into it."""
    dialog, form, buttons = form_dialog(parent, "Slim this stage",
                                  f"<b>{stage}</b> is rebased on a smaller image; what it builds moves into a "
                                  "builder stage and only the paths you name are copied back.")
    image = QLineEdit(dialog)
    image.setPlaceholderText("alpine:3.20, gcr.io/distroless/static, scratch")
    paths = QLineEdit(dialog)
    paths.setPlaceholderText("/out/app")
    form.addRow("Smaller image:", image)
    form.addRow("Paths to keep:", paths)
    if not _run(dialog, form, buttons, lambda: bool(image.text().strip()) and bool(split_paths(paths.text()))):
        return None
    return image.text().strip(), split_paths(paths.text())
