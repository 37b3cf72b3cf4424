"""The teaching side of the window: the Explain panel, the classroom walk-through, large
fonts for a projector, and what a user does with lint findings (explain, quick fix,
disable for this file). A MainWindow composes them as ``TeachUI(window)``.

Menus: View > Explain Panel (Ctrl+3), View > Large Fonts (Ctrl+Shift+L), View > Present (F11),
Help > Explain This Build (F5), Help > Explain Lint Finding at Cursor (Ctrl+F1).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence

from studio.ui.about import show_about
from studio.ui.teach.explain_panel import ExplainPanel
from studio.ui.teach.large_fonts import LargeFonts
from studio.ui.teach.lint_integration import LintActions, RuleDialog
from studio.ui.teach.presentation import Presentation
from studio.ui.teach.walkthrough import Walkthrough

EXPLAIN_WIDTH = 400  # pixels: room for a readable paragraph

__all__ = ["TeachUI", "ExplainPanel", "Walkthrough", "LintActions", "RuleDialog",
           "LargeFonts"]


class TeachUI(QObject):
    """Holds the teaching parts of one window (``window.teach``)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.explain = ExplainPanel(window)
        self.explain_dock = window.add_dock("Explain", self.explain, Qt.DockWidgetArea.RightDockWidgetArea)
        self.explain_dock.hide()  # View > Explain Panel; the window state remembers the choice
        self.explain_dock.visibilityChanged.connect(self._on_explain_shown)
        self.walkthrough = Walkthrough(window, self.explain)
        self.lint = LintActions(window)
        self.large_fonts = LargeFonts(window, self.explain, self.walkthrough.panel)
        self.presentation = Presentation(window, self.explain)
        self.compare = None  # the side-by-side compare view of a gallery pair (see pair_gallery)
        self._menus()

    def _action(self, name: str, text: str, shortcut: str, slot, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(f"action_{name}")
        action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.window.actions_by_name[name] = action
        return action

    def _menus(self) -> None:
        window = self.window
        view_menu = window.menus.view
        toggle = self.explain_dock.toggleViewAction()
        toggle.setText("E&xplain Panel")
        toggle.setShortcut(QKeySequence("Ctrl+3"))
        toggle.setObjectName("action_explain_panel")
        large = self._action("large_fonts", "&Large Fonts (Projector)", "Ctrl+Shift+L",
                             lambda on: self.large_fonts.set_enabled(on),
                             "Bigger text in the text pane, the explanations and the graph")
        large.setCheckable(True)
        view_menu.addSeparator()  # (the Explain panel's toggle is in View > Panels with the others)
        view_menu.addAction(large)
        view_menu.addAction(self._action("present", "&Present", "F11", lambda: self.presentation.toggle(),
                                         "The graph full screen, step by step, for a projector (Esc ends)"))
        self.help_menu = help_menu = window.menuBar().addMenu("&Help")
        help_menu.addAction(self._action("explain_build", "Explain This &Build", "F5",
                                         lambda: self.walkthrough.start(),
                                         "Walk through the stages in build order (arrow keys; Esc ends)"))
        help_menu.addAction(self._action("explain_finding", "Explain Lint &Finding at Cursor", "Ctrl+F1",
                                         lambda: self.lint.explain_at_cursor()))
        help_menu.addSeparator()
        help_menu.addAction(self._action("about", "&About Stage Studio", "", lambda: show_about(self.window)))

    def _reveal_selected(self) -> None:
        view = self.window.graph_view
        node = view.selected_stage()
        if node is not None:
            view.reveal(node.sceneBoundingRect())

    def _on_explain_shown(self, visible: bool) -> None:
        dock = self.explain_dock
        if visible and not dock.isFloating() and dock.width() < EXPLAIN_WIDTH * 0.8:
            self.window.resizeDocks([dock], [EXPLAIN_WIDTH], Qt.Orientation.Horizontal)
        if visible:  # the panel narrows the graph: keep the selected box in view once it has
            QTimer.singleShot(0, self._reveal_selected)
        if visible and self.explain.index is None:
            node = self.window.graph_view.selected_stage()
            if node is not None:
                self.explain.show_stage(node.index)
            else:
                self.explain._follow_cursor()
