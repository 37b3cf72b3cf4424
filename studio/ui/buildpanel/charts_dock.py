"""The Charts dock stays out of the way until a build gives it something to show.

Why: before any build the four charts are empty, and a bottom dock that takes a third
of the window squeezes the graph and the text for nothing. So the dock starts hidden
(View > Panels > Charts and Build > Charts still toggle it) and appears, without taking
the focus, when the first build result with sizes or steps arrives. As soon as the user
shows or hides it themselves, their choice wins, in this session and the next (the
window saves whether the reveal is still pending next to its dock state).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtWidgets import QDockWidget

PENDING_KEY = "window/charts_reveal_pending"
REVEAL_HEIGHT = 0.32  # of the window's height, when the dock first appears
MIN_REVEAL_HEIGHT = 200
WAITING_HEIGHT = 150  # the Problems / Build Log row alone, before any build


def has_chart_data(record) -> bool:
    """Is there anything for the charts to draw (a measured size, or timed steps of a good build)?"""
    if record is None:
        return False
    return any(stage.size is not None for stage in record.stages) or bool(record.ok and record.steps)


class ChartsReveal(QObject):
    """Hides the Charts dock at start and shows it once, on the first build result worth charting."""

    def __init__(self, window, dock: QDockWidget, neighbour: QDockWidget | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.dock = dock
        self.neighbour = neighbour  # the dock it shares the bottom row with (Problems)
        self.pending = True
        dock.hide()
        if neighbour is not None:  # without the charts beside it, the bottom row need not be tall
            window.resizeDocks([neighbour], [WAITING_HEIGHT], Qt.Orientation.Vertical)
        dock.toggleViewAction().triggered.connect(self._user_chose)  # View > Panels and Build > Charts

    def _user_chose(self, _checked: bool = False) -> None:
        self.pending = False

    def on_record(self, record) -> bool:
        """A build finished: show the dock the first time there is something to chart."""
        if not self.pending or not has_chart_data(record):
            return False
        self.pending = False
        focus = self.window.focusWidget()
        self.dock.show()
        height = max(MIN_REVEAL_HEIGHT, int(self.window.height() * REVEAL_HEIGHT))
        self.window.resizeDocks([self.dock], [height], Qt.Orientation.Vertical)
        if self.neighbour is not None and self.neighbour.toggleViewAction().isChecked() and not self.dock.isFloating():
            width = self.window.width()
            self.window.resizeDocks([self.neighbour, self.dock], [width // 4, width - width // 4],
                                    Qt.Orientation.Horizontal)
        if focus is not None and focus is not self.window.focusWidget():
            focus.setFocus(Qt.FocusReason.OtherFocusReason)  # showing a panel never moves the caret
        return True

    # ---- across sessions (MainWindow.save_layout / restore_layout call these) --------
    def save(self, settings: QSettings) -> None:
        settings.setValue(PENDING_KEY, self.pending)

    def restored(self, settings: QSettings, state_restored: bool) -> None:
        """A saved dock state was applied: it is the user's arrangement unless it was saved
        while the reveal was still pending (then the dock is hidden and waits as before)."""
        if not state_restored:
            return
        still_pending = str(settings.value(PENDING_KEY, "false")).lower() == "true"
        self.pending = still_pending
        if still_pending:
            self.dock.hide()
