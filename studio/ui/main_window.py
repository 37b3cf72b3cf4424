"""The main window: the stage graph and the Dockerfile text side by side, composed of
parts that each own their state:

- ``controller`` (SyncController): parses the text and gives the graph its shape;
- ``edits`` (GraphEdits): graph gestures and Graph menu commands -> text edits;
- ``selection`` (SelectionSync): the box under the text cursor and the lines of a box;
- ``files`` (WindowFiles): open, save, recovery, the file on disk, recent files;
- ``status`` (WindowStatus): the title and the status bar;
- ``menus`` (WindowMenus): File, Edit, View, Graph;
- ``build`` (BuildPanel): build bar, log, charts, Build menu;
- ``teach`` (TeachUI): Explain panel, walk-through, lint actions, Help menu;
- ``design`` (DesignUI): instructions in the boxes, re-pointed edges, refactorings;
- ``files_view`` (FilesUI): the Files dock, a built image file by file.

The window itself only lays out the panes and docks and holds the surface the parts
share: ``current_document()``, ``current_text()``, ``path``, ``add_dock``, ``go_to_line``.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QIcon
from PySide6.QtWidgets import QDockWidget, QMainWindow, QSplitter, QVBoxLayout, QWidget

from studio import APP_NAME
from studio.paths import APP_ICON
from studio.ui.build_settings import BuildSettingsModel
from studio.ui.buildpanel.panel import BuildPanel
from studio.ui.design import DesignUI
from studio.ui.editor.find_replace import FindReplaceBar
from studio.ui.editor.highlighter import DockerfileHighlighter
from studio.ui.editor.text_editor import TextEditor
from studio.ui.files_view import FilesUI
from studio.ui.graph.view import GraphView
from studio.ui.graph_edits import GraphEdits
from studio.ui.problems import ProblemsPanel
from studio.ui.selection_sync import SelectionSync
from studio.ui.sync import SyncController, editor_text
from studio.ui.teach import TeachUI
from studio.ui.window_files import WindowFiles
from studio.ui.window_menus import build_menus
from studio.ui.window_status import MessageBanner, WindowStatus


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowIcon(QIcon(str(APP_ICON)))
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self.actions_by_name: dict[str, QAction] = {}  # every part registers its actions here
        self._panes()
        self.problems = ProblemsPanel(self)
        self.problems_dock = self.add_dock("Problems", self.problems, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.problems.sig_problem_activated.connect(self.go_to_line)
        self.problems.sig_counts_changed.connect(lambda _c: self.problems_dock.setWindowTitle(self.problems.title()))

        # what to build and how (``build_settings``): the graph, lint, Explain panel and the
        # build read this one copy; the bar, the Graph menu and the Args dialog change it
        self.build_settings = BuildSettingsModel(self)
        self.controller = SyncController(self.editor, self.graph_view, self, self.build_settings)
        self.edits = GraphEdits(self.controller, self)
        self.edits.connect_intents(self.graph_view.interaction)
        self.selection = SelectionSync(self.controller, self.graph_view, self)
        self.status = WindowStatus(self)
        self.files = WindowFiles(self)
        self.edits.confirm = lambda question: self.files.prompt("confirm", APP_NAME, question, ("yes", "no")) == "yes"
        self._wire()
        self.menus = build_menus(self)
        self.resize(1280, 800)
        self.resizeDocks([self.problems_dock], [120], Qt.Orientation.Vertical)
        self._on_file_loaded()
        self._on_document_changed(self.controller.document)
        self.build = BuildPanel(self)
        self.teach = TeachUI(self)
        self.design = DesignUI(self)
        self.files_view = FilesUI(self)

    def _panes(self) -> None:
        self.editor = TextEditor(self)
        self.highlighter = DockerfileHighlighter(self.editor.document(), dark=self.editor.is_dark())
        self.graph_view = GraphView(self)
        self.find_bar = FindReplaceBar(self.editor, self)
        self.banner = MessageBanner(self)
        self.text_pane = QWidget(self)
        text_layout = QVBoxLayout(self.text_pane)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.setSpacing(0)
        text_layout.addWidget(self.banner)
        text_layout.addWidget(self.editor, 1)
        text_layout.addWidget(self.find_bar)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.graph_view)
        self.splitter.addWidget(self.text_pane)
        self.splitter.setStretchFactor(0, 2)  # the graph gets two thirds: its text must stay readable
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([830, 450])
        self.setCentralWidget(self.splitter)

    def _wire(self) -> None:
        controller, edits, status = self.controller, self.edits, self.status
        controller.sig_document_changed.connect(self._on_document_changed)
        controller.sig_diagnostics_changed.connect(self._refresh_problems)
        controller.sig_message.connect(status.say)
        edits.sig_edit_applied.connect(status.edit_applied)
        edits.sig_edit_failed.connect(status.edit_refused)
        edits.sig_message.connect(status.say)
        self.problems.sig_fix_requested.connect(edits.apply_fix)
        self.files.sig_loaded.connect(self._on_file_loaded)
        self.editor.document().modificationChanged.connect(self._update_title)
        self.editor.cursorPositionChanged.connect(lambda: status.show_cursor(self.editor))

    # -- surface for the parts ------------------------------------------------------------
    @property
    def document(self):
        """The latest parsed Document (same as ``current_document()``)."""
        return self.controller.document

    @property
    def path(self) -> Path | None:
        """The file the text belongs to (None: untitled)."""
        return self.files.path

    def current_document(self):
        """The Document of the text as it is now (pending keystrokes parsed first)."""
        self.controller.sync_now()
        return self.controller.document

    def current_text(self) -> str:
        return editor_text(self.editor)

    def open_file(self, path) -> bool:
        """Open ``path`` in this window (after asking about unsaved changes)."""
        return self.files.open_file(path)

    def go_to_line(self, line: int) -> None:
        self.editor.go_to_line(line)

    def add_dock(self, title: str, widget: QWidget,
                 area: Qt.DockWidgetArea = Qt.DockWidgetArea.BottomDockWidgetArea) -> QDockWidget:
        """Add a panel as a dock; its toggle appears in View > Panels."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title.replace(' ', '')}Dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        menus = getattr(self, "menus", None)  # (the Problems dock comes before the menus)
        if menus is not None:
            menus.panels.addAction(dock.toggleViewAction())
        return dock

    # -- what the window shows about its document -------------------------------------------
    def _update_title(self, *_args) -> None:
        self.status.update_title(self.path, self.files.read_only, self.editor.document().isModified())

    def _refresh_problems(self) -> None:
        self.problems.set_diagnostics(self.controller.diagnostics)  # (the dock title follows its counts)

    def _on_document_changed(self, doc) -> None:
        self._refresh_problems()
        self._reveal_new_stage()
        self.editor.escape = getattr(doc, "escape", "\\") or "\\"
        self.highlighter.set_escape(self.editor.escape)
        self.status.show_stages(self.controller)

    def _reveal_new_stage(self) -> None:
        """A stage added to the text (typed, pasted, Add Stage) is scrolled into view,
        wherever it lands; a newly opened file is fitted instead, so it is not one."""
        nodes = self.graph_view.stage_nodes()
        keys = {node.key for node in nodes.values()}
        known, self._stage_keys = getattr(self, "_stage_keys", None), keys
        if known is None or getattr(self, "_stage_keys_of", None) != self.path:
            self._stage_keys_of = self.path
            return
        added = [node for node in nodes.values() if node.key not in known]
        if len(added) == 1 and len(keys) == len(known) + 1:
            self.graph_view.reveal(added[0].sceneBoundingRect())

    def _on_file_loaded(self) -> None:
        self.status.show_format(self.files.file_format.describe())
        for name in ("save", "save_as"):
            action = self.actions_by_name.get(name)
            if action is not None:
                action.setEnabled(not self.files.read_only)
        self._update_title()
        self.status.show_cursor(self.editor)

    # -- window layout across sessions ---------------------------------------------------
    def save_layout(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/splitter", self.splitter.saveState())
        self.build.reveal.save(settings)  # the Charts dock waits for a build

    def restore_layout(self) -> bool:
        """Size, docks and pane split as the user left them (the app calls this at start)."""
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is None:
            return False
        self.restoreGeometry(geometry)
        state, split = settings.value("window/state"), settings.value("window/splitter")
        if state is not None:
            self.restoreState(state)
        if split is not None:
            self.splitter.restoreState(split)
        self.build.reveal.restored(settings, state is not None)
        return True

    def fit_to_screen(self, available: QRect | None = None) -> None:
        """Keep the whole window (status bar and engine badge included) on the screen's
        available area: at most FIRST_SIZE, smaller on a small screen, moved inside it."""
        if available is None:
            screen = self.screen() or QGuiApplication.primaryScreen()
            if screen is None:
                return
            available = screen.availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()  # title bar and borders, once shown
        width = min(max(self.width(), 1), available.width() - frame.width())
        height = min(max(self.height(), 1), available.height() - frame.height())
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        left = min(max(self.x(), available.left()), available.right() + 1 - width - frame.width())
        top = min(max(self.y(), available.top()), available.bottom() + 1 - height - frame.height())
        if (left, top) != (self.x(), self.y()):
            self.move(left, top)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.files.maybe_save():
            self.save_layout()
            self.files.close_cleanly()
            event.accept()
        else:
            event.ignore()

