"""The build toolbar: what to build and how, the Build / Rebuild / Cancel buttons, and
the engine badge. It holds choices only; the controller reads them when a build starts.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QMenu, QToolBar, QToolButton, QWidget

from studio.ui.buildpanel.engine_indicator import EngineIndicator

CONTEXT_NAME_CHARS = 18
BACKENDS = (("Auto", "auto"), ("BuildKit", "buildkit"), ("Classic", "classic"))


class BuildBar(QToolBar):
    sig_args_requested = Signal()
    sig_secrets_requested = Signal()
    sig_context_chosen = Signal(object)  # a folder the user chose, or None for the Dockerfile's

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Build", parent)
        self.setObjectName("buildBar")
        self.setMovable(False)
        self.build_action = QAction("▶ Build", self)
        self.build_action.setObjectName("action_build")
        self.build_action.setToolTip("Build the text as shown (Ctrl+B)")
        self.rebuild_action = QAction("↻ Rebuild", self)
        self.rebuild_action.setObjectName("action_rebuild")
        self.rebuild_action.setToolTip("Build again without the cache (Ctrl+Shift+B)")
        self.cancel_action = QAction("■ Cancel", self)
        self.cancel_action.setObjectName("action_cancel_build")
        self.cancel_action.setToolTip("Stop the build in the engine (Esc)")
        self.cancel_action.setEnabled(False)
        self.addAction(self.build_action)
        self.addAction(self.rebuild_action)
        self.addAction(self.cancel_action)
        self.addSeparator()
        self.target_label_action = self.addWidget(QLabel(" Target ", self))
        self.target_combo = QComboBox(self)
        self.target_combo.setObjectName("buildTarget")
        self.target_combo.setMinimumContentsLength(12)
        self.target_combo.setToolTip("Stage to build; the file's target (its last stage) unless you pick another")
        self.addWidget(self.target_combo)
        self.args_button = QToolButton(self)
        self.args_button.setObjectName("buildArgsButton")
        self.args_button.setText("Args…")
        self.args_button.setToolTip("Build arguments (remembered for this file)")
        self.args_button.clicked.connect(self.sig_args_requested)
        self.addWidget(self.args_button)
        self.secrets_button = QToolButton(self)
        self.secrets_button.setObjectName("buildSecretsButton")
        self.secrets_button.setText("Secrets…")
        self.secrets_button.setToolTip("Secrets and SSH agents the build may use (only where they live is kept)")
        self.secrets_button.clicked.connect(self.sig_secrets_requested)
        # it stays on a narrow bar (its count says secrets are in play), shorter: "Secrets (1)"
        self.secrets_button_action = self.addWidget(self.secrets_button)
        self.secrets_count = 0
        self.secrets_menu_action: QAction | None = None  # Build > Secrets and SSH…, which shows the count too
        self.no_cache_action = QAction("No cache", self)
        self.no_cache_action.setCheckable(True)
        self.no_cache_action.setToolTip("Do not use the build cache")
        self.addAction(self.no_cache_action)
        self.sizes_action = QAction("Measure sizes", self)
        self.sizes_action.setCheckable(True)
        self.sizes_action.setChecked(True)
        self.sizes_action.setToolTip("After a build, measure every stage's image and layers")
        self.addAction(self.sizes_action)
        self.backend_combo = QComboBox(self)
        self.backend_combo.setObjectName("buildBackend")
        for text, value in BACKENDS:
            self.backend_combo.addItem(text, value)
        self.backend_combo.setToolTip("Builder: BuildKit when the engine has it (Auto), or force one; "
                                      "buildx builders (docker buildx ls) are listed below")
        self.addWidget(self.backend_combo)
        self.context_button = QToolButton(self)
        self.context_button.setObjectName("buildContextButton")
        self.context_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.context_button.clicked.connect(self.choose_context)
        menu = QMenu(self.context_button)
        menu.addAction("Choose Folder…", self.choose_context)
        menu.addAction("Use the Dockerfile's Folder", lambda: self.sig_context_chosen.emit(None))
        self.context_button.setMenu(menu)
        self.addWidget(self.context_button)
        spacer = QWidget(self)
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding,
                             spacer.sizePolicy().verticalPolicy().Preferred)
        self.addWidget(spacer)
        self.spacer = spacer
        self.engine = EngineIndicator(self)
        self.addWidget(self.engine)
        self.compact = False
        self.fit_step = 0
        self._compact_saving = 0
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_engine)
        for widget in (spacer, self.engine):
            widget.installEventFilter(self)
        self.context_override: str | None = None
        self.default_context: str | None = None
        self._update_context_button()

    # ---- a narrow window: spare room goes first, then labels, then the badge's words ----------
    def fit_engine(self) -> None:
        """Keep the engine badge in view: when the bar is too narrow, first the spacer
        shrinks, then the other controls drop words ("Context: ", "Measure "), then the
        badge shows shorter text, down to its coloured dot (the tooltip has it all)."""
        if not self.isVisible():
            return
        step = min(self.fit_step, self._last_step())
        if not self.engine.isVisibleTo(self):  # pushed into the toolbar's overflow menu
            step = min(step + 1, self._last_step())
        else:
            spare = self.spacer.width() if self.spacer.isVisibleTo(self) else 0
            while step > 0 and self._cost_of_step_up(step) <= spare:
                spare -= self._cost_of_step_up(step)
                step -= 1
        if step != self.fit_step:
            self._apply_step(step)
            self.layout().invalidate()  # a badge in the overflow menu is hidden: relayout by hand
            self.layout().activate()
            if not self.engine.isVisibleTo(self) and step < self._last_step():
                self._fit_timer.start()  # still in the overflow menu: one more step

    def _last_step(self) -> int:
        # step 0: all words; 1: compact controls; 2..: shorter badge; last: the Secrets
        # button goes too (Build > Secrets and SSH… keeps it, with its count)
        return len(self.engine.variants) + 1

    def _cost_of_step_up(self, step: int) -> int:
        if step == 1:
            return self._compact_saving
        if step == self._last_step():
            return self.secrets_button.sizeHint().width()
        return self.engine.width_for(step - 2) - self.engine.width_for(step - 1)

    def _apply_step(self, step: int) -> None:
        compact = step >= 1
        if compact != self.compact:
            before = self._compactable_width()
            self.compact = compact
            self.target_label_action.setVisible(not compact)
            self._update_secrets_button()
            self.sizes_action.setIconText("Sizes" if compact else "Measure sizes")
            self._update_context_button()
            if compact:
                self._compact_saving = max(0, before - self._compactable_width())
        self.secrets_button_action.setVisible(step < self._last_step())
        self.fit_step = step
        self.engine.set_level(min(max(0, step - 1), len(self.engine.variants) - 1))

    def _compactable_width(self) -> int:
        widgets = [self.widgetForAction(self.sizes_action), self.context_button, self.secrets_button]
        if self.target_label_action.isVisible():
            widgets.append(self.widgetForAction(self.target_label_action))
        return sum(w.sizeHint().width() for w in widgets if w is not None)

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.LayoutRequest):
            self._fit_timer.start()
        return False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_timer.start()

    # ---- target -------------------------------------------------------------------
    def set_stages(self, stages: list, default_index: int | None) -> None:
        """Offer every stage; keep the user's pick if that stage still exists."""
        default = next((s for s in stages if s.index == default_index), None)
        offer = (default.label if default else None, tuple((s.label, s.name or str(s.index)) for s in stages))
        if offer == getattr(self, "_offered", None):
            return  # typing that did not touch a stage name: nothing to refill
        self._offered = offer
        current = self.target_combo.currentData()
        self.target_combo.blockSignals(True)
        self.target_combo.clear()
        self.target_combo.addItem(f"{default.label} (file's target)" if default else "(last stage)", None)
        for stage in stages:
            value = stage.name or str(stage.index)
            self.target_combo.addItem(stage.label, value)
        row = self.target_combo.findData(current) if current is not None else 0
        self.target_combo.setCurrentIndex(max(0, row))
        self.target_combo.blockSignals(False)

    def target(self) -> str | None:
        return self.target_combo.currentData()

    def set_target(self, value: str | None) -> None:
        """Show ``value`` (a stage name, case-insensitive, or an index as text) as the target."""
        combo = self.target_combo
        rows = [r for r in range(1, combo.count()) if value is not None
                and str(combo.itemData(r)).lower() == value.lower()]
        combo.setCurrentIndex(rows[-1] if rows else 0)

    # ---- other choices ------------------------------------------------------------
    def backend(self) -> str:
        data = self.backend_combo.currentData() or "auto"
        return "auto" if data.startswith("buildx:") else data

    def builder(self) -> str | None:
        """The buildx builder chosen in the combo, or None (the engine's own builder)."""
        data = self.backend_combo.currentData() or ""
        return data.removeprefix("buildx:") if data.startswith("buildx:") else None

    def set_builders(self, names: list[str]) -> None:
        """Offer these buildx builders after the engine's own choices (keeps the choice)."""
        combo = self.backend_combo
        chosen = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > len(BACKENDS):
            combo.removeItem(combo.count() - 1)
        for name in names:
            combo.addItem(f"buildx: {name}", f"buildx:{name}")
        index = combo.findData(chosen)
        combo.setCurrentIndex(index if index >= 0 else 0)
        combo.blockSignals(False)

    def show_builder(self, backend: str, builder: str | None) -> None:
        combo = self.backend_combo
        if builder and combo.findData(f"buildx:{builder}") < 0:
            combo.addItem(f"buildx: {builder}", f"buildx:{builder}")
        combo.setCurrentIndex(max(0, combo.findData(f"buildx:{builder}" if builder else backend)))

    def set_secrets_count(self, count: int) -> None:
        self.secrets_count = count
        self._update_secrets_button()

    def _update_secrets_button(self) -> None:
        count = f" ({self.secrets_count})" if self.secrets_count else ""
        self.secrets_button.setText(f"Secrets{count}" + ("" if self.compact else "…"))
        if self.secrets_menu_action is not None:
            self.secrets_menu_action.setText(f"&Secrets and SSH{count}…")

    def set_args_count(self, count: int) -> None:
        self.args_button.setText(f"Args ({count})…" if count else "Args…")

    def set_default_context(self, path: str | None) -> None:
        self.default_context = path
        self._update_context_button()

    def set_context_override(self, path: str | None) -> None:
        self.context_override = path
        self._update_context_button()

    def context_dir(self) -> str | None:
        return self.context_override or self.default_context

    def choose_context(self) -> None:
        start = self.context_dir() or str(Path.home())
        path = QFileDialog.getExistingDirectory(self, "Build Context Folder", start)
        if path:
            self.sig_context_chosen.emit(path)

    def _update_context_button(self) -> None:
        path = self.context_dir()
        name = Path(path).name or path if path else "temporary folder"
        if len(name) > CONTEXT_NAME_CHARS:  # a long folder name must not push the engine badge out
            name = name[:CONTEXT_NAME_CHARS - 1] + "…"
        self.context_button.setText(name if self.compact else f"Context: {name}")
        self.context_button.setToolTip(f"Build context: {path or 'an empty temporary folder (untitled file)'}"
                                       + ("\n(chosen by you)" if self.context_override else ""))

    def set_running(self, running: bool) -> None:
        self.build_action.setEnabled(not running)
        self.rebuild_action.setEnabled(not running)
        self.cancel_action.setEnabled(running)
        for widget in (self.target_combo, self.args_button, self.backend_combo, self.context_button):
            widget.setEnabled(not running)
