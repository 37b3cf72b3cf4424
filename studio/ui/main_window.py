"""The main window: the stage graph and the Dockerfile text side by side, kept in sync
by a SyncController, with a Problems dock, a status bar and the menus.

Other panels (the build bar and docks) attach with ``add_dock`` and find the current
text through ``current_document()`` / ``current_text()`` / ``path`` / ``controller``.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QIcon
from PySide6.QtWidgets import (
    QDockWidget, QInputDialog, QLabel, QMainWindow, QMenu, QSplitter, QVBoxLayout, QWidget,
)

from studio import APP_NAME
from studio.paths import APP_ICON
from studio.ui.editor.find_replace import FindReplaceBar
from studio.ui.editor.highlighter import DockerfileHighlighter
from studio.ui.editor.text_editor import TextEditor
from studio.ui.graph.view import GraphView
from studio.ui.problems import ProblemsPanel
from studio.ui.sync import SyncController, editor_text
from studio.ui.window_files import WindowFilesMixin
from studio.ui import window_menus

BANNER_STYLES = {
    "error": "background:#fdecea; color:#8a1c1c; border-bottom:1px solid #f5c2c0;",
    "warning": "background:#fff4e0; color:#7a4b00; border-bottom:1px solid #f3d19c;",
    "info": "background:#e8f1fb; color:#1b4a7a; border-bottom:1px solid #bcd5f0;",
}


class MainWindow(WindowFilesMixin, QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowIcon(QIcon(str(APP_ICON)))
        self.setAcceptDrops(True)  # drop a Dockerfile anywhere on the window to open it
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self.editor = TextEditor(self)
        self.highlighter = DockerfileHighlighter(self.editor.document(), dark=self.editor.is_dark())
        self.graph_view = GraphView(self)
        self.find_bar = FindReplaceBar(self.editor, self)
        self.banner = QLabel(self)
        self.banner.setObjectName("messageBanner")
        self.banner.setWordWrap(True)
        self.banner.setContentsMargins(8, 4, 8, 4)
        self.banner.hide()
        text_pane = QWidget(self)
        text_layout = QVBoxLayout(text_pane)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.setSpacing(0)
        text_layout.addWidget(self.banner)
        text_layout.addWidget(self.editor, 1)
        text_layout.addWidget(self.find_bar)
        self.text_pane = text_pane
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.graph_view)
        self.splitter.addWidget(text_pane)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([720, 560])
        self.setCentralWidget(self.splitter)

        self.problems = ProblemsPanel(self)
        self.problems_dock = self.add_dock("Problems", self.problems, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.problems.sig_problem_activated.connect(self.go_to_line)

        self.controller = SyncController(self.editor, self.graph_view, self)
        self.controller.confirm = lambda question: self.prompt("confirm", APP_NAME, question, ("yes", "no")) == "yes"
        self.controller.sig_document_changed.connect(self._on_document_changed)
        self.controller.sig_edit_applied.connect(self._on_edit_applied)
        self.controller.sig_diagnostics_changed.connect(self._refresh_problems)
        self.problems.sig_fix_requested.connect(self.controller.apply_fix)
        self.controller.sig_edit_failed.connect(self._on_edit_failed)
        self.controller.sig_message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.graph_view.sig_positions_changed.connect(self.save_positions)

        self._init_status_bar()
        self._init_files()
        self.actions_by_name: dict[str, QAction] = {}
        window_menus.build_menus(self)
        self.editor.document().modificationChanged.connect(self._update_title)
        self.editor.cursorPositionChanged.connect(self._update_cursor_label)
        self.resize(1280, 800)
        self.resizeDocks([self.problems_dock], [120], Qt.Orientation.Vertical)
        self._on_file_loaded()
        self._on_document_changed(self.controller.document)
        from studio.ui.buildpanel import install_build_ui  # the build bar, log and charts docks
        self.build_controller = install_build_ui(self)
        from studio.ui.teach import install_teach_ui  # Explain panel, walk-through, lint actions
        self.teach = install_teach_ui(self)

    # -- surface for other panels -------------------------------------------------------
    @property
    def document(self):
        """The latest parsed Document (same as ``current_document()``)."""
        return self.controller.document

    def current_document(self):
        """The Document of the text as it is now (pending keystrokes parsed first)."""
        self.controller.sync_now()
        return self.controller.document

    def current_text(self) -> str:
        return editor_text(self.editor)

    def add_dock(self, title: str, widget: QWidget,
                 area: Qt.DockWidgetArea = Qt.DockWidgetArea.BottomDockWidgetArea) -> QDockWidget:
        """Add a panel as a dock; its toggle appears in View > Panels."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title.replace(' ', '')}Dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        panels = getattr(self, "panels_menu", None)
        if panels is not None:
            panels.addAction(dock.toggleViewAction())
        return dock

    # -- status bar, banner, title --------------------------------------------------------
    def _init_status_bar(self) -> None:
        bar = self.statusBar()
        self.stages_label = QLabel(self)
        self.cursor_label = QLabel(self)
        self.format_label = QLabel(self)
        for label in (self.stages_label, self.cursor_label, self.format_label):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)

    def show_banner(self, text: str, level: str = "info") -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(BANNER_STYLES.get(level, BANNER_STYLES["info"]))
        self.banner.show()

    def hide_banner(self) -> None:
        self.banner.hide()
        self.banner.clear()

    def banner_text(self) -> str:
        return self.banner.text() if self.banner.isVisibleTo(self) else ""

    def _update_title(self, *_args) -> None:
        name = self.path.name if self.path else "Untitled"
        if self.read_only:
            name += " (read-only)"
        self.setWindowFilePath(str(self.path) if self.path else "")
        self.setWindowTitle(f"{name}[*] — {APP_NAME}")
        self.setWindowModified(self.editor.document().isModified())

    def _update_cursor_label(self) -> None:
        cursor = self.editor.textCursor()
        self.cursor_label.setText(f"Ln {cursor.blockNumber() + 1}, Col {cursor.positionInBlock() + 1}")

    def _refresh_problems(self) -> None:
        self.problems.set_diagnostics(self.controller.diagnostics)
        counts = self.problems.counts()
        parts = [_count(counts[kind], kind) for kind in ("error", "warning", "info") if counts[kind]]
        self.problems_dock.setWindowTitle(f"Problems ({', '.join(parts)})" if parts else "Problems")

    def _on_document_changed(self, doc) -> None:
        self._refresh_problems()
        self.editor.escape = getattr(doc, "escape", "\\") or "\\"
        self.highlighter.set_escape(self.editor.escape)
        graph = self.controller.graph
        target = graph.stages[graph.target].label if graph.target is not None and graph.stages else "—"
        count = len(graph.stages)
        text = f"{count} stage{'' if count == 1 else 's'} · target {target}"
        if self.controller.stale:
            text += " · graph out of date" if self.controller.showing_older else " · text has errors"
        self.stages_label.setText(text)

    def _on_edit_applied(self) -> None:
        """A later edit that worked makes an earlier refusal's message stale."""
        if self.statusBar().currentMessage().startswith("Cannot change the graph"):
            self.statusBar().clearMessage()

    def _on_edit_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"Cannot change the graph: {message}", 10000)

    # -- file hooks (from WindowFilesMixin) ---------------------------------------------
    def _on_file_loaded(self) -> None:
        self.format_label.setText(self.file_format.describe())
        save_enabled = not self.read_only
        for name in ("save", "save_as"):
            action = getattr(self, "actions_by_name", {}).get(name)
            if action is not None:
                action.setEnabled(save_enabled)
        self._update_title()
        self._update_cursor_label()

    def _on_file_saved(self) -> None:
        self.save_positions()  # under the (maybe new) path
        self._on_file_loaded()

    def _refresh_recent_menu(self) -> None:
        menu: QMenu | None = getattr(self, "recent_menu", None)
        if menu is None:
            return
        menu.clear()
        paths = self.recent.paths()
        for index, path in enumerate(paths):
            action = menu.addAction(f"&{index + 1}  {Path(path).name}  —  {Path(path).parent}")
            action.triggered.connect(lambda _checked=False, p=path: self.open_file(p))
        if paths:
            menu.addSeparator()
            menu.addAction("Clear List", lambda: (self.recent.clear(), self._refresh_recent_menu()))
        menu.setEnabled(bool(paths))

    # -- graph positions per file -----------------------------------------------------------
    def load_positions(self) -> None:
        store = _positions_store()
        if store is None or not hasattr(self.graph_view, "set_positions"):
            return
        self.graph_view.set_positions(store.load(self.path) if self.path else {})

    def save_positions(self) -> None:
        store = _positions_store()
        if store is None or self.path is None or not hasattr(self.graph_view, "positions"):
            return
        try:
            store.save(self.path, self.graph_view.positions())
        except OSError as exc:
            self.statusBar().showMessage(f"Could not keep the graph layout: {exc}", 6000)

    # -- actions used by the menus ------------------------------------------------------------
    def go_to_line(self, line: int) -> None:
        self.editor.go_to_line(line)

    def ask_go_to_line(self) -> None:
        line, ok = QInputDialog.getInt(self, "Go to Line", f"Line (1–{self.editor.blockCount()}):",
                                       self.editor.current_line(), 1, max(1, self.editor.blockCount()))
        if ok:
            self.go_to_line(line)

    def new_from_example(self, path: str | Path | None = None) -> bool:
        """New untitled document starting from an example (the gallery picks one)."""
        if path is None:  # the teaching gallery (gallery.json: pairs side by side, "Open Both")
            from studio.ui.teach.pair_gallery import open_from_gallery
            return open_from_gallery(self)
        return self.new_file(Path(path).read_text(encoding="utf-8"))

    def export_graph(self, kind: str, path: str | Path | None = None) -> bool:
        if path is None:
            from PySide6.QtWidgets import QFileDialog
            base = (self.path.stem if self.path else "graph") + f".{kind}"
            path, _ = QFileDialog.getSaveFileName(self, f"Export Graph as {kind.upper()}", base)
            if not path:
                return False
        try:
            written = self.graph_view.export(kind, str(path)) is not False
        except OSError as exc:
            written, reason = False, exc.strerror or str(exc)
        else:
            reason = "the file could not be written"
        if not written:
            self.statusBar().showMessage(f"Could not export the graph to {path}: {reason}", 8000)
            return False
        self.statusBar().showMessage(f"Exported the graph to {path}", 5000)
        return True

    @staticmethod
    def _dropped_file(event: QDragEnterEvent | QDropEvent) -> str | None:
        mime = event.mimeData()
        files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []
        return files[0] if files else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if self._dropped_file(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self._dropped_file(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        path = self._dropped_file(event)
        if path:
            event.acceptProposedAction()
            self.open_file(path)

    # -- window layout across sessions ---------------------------------------------------
    def save_layout(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/splitter", self.splitter.saveState())
        reveal = getattr(self, "charts_reveal", None)  # the build UI's Charts dock waits for a build
        if reveal is not None:
            reveal.save(settings)

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
        reveal = getattr(self, "charts_reveal", None)
        if reveal is not None:
            reveal.restored(settings, state is not None)
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if self.maybe_save():
            self.save_layout()
            self.save_positions()
            self._close_cleanly()
            event.accept()
        else:
            event.ignore()


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _positions_store():
    """The graph helper's per-file positions store, if it is there."""
    try:
        from studio.ui.graph import positions
    except ImportError:
        return None
    return positions
