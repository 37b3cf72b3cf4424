"""Bar names under the stage-sizes chart stay whole and apart at any width: one line when
they fit, two lines broken between words, else slanted; only very long names are
shortened, and then the axis tooltip has them in full."""
from __future__ import annotations

import itertools
import math

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFont, QFontMetricsF

from studio.ui.buildpanel.chart_labels import PAD_PX, SLANT_MAX_PX, fit_labels
from studio.ui.buildpanel.chart_sizes import StageSizesChart
from studio.ui.buildpanel.history import BuildRecord, StageRecord

NAMES = ["toolchain", "build", "stage 2"]


def sizes_record(names: list[str]) -> BuildRecord:
    stages = [StageRecord(i, name, "done", 3_000_000 + 500_000 * i, 1.0, []) for i, name in enumerate(names)]
    return BuildRecord(1, 0.0, True, 2.0, len(names) - 1, stages[-1].size, 10_400_000, stages)


def width(text: str, font: QFont | None = None) -> float:
    return QFontMetricsF(font or QFont()).horizontalAdvance(text)


def test_fit_labels_picks_flat_then_wrapped_then_slanted():
    font = QFont()
    roomy = fit_labels(["build", "1 stage"], width("1 stage") + PAD_PX + 2, font)
    assert (roomy.mode, roomy.texts) == ("flat", ["build", "1 stage"])
    tight = max(width("stage"), width("build")) + PAD_PX + 1  # "1 stage" no longer fits on one line
    wrapped = fit_labels(["build", "1 stage"], tight, font)
    assert (wrapped.mode, wrapped.texts) == ("wrap", ["build", "1\nstage"])
    assert wrapped.height > roomy.height
    slanted = fit_labels(["toolchain", "1 stage"], width("tool"), font)  # one word cannot be broken
    assert (slanted.mode, slanted.texts) == ("slant", ["toolchain", "1 stage"]) and not slanted.shortened
    long_name = "a-very-long-builder-stage-name-that-goes-on"
    very = fit_labels([long_name, "x"], 20, font)
    assert very.mode == "slant" and very.shortened and very.texts[0].endswith("…")
    assert width(very.texts[0]) <= SLANT_MAX_PX and very.texts[1] == "x"


def resize_chart(qtbot, chart: StageSizesChart, chart_width: int, chart_height: int = 300) -> None:
    """Resize and wait until the plot has laid itself out for the new size."""
    chart.resize(chart_width, chart_height)
    axis, view = chart.getPlotItem().getAxis("bottom"), chart.getPlotItem().getViewBox()
    qtbot.waitUntil(lambda: chart.width() == chart_width and chart.height() == chart_height
                    and view.sceneBoundingRect().right() <= chart_width
                    and view.sceneBoundingRect().bottom() <= chart_height
                    and abs(axis.geometry().width() - view.width()) < 2
                    and abs(axis.height() - axis.minimumHeight()) < 1)  # the axis took its new height


def show_chart(qtbot, names: list[str]) -> StageSizesChart:
    chart = StageSizesChart()
    qtbot.addWidget(chart)
    chart.resize(600, 300)
    chart.show()
    qtbot.waitExposed(chart)
    chart.set_record(sizes_record(names))
    return chart


@pytest.mark.parametrize("chart_width", [600, 330, 240, 170])
def test_every_bar_name_is_drawn_whole_and_apart(qtbot, chart_width):
    chart = show_chart(qtbot, NAMES)
    resize_chart(qtbot, chart, chart_width)
    axis = chart.getPlotItem().getAxis("bottom")
    layout = axis.layout_now
    assert [t.replace("\n", " ") for t in layout.texts] == chart.labels == [*NAMES, "1 stage"]
    rects = axis.label_rects()
    assert len(rects) == len(chart.labels)  # none dropped (pyqtgraph hid the end ones)
    if layout.mode == "slant":
        angle = math.radians(40)
        widest = max(r.width() for r in rects)
        assert axis.height() >= widest * math.sin(angle)  # the axis is tall enough for them
        return
    for left, right in itertools.pairwise(rects):
        assert left.right() <= right.left(), f"{layout.texts} overlap at {chart_width}px"
    bounds = axis.boundingRect()
    assert all(bounds.contains(rect) for rect in rects)
    assert axis.height() >= max(r.height() for r in rects)


def test_narrowing_the_chart_changes_the_layout_as_promised(qtbot):
    chart = show_chart(qtbot, NAMES)
    axis = chart.getPlotItem().getAxis("bottom")
    modes = []
    for chart_width in (600, 300, 170):
        resize_chart(qtbot, chart, chart_width)
        modes.append(axis.layout_now.mode)
    assert modes[0] == "flat" and modes[-1] == "slant"
    assert axis.toolTip() == ""  # nothing shortened, so nothing to explain


@pytest.mark.parametrize("size", [(600, 300), (260, 300), (420, 170), (300, 150)])
def test_size_notes_over_the_bars_never_overlap_after_a_resize(qtbot, size):
    chart = show_chart(qtbot, NAMES)
    resize_chart(qtbot, chart, *size)
    view = chart.getPlotItem().getViewBox().sceneBoundingRect()
    # every note inside the plot (none cut off), once pyqtgraph has placed them for the new size
    qtbot.waitUntil(lambda: chart._texts and all(view.adjusted(-1, -1, 1, 1).contains(t.sceneBoundingRect())
                                                 for t in chart._texts))
    rects = [item.sceneBoundingRect() for item in chart._texts]
    for i, first in enumerate(rects):
        for second in rects[i + 1:]:
            assert not first.intersects(second), f"notes overlap at {size}"
    assert any("saved" in item.textItem.toPlainText() for item in chart._texts)
    bars_top = chart.getPlotItem().getViewBox().mapViewToScene(QPointF(0, chart.top)).y()
    assert bars_top > view.top()  # the tallest bar stays inside the plot


def test_timeline_seconds_are_labelled_no_closer_than_a_label_width():
    from studio.ui.buildpanel.chart_base import SecondsAxis, readable_step

    assert [readable_step(x) for x in (0.013, 0.02, 0.3, 7, 120)] == [0.02, 0.02, 0.5, 10, 200]
    axis = SecondsAxis("bottom")
    for span, pixels in ((0.12, 150), (0.12, 600), (90.0, 200), (3600.0, 900)):
        (step, _offset), = axis.tickSpacing(0.0, span, pixels)
        assert step * pixels / span >= SecondsAxis.LABEL_PX  # "0.02 s" never runs into "0.04 s"
        assert step / 2.5 * pixels / span < SecondsAxis.LABEL_PX  # and not needlessly sparse
        labels = axis.tickStrings([0.0, step], 1.0, step)
        assert all(width(label) < SecondsAxis.LABEL_PX - 8 for label in labels)


@pytest.mark.parametrize("chart_width", [600, 300, 200])
def test_layer_names_under_the_layers_chart_never_run_together(qtbot, chart_width):
    """A stage with many layers in a narrow chart once read "L1314L1516L17": its names go
    through the same layout as the stage names."""
    from studio.ui.buildpanel.chart_layers import LayersChart
    from studio.engine.events import LayerInfo

    layers = [LayerInfo(i + 10, f"RUN step {i}", 1000 * (i + 1)) for i in range(8)]
    stage = StageRecord(0, "build", "done", 36_000, 1.0, layers)
    chart = LayersChart()
    qtbot.addWidget(chart)
    chart.resize(600, 300)
    chart.show()
    qtbot.waitExposed(chart)
    chart.set_stage(stage)
    resize_chart(qtbot, chart, chart_width)
    axis = chart.getPlotItem().getAxis("bottom")
    assert [t.replace("\n", " ") for t in axis.layout_now.texts] == [f"L{i + 10}" for i in range(8)]
    if axis.layout_now.mode != "slant":
        for left, right in itertools.pairwise(axis.label_rects()):
            assert left.right() <= right.left(), f"{axis.layout_now.texts} overlap at {chart_width}px"
