"""Help > About: the version (from ``studio.__version__``, the one place it is kept), the
engine the window is connected to, and where settings and crash-recovery files live, so
a user reporting a problem can say all three without hunting for them."""
from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox, QWidget

from studio import APP_NAME, __version__
from studio.ui import files


def engine_summary(window: QWidget) -> str:
    """What the build bar's engine badge knows (it probes in the background; About never
    blocks on a slow or ssh:// engine)."""
    from studio.ui.buildpanel.engine_indicator import EngineIndicator

    badge = window.findChild(EngineIndicator)
    if badge is None or badge.connected is None:
        return "not checked yet"
    return badge.toolTip().replace("\n", "; ")


def about_text(window: QWidget) -> str:
    return (f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Design, understand and shrink multi-stage Docker builds.</p>"
            f"<p><b>Engine:</b> {_escape(engine_summary(window))}</p>"
            f"<p><b>Settings:</b> {_escape(QSettings().fileName())}<br>"
            f"<b>Recovery files:</b> {_escape(str(files.recovery_dir()))}</p>")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def show_about(window: QWidget) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, f"About {APP_NAME}", about_text(window),
                      QMessageBox.StandardButton.Close, window)
    box.setObjectName("aboutBox")
    box.setWindowIconText(APP_NAME)
    box.open()  # not exec(): tests and the event loop go on
    return box
