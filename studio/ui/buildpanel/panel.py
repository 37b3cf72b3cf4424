"""The build panel a MainWindow composes: toolbar, docks, banner, menu and shortcuts.

Why outside main_window.py: the window only makes ``BuildPanel(self)``; everything about
builds lives in this package and can be read (and removed) in one place.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from studio.core.flags import secret_ids
from studio.ui.buildpanel.bar_settings import BarSettings
from studio.ui.buildpanel.build_args import BuildArgsDialog, declared_args
from studio.ui.buildpanel.builders import BuilderList
from studio.ui.buildpanel.options_dialog import OPTION_KEYS, BuildOptionsDialog
from studio.ui.buildpanel.secrets_dialog import SecretsDialog, load_references, save_references
from studio.ui.buildpanel.build_bar import BuildBar
from studio.ui.buildpanel.charts_dock import ChartsReveal
from studio.ui.buildpanel.charts_panel import ChartsPanel
from studio.ui.buildpanel.controller import BuildController
from studio.ui.buildpanel.engine_indicator import EngineWatcher
from studio.ui.buildpanel.failure_banner import FailureBanner
from studio.ui.buildpanel.log_panel import BuildLogPanel


class BuildPanel(QObject):
    """The build side of one window (``window.build``): bar, log, charts, failure banner,
    engine badge, the Build menu and the BuildController that runs builds."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.bar = bar = BuildBar(window)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.log = BuildLogPanel(window)
        self.charts = ChartsPanel(window)
        self.banner = FailureBanner(window)
        window.text_pane.layout().insertWidget(1, self.banner)
        self.controller = BuildController(window, bar, self.log, self.charts, self.banner)
        self._docks()
        self.menu = self._actions()
        self._wire()
        self.watcher = EngineWatcher(window)
        self.watcher.sig_status.connect(bar.engine.show_status)
        self.watcher.start()
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.controller.cancel)
        window.installEventFilter(_CancelOnClose(self.controller, window))

    def _docks(self) -> None:
        window, area = self.window, Qt.DockWidgetArea.BottomDockWidgetArea
        self.log_dock = window.add_dock("Build Log", self.log, area)
        self.charts_dock = window.add_dock("Charts", self.charts, area)
        problems = window.problems_dock
        window.splitDockWidget(problems, self.charts_dock, Qt.Orientation.Horizontal)
        window.tabifyDockWidget(problems, self.log_dock)
        problems.raise_()  # Problems stays the visible tab until a build starts
        window.resizeDocks([problems, self.charts_dock], [340, 940], Qt.Orientation.Horizontal)
        window.resizeDocks([self.charts_dock], [260], Qt.Orientation.Vertical)
        self.reveal = ChartsReveal(window, self.charts_dock, problems)
        self.controller.sig_finished.connect(lambda _result: self.reveal.on_record(self.charts.record))

    def _actions(self):
        window, bar, controller = self.window, self.bar, self.controller
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
        actions = window.actions_by_name
        actions.update(build=bar.build_action, rebuild=bar.rebuild_action, cancel_build=bar.cancel_action)
        menu.addSeparator()
        menu.addAction(bar.no_cache_action)
        menu.addAction(bar.sizes_action)
        menu.addAction("Build &Arguments…", bar.sig_args_requested.emit)
        actions["secrets"] = bar.secrets_menu_action = menu.addAction("&Secrets and SSH…", bar.sig_secrets_requested.emit)
        actions["secrets"].setShortcut(QKeySequence("Ctrl+Shift+K"))
        window.addAction(actions["secrets"])
        bar.secrets_button.setToolTip(bar.secrets_button.toolTip() + " (Ctrl+Shift+K)")
        actions["build_options"] = menu.addAction("Build &Options…", self.edit_options)
        menu.addSeparator()
        actions["pin_baseline"] = menu.addAction("&Pin Latest Build as Baseline", controller.pin_baseline)
        actions["clear_baseline"] = menu.addAction("C&lear Baseline", controller.clear_baseline)
        menu.addSeparator()
        menu.addAction(self.log_dock.toggleViewAction())
        menu.addAction(self.charts_dock.toggleViewAction())
        return menu

    def _wire(self) -> None:
        window, bar, charts, controller = self.window, self.bar, self.charts, self.controller
        known = {"path": object()}
        settings = window.build_settings
        self.settings_view = binding = BarSettings(bar, settings, self)

        def on_document(_doc=None) -> None:
            doc = window.controller.shown_document()
            binding.set_stages(list(doc.stages), len(doc.stages) - 1 if doc.stages else None)
            path = window.path
            if path != known["path"]:  # a file was opened, saved under a new name, or closed
                known["path"] = path
                bar.set_default_context(str(Path(path).resolve().parent) if path else None)
                secrets, ssh = load_references(path)
                extra = {**settings.settings.extra, "secrets": tuple(secrets), "ssh": tuple(ssh)}
                settings.update(extra=extra)

        def on_saved() -> None:
            """Save As keeps the document's references (an untitled one's were in memory
            only) under the new path, unless that file already has its own."""
            path = window.path
            if path is None or path == known["path"]:
                return
            extra = settings.settings.extra
            secrets, ssh = list(extra.get("secrets", ())), list(extra.get("ssh", ()))
            if (secrets or ssh) and load_references(path) == ([], []):
                save_references(path, secrets, ssh)
            on_document()

        def edit_args() -> None:
            current = settings.settings
            dialog = BuildArgsDialog(dict(current.build_args), declared_args(window.current_document()), window)
            if dialog.exec():
                settings.update(build_args=dialog.values())

        def edit_secrets() -> None:
            extra = settings.settings.extra
            doc = window.current_document()
            wanted = secret_ids(ins for stage in doc.stages for ins in stage.instructions)
            dialog = SecretsDialog(list(extra.get("secrets", ())), list(extra.get("ssh", ())), window, wanted)
            if dialog.exec():
                save_references(window.path, dialog.secrets(), dialog.ssh())
                settings.update(extra={**settings.settings.extra, "secrets": tuple(dialog.secrets()),
                                       "ssh": tuple(dialog.ssh())})

        def on_stage_selected(index: int) -> None:
            charts.select_stage(index if index >= 0 else None)
            session = controller.session
            if session is not None and index in session.stages and session.stages[index].state == "failed":
                self.show_log(index)

        window.files.sig_saved.connect(lambda: controller.rename_document(window.files.document_key()))
        window.files.sig_saved.connect(on_saved)
        window.files.sig_loaded.connect(lambda: controller.switch_document(window.files.document_key()))
        controller.switch_document(window.files.document_key())
        window.controller.sig_document_changed.connect(on_document)
        window.controller.sig_document_changed.connect(controller.mark_outdated)
        window.controller.sig_document_changed.connect(controller.follow_text)
        on_document()
        bar.sig_args_requested.connect(edit_args)
        bar.sig_secrets_requested.connect(edit_secrets)
        self.builders = BuilderList(self)
        self.builders.sig_found.connect(bar.set_builders)
        self.builders.look()
        self.banner.sig_show_log.connect(self.show_log)
        self.banner.sig_go_to_line.connect(window.go_to_line)
        charts.sig_line_activated.connect(window.go_to_line)
        window.graph_view.sig_stage_selected.connect(on_stage_selected)
        controller.sig_started.connect(self._raise_log)

    def edit_options(self) -> BuildOptionsDialog:
        """Build > Build Options: platform, network, hosts, pull, shm size, ulimits."""
        settings = self.window.build_settings
        current = settings.settings
        dialog = BuildOptionsDialog(current.platform, dict(current.extra), self.window)
        dialog.setModal(True)

        def accepted() -> None:
            platform, options = dialog.values()
            extra = {k: v for k, v in current.extra.items() if k not in OPTION_KEYS}
            extra.update({k: v for k, v in options.items() if v not in (None, [], False)})
            settings.update(platform=platform, extra=extra)

        dialog.accepted.connect(accepted)
        dialog.open()
        return dialog

    def _raise_log(self) -> None:
        if self.log_dock.toggleViewAction().isChecked():  # (a closed Log stays closed)
            self.log_dock.raise_()

    def show_log(self, stage: int) -> None:
        self.log_dock.show()
        self.log_dock.raise_()
        self.log.show_stage_failure(stage)


class _CancelOnClose(QObject):
    """A window that really closes (the save prompt may refuse) stops its build in the engine."""

    def __init__(self, controller: BuildController, window) -> None:
        super().__init__(window)
        self.controller = controller
        self.window = window

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Close and self.controller.running():
            QTimer.singleShot(0, self._after_close)
        return False

    def _after_close(self) -> None:
        if not self.window.isVisible():
            self.controller.cancel()
