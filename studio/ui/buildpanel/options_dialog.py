"""Build > Build Options: the ``docker build`` options users reach for, in the window.

Platform, network, extra hosts, pull, shared-memory size and ulimits live in the
document's build settings (the platform as its own field, the rest in ``extra`` under
the build request's names), so the graph (for the platform) and the build read the same
values. Each field is checked as typed with the CLI's own parsers; OK stays off while a
value would be refused.
"""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout, QWidget)

from studio.engine.build_options import OptionError, parse_add_host, parse_network, parse_size, parse_ulimit

NETWORKS = ("default", "none", "host")
OPTION_KEYS = ("network", "extra_hosts", "ulimits", "shm_size", "pull")


def _items(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def _ulimit_text(limit: dict) -> str:
    return f"{limit['Name']}={limit['Soft']}:{limit['Hard']}"


def _size_text(size: int | None) -> str:
    if not size:
        return ""
    for unit, factor in (("g", 1 << 30), ("m", 1 << 20), ("k", 1 << 10)):
        if size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)


class BuildOptionsDialog(QDialog):
    """Edit the options; ``values()`` gives ``(platform, extra options)`` once accepted."""

    def __init__(self, platform: str | None, extra: dict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Build Options")
        self.setObjectName("buildOptionsDialog")
        self.setMinimumWidth(520)
        self.platform = QLineEdit(platform or "", self)
        self.platform.setPlaceholderText("the engine's own, e.g. linux/amd64")
        self.network = QComboBox(self)
        self.network.addItems(NETWORKS)
        self.network.setCurrentText(extra.get("network") or "default")
        self.hosts = QLineEdit(", ".join(extra.get("extra_hosts") or []), self)
        self.hosts.setPlaceholderText("name:ip, name:ip (or host-gateway)")
        self.pull = QCheckBox("Always look for a newer base image (--pull)", self)
        self.pull.setChecked(bool(extra.get("pull")))
        self.shm = QLineEdit(_size_text(extra.get("shm_size")), self)
        self.shm.setPlaceholderText("e.g. 64m")
        self.ulimits = QLineEdit(", ".join(_ulimit_text(u) for u in extra.get("ulimits") or []), self)
        self.ulimits.setPlaceholderText("nofile=1024:2048, nproc=512")
        self.problem = QLabel("", self)
        self.problem.setObjectName("buildOptionsProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c0392b")
        form = QFormLayout()
        form.addRow("Platform", self.platform)
        form.addRow("Network for RUN", self.network)
        form.addRow("Extra hosts", self.hosts)
        form.addRow("", self.pull)
        form.addRow("Shared memory", self.shm)
        form.addRow("Ulimits", self.ulimits)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        for field in (self.platform, self.hosts, self.shm, self.ulimits):
            field.textChanged.connect(self._check)
        self._check()

    def values(self) -> tuple[str | None, dict]:
        """``(platform, options)``; raises OptionError for a value docker build would refuse."""
        network = parse_network(self.network.currentText())
        options: dict = {"network": None if network == "default" else network,
                         "extra_hosts": [parse_add_host(v) for v in _items(self.hosts.text())],
                         "ulimits": [parse_ulimit(v) for v in _items(self.ulimits.text())],
                         "shm_size": parse_size(self.shm.text().strip()) if self.shm.text().strip() else None,
                         "pull": self.pull.isChecked()}
        platform = self.platform.text().strip() or None
        if platform is not None and platform.count("/") not in (1, 2):
            raise OptionError(f"platform {platform!r} is not OS/ARCH[/VARIANT] (for example linux/amd64)")
        return platform, options

    def _check(self) -> None:
        try:
            self.values()
            problem = ""
        except OptionError as exc:
            problem = str(exc)
        self.problem.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)
