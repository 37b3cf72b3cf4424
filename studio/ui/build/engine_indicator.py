"""Is the Docker Engine there? A background poll and a small badge in the build bar.

Why a thread: ``engine_status()`` can take seconds when the engine is gone or a remote
host is black-holed; the GUI thread must never wait for it.
"""
from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

POLL_MS = 4000
CHECK_MS = 250


class EngineWatcher(QObject):
    """Probes ``engine_status`` every few seconds in a daemon thread.

    The thread only stores its answer; a GUI-thread timer picks it up and emits
    ``sig_status`` when it changed. No Qt call ever happens off the GUI thread, so a
    window closed mid-probe is harmless.
    """

    sig_status = Signal(object)  # EngineStatus, on the GUI thread, only when it changed

    def __init__(self, parent: QObject | None = None, interval_ms: int = POLL_MS, probe=None) -> None:
        super().__init__(parent)
        if probe is None:
            from studio.engine.connection import engine_status as probe
        self._probe = probe
        self._busy = threading.Lock()
        self._answer: list = []  # filled by the probe thread
        self.status = None
        self.interval_s = interval_ms / 1000
        self._last_probe = -1e9
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self._check)

    def start(self) -> None:
        self.poll()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def poll(self) -> None:
        """Start one probe unless one is still out."""
        if not self._busy.acquire(blocking=False):
            return
        self._last_probe = time.monotonic()
        threading.Thread(target=self._run, name="engine-status", daemon=True).start()

    def _run(self) -> None:
        try:
            status = self._probe()
        except Exception as exc:  # noqa: BLE001 - the probe promises not to raise; be sure
            from studio.engine.connection import EngineStatus

            status = EngineStatus(False, f"cannot reach the Docker Engine: {exc}")
        self._answer.append(status)
        self._busy.release()

    def _check(self) -> None:
        while self._answer:
            status = self._answer.pop(0)
            if self.status is None or status.to_json() != self.status.to_json():
                self.status = status
                self.sig_status.emit(status)
        if time.monotonic() - self._last_probe >= self.interval_s:
            self.poll()


class EngineIndicator(QLabel):
    """A coloured dot and a word; the tooltip has the details."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("engineIndicator")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setContentsMargins(6, 0, 6, 0)
        self.connected: bool | None = None
        self.show_status(None)

    def show_status(self, status) -> None:
        if status is None:
            self.connected = None
            self._paint("#8a94a6", "Engine…", "Looking for the Docker Engine…")
            return
        self.connected = bool(status.ok)
        if not status.ok:
            self._paint("#e5484d", "No engine", f"{status.message}\n\nBuilds need a running Docker Engine; "
                        "this badge turns green when one answers.")
            return
        version = status.server_version or "?"
        kit = "BuildKit" if status.buildkit else "classic only"
        tip = (f"{status.message}\nHost: {status.host or 'default'}\nOS/arch: {status.os or '?'}/{status.arch or '?'}\n"
               f"BuildKit: {'available' if status.buildkit else 'not available (classic builder only)'}")
        self._paint("#27ae60", f"Engine {version.split('+')[0]} · {kit}", tip)

    def _paint(self, color: str, text: str, tip: str) -> None:
        self.setText(f'<span style="color:{color}; font-size:14px">●</span>&nbsp;{text}')
        self.setToolTip(tip)
        self.setAccessibleName(text)
