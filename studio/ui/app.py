"""Start the Qt application and open the main window."""
from __future__ import annotations

import os
import sys

from studio import APP_ID, APP_NAME, ORG_NAME, __version__
from studio.paths import APP_ICON


def _display_available() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def run_app(argv: list[str]) -> int:
    if not _display_available():
        print(
            "stage-studio: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
            "Run it on a desktop session, or use the headless commands "
            "(stage-studio graph|edit|build|export FILE).",
            file=sys.stderr,
        )
        return 1
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from studio.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0], *[a for a in argv if a.startswith("-")]])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(ORG_NAME)
    from studio.ui.files import adopt_old_places

    adopt_old_places()  # settings and unsaved work from where earlier versions kept them
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(QIcon(str(APP_ICON)))
    files = [a for a in argv if not a.startswith("-")]
    window = MainWindow()
    window.restore_layout()
    window.fit_to_screen()  # a first (or remembered) size larger than this screen is made to fit
    window.show()
    if files:
        window.open_file(files[0])  # offers back unsaved changes a crash left for it
    else:
        window.files.recovery.offer_recovery()  # an earlier session crashed with unsaved work?
    return app.exec()
