"""Build > Secrets and SSH: the secrets (``RUN --mount=type=secret``) and SSH agents
(``RUN --mount=type=ssh``) a build may use, as references only.

A row names where a value lives (a file, an environment variable, an agent socket); the
dialog never reads a value, never shows one, and nothing stores one. Each row says at
once whether the build will be able to use it (the file is readable, the variable is set,
the socket is an agent's), the same checks the build makes before it starts.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout,
                               QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from studio.engine.redact import MASK
from studio.engine.session.secrets import SecretSpec, SecretSpecError, check_secret
from studio.engine.session.sshforward import SshSpec, SshSpecError, parse_ssh

FILE, ENV = "File", "Environment variable"


def secret_problem(spec: SecretSpec) -> str:
    """Why the build could not use this secret, or "" (the file is opened, never read)."""
    try:
        check_secret(spec)
    except SecretSpecError as exc:
        return str(exc)
    return ""


def ssh_problem(spec: SshSpec) -> str:
    try:
        parse_ssh(f"{spec.id}={spec.socket}")
    except SshSpecError as exc:
        return str(exc).split(": ", 1)[-1]
    return ""


class _Table(QTableWidget):
    def __init__(self, headers: list[str], parent: QWidget) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(headers)
        header = self.horizontalHeader()
        header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)  # the status says why
        header.resizeSection(len(headers) - 2, 240)
        if len(headers) == 4:
            header.resizeSection(1, 170)  # "Environment variable" in full
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)

    def text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text().strip() if item is not None else ""

    def append(self, texts: list[str], widget: QWidget | None = None) -> int:
        """A new row of ``texts`` (``widget`` in column 1 when given) and a read-only status
        cell last; no change signals while it is filled."""
        self.blockSignals(True)
        row = self.rowCount()
        self.insertRow(row)
        for column, text in enumerate(texts):
            if column == 1 and widget is not None:
                self.setCellWidget(row, 1, widget)
            else:
                self.setItem(row, column, QTableWidgetItem(text))
        status = QTableWidgetItem("")
        status.setFlags(status.flags() & ~status.flags().ItemIsEditable)
        self.setItem(row, self.columnCount() - 1, status)
        self.blockSignals(False)
        return row

    def set_status(self, row: int, problem: str, ready: str, tip: str) -> None:
        item = self.item(row, self.columnCount() - 1)
        if item is not None:
            item.setText("✗ " + problem if problem else ready)
            item.setToolTip(problem or tip)

    def remove_selected(self) -> None:
        for row in sorted({i.row() for i in self.selectedIndexes()}, reverse=True):
            self.removeRow(row)


class SecretsDialog(QDialog):
    """Edit the build's secret and SSH references; ``secrets()`` and ``ssh()`` read them back."""

    def __init__(self, secrets: list[SecretSpec], ssh: list[SshSpec], parent: QWidget | None = None,
                 wanted: dict[str, bool] | None = None) -> None:
        """``wanted``: the secret ids the Dockerfile mounts (id -> required), in order;
        None when not known (rows are then not compared with the Dockerfile)."""
        super().__init__(parent)
        self.setWindowTitle("Secrets and SSH")
        self.setObjectName("secretsDialog")
        self.resize(860, 440)
        self.wanted = dict(wanted or {})
        self._compare = wanted is not None
        note = QLabel(f"Only where each value lives is kept (a file's path or a variable's name), never the value. "
                      f"The build reads it when the engine asks; the mount keeps it out of the image unless a step "
                      f"copies it, and whatever a step prints of it shows as {MASK} in the log, errors and history.",
                      self)
        note.setWordWrap(True)
        self.missing_label = QLabel(self)
        self.missing_label.setObjectName("secretsMissing")
        self.missing_label.setWordWrap(True)
        self.secret_table = _Table(["ID", "From", "File or variable", "Status"], self)
        self.ssh_table = _Table(["ID", "Agent socket", "Status"], self)
        for spec in secrets:
            self.add_secret(spec)
        for agent in ssh:
            self.add_ssh(agent)
        self.secret_table.itemChanged.connect(lambda _item: self._check_secrets())
        self.ssh_table.itemChanged.connect(lambda _item: self._check_ssh())
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(QLabel("<b>Secrets</b> for <code>RUN --mount=type=secret,id=ID</code>", self))
        layout.addWidget(self.secret_table)
        layout.addWidget(self.missing_label)
        layout.addLayout(self._buttons([("Add File…", self._add_file), ("Add Variable", self._add_variable),
                                        ("Remove", self._remove_secrets)]))
        layout.addWidget(QLabel("<b>SSH agents</b> for <code>RUN --mount=type=ssh</code>", self))
        layout.addWidget(self.ssh_table)
        layout.addLayout(self._buttons([("Add Agent", self._add_agent), ("Remove", self.ssh_table.remove_selected)]))
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        box.accepted.connect(self.accept)
        self.ok_button = box.button(QDialogButtonBox.StandardButton.Ok)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self._check_secrets()
        self._check_ssh()

    def _buttons(self, specs) -> QHBoxLayout:
        row = QHBoxLayout()
        for text, slot in specs:
            button = QPushButton(text, self)
            button.clicked.connect(lambda _c=False, s=slot: s())
            row.addWidget(button)
        row.addStretch(1)
        return row

    # ---- rows ------------------------------------------------------------------------
    def add_secret(self, spec: SecretSpec) -> None:
        kind = QComboBox(self.secret_table)
        kind.addItems([FILE, ENV])
        kind.setCurrentText(ENV if spec.env is not None else FILE)
        kind.currentTextChanged.connect(lambda _t: self._check_secrets())
        where = spec.env if spec.env is not None else (spec.src or "")
        self.secret_table.append([spec.id, "", where], kind)
        self._check_secrets()

    def _remove_secrets(self) -> None:
        self.secret_table.remove_selected()
        self._check_secrets()

    def add_ssh(self, spec: SshSpec) -> None:
        self.ssh_table.append([spec.id, spec.socket])
        self._check_ssh()

    def next_id(self, fallback: str) -> str:
        """The first id the Dockerfile mounts that no row gives yet, else ``fallback``."""
        given = {self.secret_table.text(r, 0) for r in range(self.secret_table.rowCount())}
        return next((i for i in self.wanted if i not in given), fallback)

    def add_file(self, path: str) -> None:
        stem = Path(path).name.lstrip(".").split(".", 1)[0]
        self.add_secret(SecretSpec(self.next_id(stem or "secret"), src=path))

    def _add_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Secret File")
        if path:
            self.add_file(path)

    def _add_variable(self) -> None:
        ident = self.next_id("token")
        self.add_secret(SecretSpec(ident, env=re.sub(r"[^A-Za-z0-9_]", "_", ident).upper()))

    def _add_agent(self) -> None:
        self.add_ssh(SshSpec("default", os.environ.get("SSH_AUTH_SOCK", "")))

    # ---- reading back ----------------------------------------------------------------
    def _secret_at(self, row: int) -> SecretSpec | None:
        table = self.secret_table
        ident, where = table.text(row, 0), table.text(row, 2)
        if not ident or not where:
            return None
        kind = table.cellWidget(row, 1)
        if isinstance(kind, QComboBox) and kind.currentText() == ENV:
            return SecretSpec(ident, env=where)
        return SecretSpec(ident, src=os.path.expanduser(where))

    def secrets(self) -> list[SecretSpec]:
        return [s for s in (self._secret_at(r) for r in range(self.secret_table.rowCount())) if s is not None]

    def ssh(self) -> list[SshSpec]:
        table = self.ssh_table
        out = []
        for row in range(table.rowCount()):
            ident, socket_path = table.text(row, 0) or "default", table.text(row, 1)
            if socket_path:
                out.append(SshSpec(ident, os.path.expanduser(socket_path)))
        return out

    def problems(self) -> list[str]:
        """What would stop a build, one line per row (empty when every row is usable)."""
        out = [p for p in (secret_problem(s) for s in self.secrets()) if p]
        out += [f"secret {i}: given more than once" for i in self._duplicates()]
        return out + [f"ssh {s.id}: {p}" for s in self.ssh() for p in [ssh_problem(s)] if p]

    def _duplicates(self) -> list[str]:
        ids = [self.secret_table.text(r, 0) for r in range(self.secret_table.rowCount())]
        return sorted({i for i in ids if i and ids.count(i) > 1})

    def missing(self) -> list[str]:
        """Ids the Dockerfile mounts that no row gives."""
        given = {self.secret_table.text(r, 0) for r in range(self.secret_table.rowCount())}
        return [i for i in self.wanted if i not in given]

    def _check_secrets(self) -> None:
        if not hasattr(self, "ok_button"):
            return  # still being built: checked once it is
        table = self.secret_table
        table.blockSignals(True)
        seen: set[str] = set()
        for row in range(table.rowCount()):
            spec, ident = self._secret_at(row), table.text(row, 0)
            problem = "an ID and a file or variable are needed" if spec is None else secret_problem(spec)
            if not problem and ident in seen:
                problem = f"the ID {ident} is given above already (one source per ID)"
            seen.add(ident)
            ready, tip = "✓ ready", "The build can read it when the engine asks."
            if not problem and self._compare and ident not in self.wanted:
                ready, tip = "✓ ready · not used by this Dockerfile", "No RUN --mount=type=secret in this Dockerfile " \
                                                                      f"reads the secret {ident}."
            table.set_status(row, problem.split(": ", 1)[-1], ready, tip)
        table.blockSignals(False)
        missing = self.missing()
        words = [f"{i} (required: the build fails without it)" if self.wanted[i] else
                 f"{i} (without it the step runs and the file is absent)" for i in missing]
        self.missing_label.setText("✗ This Dockerfile mounts secrets no row gives: " + ", ".join(words)
                                   if missing else "")
        self.missing_label.setVisible(bool(missing))
        self.ok_button.setEnabled(not self._duplicates())
        self.ok_button.setToolTip("Each ID may have one source only" if self._duplicates() else "")

    def _check_ssh(self) -> None:
        table = self.ssh_table
        table.blockSignals(True)
        for row in range(table.rowCount()):
            socket_path = table.text(row, 1)
            problem = "an agent socket is needed" if not socket_path else \
                ssh_problem(SshSpec(table.text(row, 0) or "default", os.path.expanduser(socket_path)))
            table.set_status(row, problem, "✓ agent", "An SSH agent answers on this socket.")
        table.blockSignals(False)


# ---- remembered per file (references only) ----------------------------------------------
# A key names the file by its resolved absolute path (symlinks resolved, as the recovery
# and recent-file lists do): a name as typed ("Dockerfile") would give every project's
# Dockerfile the same secrets. An untitled document has no key: its references live in its
# window's build settings only.
GROUP = "buildSecrets"


def _encode(path: str) -> str:
    return path.replace("/", "|").replace("\\", "|")


def _key(path) -> str | None:
    if not path:
        return None
    return f"{GROUP}/{_encode(str(Path(path).resolve()))}"


def _absolute(encoded: str) -> bool:
    """Whether a stored key names an absolute path ("|home|..." or "C:|..."); an older
    version also stored names as typed, which no file can claim."""
    return encoded.startswith("|") or (len(encoded) > 2 and encoded[1] == ":" and encoded[2] == "|")


def drop_relative_keys(settings) -> int:
    """Remove references stored under a relative name by older versions (they would
    reach whichever file of that name is opened next); how many went."""
    settings.beginGroup(GROUP)
    try:
        stale = [k for k in settings.childKeys() if not _absolute(k)]
        for key in stale:
            settings.remove(key)
    finally:
        settings.endGroup()
    return len(stale)


def load_references(path) -> tuple[list[SecretSpec], list[SshSpec]]:
    """The secret and SSH references last used to build ``path`` (none for untitled)."""
    from PySide6.QtCore import QSettings

    key = _key(path)
    if key is None:
        return [], []
    settings = QSettings()
    drop_relative_keys(settings)
    raw = settings.value(key, "")
    try:
        data = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return [], []
    secrets = [SecretSpec(str(s["id"]), src=s.get("src"), env=s.get("env")) for s in data.get("secrets", [])
               if s.get("id") and (s.get("src") or s.get("env"))]
    ssh = [SshSpec(str(s["id"]), str(s["socket"])) for s in data.get("ssh", []) if s.get("id") and s.get("socket")]
    return secrets, ssh


def save_references(path, secrets: list[SecretSpec], ssh: list[SshSpec]) -> bool:
    """Remember the references for ``path``; an untitled document's are not stored (False)."""
    from PySide6.QtCore import QSettings

    key = _key(path)
    if key is None:
        return False
    data = {"secrets": [{"id": s.id, **({"env": s.env} if s.env is not None else {"src": s.src})} for s in secrets],
            "ssh": [{"id": s.id, "socket": s.socket} for s in ssh]}
    settings = QSettings()
    if secrets or ssh:
        settings.setValue(key, json.dumps(data))
    else:
        settings.remove(key)
    settings.sync()
    return True
