"""The buildx builders the build bar offers, looked up off the GUI thread (running
``docker buildx ls`` takes a moment, and a machine without buildx simply lists none).

The worker thread never touches a Qt object: it leaves its answer in a list that a
timer of this object reads on the GUI thread, so a window closed meanwhile takes the
timer with it and nothing is delivered to a deleted object.
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QTimer, Signal

POLL_MS = 100


class BuilderList(QObject):
    sig_found = Signal(list)  # builder names, on the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.names: list[str] = []
        self.problem = ""
        self._answers: list[tuple[list[str], str]] = []
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._deliver)

    def look(self) -> None:
        threading.Thread(target=self._run, name="buildx-ls", daemon=True).start()
        self._timer.start()

    def _run(self) -> None:
        from studio.engine.buildx import BuildxUnavailable, list_builders

        try:
            answer = ([b.name for b in list_builders()], "")
        except BuildxUnavailable as exc:
            answer = ([], str(exc))
        self._answers.append(answer)  # list.append is atomic; read on the GUI thread

    def _deliver(self) -> None:
        if not self._answers:
            return
        self._timer.stop()
        self.names, self.problem = self._answers.pop()
        self._answers.clear()
        self.sig_found.emit(self.names)
