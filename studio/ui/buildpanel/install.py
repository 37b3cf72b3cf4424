"""Wire the build UI into a MainWindow: toolbar, docks, banner, menu and shortcuts.

Why outside main_window.py: the window only calls ``install_build_ui(self)``; everything
about builds lives in this package and can be read (and removed) in one place.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from studio.ui.buildpanel.build_args import BuildArgsDialog, declared_args, load_build_args, save_build_args
from studio.ui.buildpanel.build_bar import BuildBar
from studio.ui.buildpanel.charts_dock import ChartsReveal
from studio.ui.buildpanel.charts_panel import ChartsPanel
from studio.ui.buildpanel.controller import BuildController
from studio.ui.buildpanel.engine_indicator import EngineWatcher
from studio.ui.buildpanel.failure_banner import FailureBanner
from studio.ui.buildpanel.log_panel import BuildLogPanel


def install(window) -> BuildController:
    bar = BuildBar(window)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    log = BuildLogPanel(window)
    charts = ChartsPanel(window)
    banner = FailureBanner(window)
    layout = window.text_pane.layout()
    layout.insertWidget(1, banner)
    controller = BuildController(window, bar, log, charts, banner)
    window.build_controller = controller
    window.build_bar = bar
    window.build_log = log
    window.build_charts = charts
    window.build_banner = banner

    area = Qt.DockWidgetArea.BottomDockWidgetArea
    window.build_log_dock = window.add_dock("Build Log", log, area)
    window.charts_dock = window.add_dock("Charts", charts, area)
    problems = getattr(window, "problems_dock", None)
    if problems is not None:
        window.splitDockWidget(problems, window.charts_dock, Qt.Orientation.Horizontal)
        window.tabifyDockWidget(problems, window.build_log_dock)
        problems.raise_()  # Problems stays the visible tab until a build starts
        window.resizeDocks([problems, window.charts_dock], [340, 940], Qt.Orientation.Horizontal)
        window.resizeDocks([window.charts_dock], [260], Qt.Orientation.Vertical)
    window.charts_reveal = ChartsReveal(window, window.charts_dock, problems)
    controller.sig_finished.connect(lambda _result: window.charts_reveal.on_record(charts.record))

    _actions(window, bar, controller)
    _wire(window, bar, log, charts, banner, controller)
    watcher = EngineWatcher(window)
    watcher.sig_status.connect(bar.engine.show_status)
    window.engine_watcher = watcher
    watcher.start()
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(controller.cancel)
    window.installEventFilter(_CancelOnClose(controller, window))
    return controller


class _CancelOnClose(QObject):
    """A window that really closes (the save prompt may refuse) stops its build in the engine."""

    def __init__(self, controller: BuildController, window) -> None:
        super().__init__(window)
        self.controller = controller
        self.window = window

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Close and self.controller.running():
            QTimer.singleShot(0, self._after_close)
        return False

    def _after_close(self) -> None:
        if not self.window.isVisible():
            self.controller.cancel()


def _actions(window, bar: BuildBar, controller: BuildController) -> None:
    bar.build_action.setShortcut(QKeySequence("Ctrl+B"))
    bar.rebuild_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
    bar.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
    bar.build_action.triggered.connect(lambda _c=False: controller.start())
    bar.rebuild_action.triggered.connect(lambda _c=False: controller.start(no_cache=True))
    bar.cancel_action.triggered.connect(lambda _c=False: controller.cancel())
    menu = window.menuBar().addMenu("&Build")
    for action in (bar.build_action, bar.rebuild_action, bar.cancel_action):
        menu.addAction(action)
        window.addAction(action)
    menus = getattr(window, "actions_by_name", {})
    menus.update(build=bar.build_action, rebuild=bar.rebuild_action, cancel_build=bar.cancel_action)
    menu.addSeparator()
    menu.addAction(bar.no_cache_action)
    menu.addAction(bar.sizes_action)
    menu.addAction("Build &Arguments…", bar.sig_args_requested.emit)
    menu.addSeparator()
    menus["pin_baseline"] = menu.addAction("&Pin Latest Build as Baseline", controller.pin_baseline)
    menus["clear_baseline"] = menu.addAction("C&lear Baseline", controller.clear_baseline)
    menu.addSeparator()
    menu.addAction(window.build_log_dock.toggleViewAction())
    menu.addAction(window.charts_dock.toggleViewAction())
    window.build_menu = menu


def _wire(window, bar, log, charts, banner, controller: BuildController) -> None:
    known = {"path": object()}

    def on_document(_doc=None) -> None:
        graph = window.controller.graph
        bar.set_stages(list(graph.stages), graph.target)
        path = getattr(window, "path", None)
        if path != known["path"]:  # a file was opened, saved under a new name, or closed
            known["path"] = path
            bar.set_default_context(str(Path(path).resolve().parent) if path else None)
            bar.set_context_override(None)
            controller.build_args = load_build_args(path)
            bar.set_args_count(len(controller.build_args))

    def edit_args() -> None:
        dialog = BuildArgsDialog(controller.build_args, declared_args(window.current_document()), window)
        if dialog.exec():
            controller.build_args = dialog.values()
            save_build_args(getattr(window, "path", None), controller.build_args)
            bar.set_args_count(len(controller.build_args))

    def show_log(stage: int) -> None:
        window.build_log_dock.show()
        window.build_log_dock.raise_()
        log.show_stage_failure(stage)

    def on_stage_selected(index: int) -> None:
        charts.select_stage(index if index >= 0 else None)
        session = controller.session
        if session is not None and index in session.stages and session.stages[index].state == "failed":
            show_log(index)

    window.controller.sig_document_changed.connect(on_document)
    window.controller.sig_document_changed.connect(controller.mark_outdated)
    on_document()
    bar.sig_args_requested.connect(edit_args)
    banner.sig_show_log.connect(show_log)
    banner.sig_go_to_line.connect(window.go_to_line)
    charts.sig_line_activated.connect(window.go_to_line)
    window.graph_view.sig_stage_selected.connect(on_stage_selected)
    controller.show_log = show_log


