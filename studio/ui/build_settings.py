"""The window's build settings as a Qt model: one ``BuildSettings`` value and a signal
when it changes, so the build bar, the graph menu and the Args dialog all write the same
copy and the graph, lint, the Explain panel and the build all read it.

Build args are remembered per file in QSettings: each Dockerfile has its own ARGs, and
reopening a file brings back the values last used to build it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal

from studio.core.build_settings import BuildSettings

ARGS_GROUP = "buildArgs"


def _key(path) -> str:
    return str(path).replace("/", "|").replace("\\", "|") if path else "untitled"


def _resolved(path) -> str:
    return str(Path(path).resolve())


def load_build_args(path) -> dict[str, str]:
    value = QSettings().value(f"{ARGS_GROUP}/{_key(path)}", {})
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {}


def save_build_args(path, args: dict[str, str]) -> None:
    settings = QSettings()
    settings.setValue(f"{ARGS_GROUP}/{_key(path)}", dict(args))
    settings.sync()


class BuildSettingsModel(QObject):
    """Holds the current document's settings; ``sig_changed(old, new)`` after each change."""

    sig_changed = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = BuildSettings()
        self.path = None  # the file whose build args are remembered
        self._left_targets: dict[str, str | None] = {}  # per file left in this run: its target then

    @property
    def settings(self) -> BuildSettings:
        return self._settings

    def set(self, settings: BuildSettings) -> bool:
        old = self._settings
        if settings == old:
            return False
        self._settings = settings
        if settings.build_args != old.build_args:
            save_build_args(self.path, dict(settings.build_args))
        self.sig_changed.emit(old, settings)
        return True

    def update(self, **changes: Any) -> bool:
        """Change some fields (``target="build"``, ``build_args={...}``); False if nothing changed."""
        return self.set(self._settings.changed(**changes))

    def rename_file(self, path) -> None:
        """Saved under ``path``: the same settings, remembered for that file now."""
        if path != self.path:
            self.path = path
            save_build_args(path, dict(self._settings.build_args))

    def open_file(self, path) -> None:
        """A file was opened, saved under a new name, or closed: its own remembered args,
        the file's target and the Dockerfile's folder as context; how to build stays.
        The target the last file was left with is kept for it (``restore_target``)."""
        old = self._settings
        if self.path is not None:
            self._left_targets[_resolved(self.path)] = old.target
        self.path = path
        self.set(old.changed(target=None, context=None, build_args=load_build_args(path)))

    def restore_target(self) -> bool:
        """Once the opened file's text is shown: the target it was left with earlier in
        this run (the results kept for it were built for that one), if it had one."""
        target = self._left_targets.get(_resolved(self.path)) if self.path is not None else None
        return target is not None and self.update(target=target)
