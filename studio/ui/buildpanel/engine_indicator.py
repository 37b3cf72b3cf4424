"""Is the Docker Engine there? A background poll and a small badge in the build bar.

Why a thread: ``engine_status()`` can take seconds when the engine is gone or a remote
host is black-holed; the GUI thread must never wait for it.
"""
from __future__ import annotations

import math
import threading
import time

from PySide6.QtCore import QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

POLL_MS = 4000
REMOTE_POLL_MS = 30_000  # an ssh:// engine: each probe is an ssh login, so far fewer of them
CHECK_MS = 250
CHOOSING = ("The engine is chosen when Stage Studio starts, as the docker CLI chooses it: DOCKER_HOST "
            "(unix://, tcp://, ssh://), else DOCKER_CONTEXT or the context `docker context use` set. "
            "To use another engine, start Stage Studio again with one of those set.")


class EngineWatcher(QObject):
    """Probes ``engine_status`` every few seconds in a daemon thread.

    The thread only stores its answer; a GUI-thread timer picks it up and emits
    ``sig_status`` when it changed. No Qt call ever happens off the GUI thread, so a
    window closed mid-probe is harmless.
    """

    sig_status = Signal(object)  # EngineStatus, on the GUI thread, only when it changed

    def __init__(self, parent: QObject | None = None, interval_ms: int = POLL_MS, probe=None,
                 clock=time.monotonic) -> None:
        super().__init__(parent)
        if probe is None:
            from studio.engine.connection import engine_status as probe
        self._probe = probe
        self._clock = clock  # (tests pass their own, to move time on without waiting)
        self.checks = 0  # how many times the timer has looked for an answer
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
        self._last_probe = self._clock()
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
        every = self.interval_s
        if self.status is not None and (self.status.host or "").startswith("ssh://"):
            every = max(every, REMOTE_POLL_MS / 1000)
        if self._clock() - self._last_probe >= every:
            self.poll()
        self.checks += 1


class EngineIndicator(QWidget):
    """A coloured dot and a few words; the tooltip has the full text and the details.

    Why painted by hand: in a narrow window the build bar asks for a shorter variant
    (``set_level``) instead of letting the label be cut off mid-word or pushed into the
    toolbar's overflow menu; the dot alone still says whether the engine is there.
    """

    DOT = "●"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("engineIndicator")
        self.setContentsMargins(6, 0, 6, 0)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.connected: bool | None = None
        self.color = QColor("#8a94a6")
        self.variants: list[str] = [""]  # longest first; the last one is always "" (the dot alone)
        self.level = 0
        self.show_status(None)

    def show_status(self, status) -> None:
        if status is None:
            self.connected = None
            self._paint("#8a94a6", ["Engine…"], "Looking for the Docker Engine…")
            return
        self.connected = bool(status.ok)
        if not status.ok:
            self._paint("#e5484d", ["No engine"], f"{status.message}\n\nBuilds need a running Docker Engine; "
                        f"this badge turns green when one answers.\n\n{CHOOSING}")
            return
        version = (status.server_version or "?").split("+")[0]
        kit = "BuildKit" if status.buildkit else "classic only"
        tip = (f"{status.message}\nHost: {status.host or 'default'}\nOS/arch: {status.os or '?'}/{status.arch or '?'}\n"
               f"BuildKit: {'available' if status.buildkit else 'not available (classic builder only)'}\n\n{CHOOSING}")
        self._paint("#27ae60", [f"Engine {version} · {kit}", f"Engine {version}", "Engine"], tip)

    def _paint(self, color: str, variants: list[str], tip: str) -> None:
        self.color = QColor(color)
        self.variants = [*variants, ""]
        self.setToolTip(f"{variants[0]}\n{tip}" if variants[0] not in tip else tip)
        self.setAccessibleName(variants[0])
        self.set_level(min(self.level, len(self.variants) - 1))

    # ---- how much of it to show -------------------------------------------------
    def text(self) -> str:
        """The words shown now (the dot alone shows none)."""
        return self.variants[self.level]

    def full_text(self) -> str:
        return self.variants[0]

    def set_level(self, level: int) -> None:
        """0 shows the full text; higher levels show shorter variants, the last the dot alone."""
        self.level = max(0, min(level, len(self.variants) - 1))
        self.updateGeometry()
        self.update()

    def width_for(self, level: int) -> int:
        margins = self.contentsMargins()
        text = self.variants[max(0, min(level, len(self.variants) - 1))]
        width = self._dot_font_metrics().horizontalAdvance(self.DOT)
        if text:  # fractional advances: round up, or the painter would elide the last letters
            width += math.ceil(QFontMetricsF(self.font()).horizontalAdvance(" " + text)) + 1
        return margins.left() + width + margins.right()

    def sizeHint(self) -> QSize:
        height = max(self.fontMetrics().height(), self._dot_font_metrics().height())
        return QSize(self.width_for(self.level), height + 4)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def _dot_font(self) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(14)
        return font

    def _dot_font_metrics(self) -> QFontMetrics:
        return QFontMetrics(self._dot_font())

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        painter.setFont(self._dot_font())
        painter.setPen(self.color)
        dot_width = self._dot_font_metrics().horizontalAdvance(self.DOT)
        painter.drawText(QRect(rect.left(), rect.top(), dot_width, rect.height()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.DOT)
        text = self.text()
        if text:
            painter.setFont(self.font())
            painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            room = rect.adjusted(dot_width, 0, 0, 0)
            shown = self.fontMetrics().elidedText(" " + text, Qt.TextElideMode.ElideRight, room.width())
            painter.drawText(room, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shown)
        painter.end()
