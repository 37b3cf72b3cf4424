"""The buildx builders the build bar offers, looked up off the GUI thread (running
``docker buildx ls`` takes a moment, and a machine without buildx simply lists none)."""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal


class BuilderList(QObject):
    sig_found = Signal(list)  # builder names, on the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.names: list[str] = []
        self.problem = ""

    def look(self) -> None:
        threading.Thread(target=self._run, name="buildx-ls", daemon=True).start()

    def _run(self) -> None:
        from studio.engine.buildx import BuildxUnavailable, list_builders

        try:
            names = [b.name for b in list_builders()]
        except BuildxUnavailable as exc:
            self.problem, names = str(exc), []
        self.names = names
        try:
            self.sig_found.emit(names)  # queued to the GUI thread's receivers
        except RuntimeError:
            pass  # the window closed meanwhile
