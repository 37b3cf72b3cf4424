"""Keep the build bar and the window's build settings in step, both ways.

Why: the bar is only a view of the settings. A choice made on it (target, no cache,
sizes, backend, context) becomes a settings change that the graph, lint and the build
all see; a change made elsewhere (Graph > Set as Build Target, the Args dialog, a file
opened) shows on the bar. Writing back while showing is suppressed, so nothing echoes.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from studio.core.build_settings import BuildSettings
from studio.ui.build_settings import BuildSettingsModel
from studio.ui.buildpanel.build_bar import BuildBar


class BarSettings(QObject):
    def __init__(self, bar: BuildBar, model: BuildSettingsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bar, self.model = bar, model
        self._showing = False
        bar.target_combo.currentIndexChanged.connect(lambda _row: self._write(target=bar.target()))
        bar.no_cache_action.toggled.connect(lambda on: self._write(no_cache=on))
        bar.sizes_action.toggled.connect(lambda on: self._write(sizes=on))
        bar.backend_combo.currentIndexChanged.connect(lambda _row: self._write_builder())
        bar.sig_context_chosen.connect(lambda path: self._write(context=path))
        model.sig_changed.connect(lambda _old, new: self.show(new))
        self.show(model.settings)

    def _write(self, **changes: Any) -> None:
        if not self._showing:
            self.model.update(**changes)

    def _write_builder(self) -> None:
        extra = dict(self.model.settings.extra)
        builder = self.bar.builder()
        if builder:
            extra["builder"] = builder
        else:
            extra.pop("builder", None)
        self._write(backend=self.bar.backend(), extra=extra)

    def show(self, settings: BuildSettings | None = None) -> None:
        """Put ``settings`` (default: the model's) on the bar without writing them back."""
        settings = settings or self.model.settings
        bar = self.bar
        self._showing = True
        try:
            bar.set_target(settings.target)
            bar.no_cache_action.setChecked(settings.no_cache)
            bar.sizes_action.setChecked(settings.sizes)
            bar.show_builder(settings.backend, settings.extra.get("builder"))
            bar.set_secrets_count(len(settings.extra.get("secrets", ())) + len(settings.extra.get("ssh", ())))
            bar.set_context_override(settings.context)
            bar.set_args_count(len(settings.build_args))
        finally:
            self._showing = False

    def set_stages(self, stages: list, default_index: int | None) -> None:
        """The document's stages changed: offer them, showing the settings' target."""
        self._showing = True
        try:
            self.bar.set_stages(stages, default_index)
        finally:
            self._showing = False
        self.show()
