"""The Charts dock: sizes, layers of the selected stage, timeline, size over builds.

Why one panel: the four charts answer one question together (what does each stage cost
and where did the time go), so they sit side by side in one splitter.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from studio.core.line_map import SAME
from studio.ui.buildpanel.chart_history import HistoryChart
from studio.ui.buildpanel.chart_layers import LayersChart
from studio.ui.buildpanel.chart_sizes import StageSizesChart
from studio.ui.buildpanel.chart_timeline import TimelineChart


class ChartsPanel(QWidget):
    sig_line_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("buildChartsPanel")
        self.sizes = StageSizesChart(self)
        self.layers = LayersChart(self)
        self.timeline = TimelineChart(self)
        self.history = HistoryChart(self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        for chart, stretch in ((self.sizes, 4), (self.layers, 3), (self.timeline, 3), (self.history, 2)):
            splitter.addWidget(chart)
            splitter.setStretchFactor(splitter.indexOf(chart), stretch)
            chart.sig_line_activated.connect(self.sig_line_activated)
        splitter.setSizes([330, 280, 280, 170])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.splitter = splitter
        self.record = None
        self.baseline = None
        self.selected: int | None = None

    def show_record(self, record, baseline=None, records: list | None = None) -> None:
        """A finished build: sizes, layers (of the selected or final stage), timeline, history."""
        self.record, self.baseline = record, baseline
        self.sizes.set_record(record, baseline)
        if record is not None:
            self.timeline.set_steps([(s.index, s.label) for s in record.stages if s.state != "skipped"],
                                    record.steps)
        self.history.set_records(records or [], baseline)
        self.select_stage(self.selected)

    def select_stage(self, index: int | None) -> None:
        """Show the layers of stage ``index`` (the final stage when None or not built)."""
        self.selected = index
        record = self.record
        if record is None:
            self.layers.set_stage(None)
            return
        stage = next((s for s in record.stages if s.index == index and s.layers), None)
        if stage is None:
            stage = next((s for s in record.stages if s.index == record.target and s.layers), None)
        old = self.baseline.stage(stage.identity) if stage is not None and self.baseline is not None else None
        self.layers.set_stage(stage, old)

    def set_lines(self, lines) -> None:
        """The text was edited since the build shown (a ``LineMap`` from its text to the text's now)."""
        self.layers.set_lines(lines)
        self.timeline.set_lines(lines)

    def start_live(self) -> None:
        """A build began: the last build's sizes and layers make way until this one's arrive."""
        self.set_lines(SAME)  # (the text it builds is the text as it is)
        self.record = None
        self.sizes.set_record(None, None)
        self.sizes.show_empty("Building… stage sizes come when the build has finished")
        self.layers.set_stage(None)

    def show_live(self, session) -> None:
        """A running build: only the timeline changes."""
        rows = [(i, s.label) for i, s in sorted(session.stages.items()) if s.will_build]
        self.timeline.set_steps(rows, session.steps, session.now())
