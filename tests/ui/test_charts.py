"""The build charts with known numbers: bars hold them, hover names them, a click
jumps to the line, baselines show as ghost bars, cached steps look different."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from studio.engine.events import LayerInfo
from studio.ui.buildpanel.chart_history import HistoryChart
from studio.ui.buildpanel.chart_layers import LayersChart
from studio.ui.buildpanel.chart_sizes import StageSizesChart
from studio.ui.buildpanel.chart_timeline import TimelineChart
from studio.ui.buildpanel.history import BuildRecord, StageRecord
from studio.engine.fold import StepRun


def record(number: int, sizes: dict, saved: int | None = 500_000, layers: list | None = None) -> BuildRecord:
    stages = [StageRecord(0, "build", "done", sizes.get(0), 2.0, layers or []),
              StageRecord(1, "docs", "skipped"),
              StageRecord(2, None, "done", sizes.get(2), 0.5, [])]
    return BuildRecord(number, 0.0, True, 3.0, 2, sizes.get(2), saved, stages)


def show(qtbot, chart):
    qtbot.addWidget(chart)
    chart.resize(420, 300)
    chart.show()
    qtbot.waitExposed(chart)
    return chart


def view_point(chart, x: float, y: float) -> QPoint:
    vb = chart.getPlotItem().getViewBox()
    return chart.mapFromScene(vb.mapViewToScene(QPointF(x, y)))


def test_sizes_chart_puts_the_final_image_last_and_annotates_the_saving(qtbot):
    chart = show(qtbot, StageSizesChart())
    assert chart.empty.isVisible()
    chart.set_record(record(1, {0: 3_000_000, 2: 1_000_000}))
    assert not chart.empty.isVisible()
    assert chart.labels == ["build", "#2", "1 stage"]
    assert chart.kinds == ["stage", "final", "single"]
    assert list(chart.bars.opts["height"]) == [3_000_000, 1_000_000, 1_500_000] == chart.values
    assert any("multi-stage saved 500 kB" in t.textItem.toPlainText() for t in chart._texts)
    assert list(chart.ghosts.opts["height"]) == []
    chart.set_record(record(2, {0: 3_100_000, 2: 1_000_000}), baseline=record(1, {0: 3_000_000, 2: 1_000_000}))
    assert list(chart.ghosts.opts["height"]) == [3_000_000, 1_000_000]
    assert chart.ghost_values == [3_000_000, 1_000_000, None]
    assert chart.describe(0) == "build: 3.10 MB\nbaseline 3.00 MB (+100 kB)"


def test_layers_chart_hover_names_the_instruction_and_click_jumps_to_its_line(qtbot):
    layers = [LayerInfo(1, "FROM busybox", 2_000_000), LayerInfo(3, "RUN make all", 400_000),
              LayerInfo(4, "ENV A=1", 0)]
    chart = show(qtbot, LayersChart())
    chart.set_stage(record(1, {0: 1}, layers=layers).stages[0])
    assert list(chart.bars.opts["height"]) == [2_000_000, 400_000, 0]
    assert chart.getPlotItem().titleLabel.text.find("Layers of build") >= 0
    # hover over the RUN bar with a real mouse move
    target = view_point(chart, 1, 200_000)
    QApplication.sendEvent(chart.viewport(), QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(target),
                                                         chart.viewport().mapToGlobal(QPointF(target)),
                                                         Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                                                         Qt.KeyboardModifier.NoModifier))
    assert chart.hover.isVisible()
    assert chart.hover.textItem.toPlainText() == "line 3: RUN make all\n400 kB"
    with qtbot.waitSignal(chart.sig_line_activated) as clicked:
        qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=target)
    assert clicked.args == [3]
    chart.set_stage(record(2, {0: 1}, layers=[LayerInfo(1, "FROM busybox", 2_000_000),
                                              LayerInfo(3, "RUN make all", 500_000)]).stages[0],
                    record(1, {0: 1}, layers=layers).stages[0])
    assert chart.ghost_values == [2_000_000, 400_000]
    assert "baseline 400 kB (+100 kB)" in chart.describe(1)
    chart.set_stage(None)
    assert chart.empty.isVisible() and chart.values == []


def test_timeline_rows_run_in_parallel_and_cached_steps_are_hatched(qtbot):
    chart = show(qtbot, TimelineChart())
    steps = [StepRun(0, 2, "[a 2/3] RUN slow", 0.5, 2.0), StepRun(1, 6, "[b 2/2] RUN quick", 0.6, 0.4),
             StepRun(0, 3, "[a 3/3] COPY x", 2.5, 0.0, cached=True), StepRun(1, 7, "[b 3/3] RUN now", 1.0)]
    chart.set_steps([(0, "a"), (1, "b")], steps, now=1.8)
    assert chart.bar_data() == [(0, 2, 0.5, 2.0, False), (1, 6, 0.6, 0.4, False), (0, 3, 2.5, 0.02, True),
                                (1, 7, 1.0, 0.8, False)]  # the running step grows to "now"
    assert list(chart.bars.opts["y"]) == [0, 1, 0, 1]
    brushes = chart.bars.opts["brushes"]
    assert brushes[2].style() == Qt.BrushStyle.BDiagPattern and brushes[0].style() == Qt.BrushStyle.SolidPattern
    assert brushes[2].color().alpha() < 255
    assert chart.slowest == 0 and chart.slowest_note == "slowest: line 2, 2.0 s"
    assert "cached" in chart.describe(2) and "running" in chart.describe(3)
    assert chart.hit(QPointF(1.0, 0.1)) == 0 and chart.hit(QPointF(0.7, 1.2)) == 1 and chart.hit(QPointF(3, 0)) is None
    assert chart.line_of(1) == 6


def test_history_chart_plots_final_sizes_and_the_baseline(qtbot):
    chart = show(qtbot, HistoryChart())
    first, second = record(1, {0: 5, 2: 1_000_000}), record(2, {0: 5, 2: 1_200_000})
    chart.set_records([first, second], baseline=first)
    xs, ys = chart.curve.getData()
    assert list(xs) == [1, 2] and list(ys) == [1_000_000, 1_200_000]
    assert chart.baseline_line.isVisible() and chart.baseline_line.value() == 1_000_000
    assert chart.describe(1) == "build #2: final image 1.20 MB"
    chart.set_records([], None)
    assert chart.empty.isVisible() and not chart.baseline_line.isVisible()
