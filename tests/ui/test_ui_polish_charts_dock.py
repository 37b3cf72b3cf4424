"""The Charts dock gives its room to the graph and the text until a build has something
to chart, then appears without taking the focus; the user's own choice always wins."""
from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import QSettings
from test_build_gui import BUSYBOX, build_window, run_build  # noqa: F401 (fixtures)

from studio.ui.buildpanel.charts_dock import has_chart_data
from studio.ui.buildpanel.history import BuildRecord, StageRecord
from studio.ui.main_window import MainWindow

TWO_STAGES = """FROM {bb} AS toolchain
RUN echo {token} > /id && dd if=/dev/zero of=/tool bs=1000 count=40 2>/dev/null

FROM scratch
COPY --from=toolchain /id /id
"""


def sized_record(ok: bool = True, size: int | None = 2_000) -> BuildRecord:
    stages = [StageRecord(0, "toolchain", "done" if ok else "failed", size, 1.0, [])]
    return BuildRecord(1, 0.0, ok, 1.0, 0, size, None, stages)


def charts_fraction(window) -> float:
    dock = window.build.charts_dock
    return dock.height() / window.height() if dock.isVisible() else 0.0


@pytest.fixture
def wide_window(open_window, qtbot):
    window, _path = open_window("FROM scratch\nCOPY a /a\n")
    window.resize(1400, 900)
    qtbot.waitUntil(lambda: window.width() == 1400)
    return window


def test_before_a_build_the_charts_dock_is_hidden_and_the_panes_keep_the_room(wide_window):
    window = wide_window
    assert not window.build.charts_dock.isVisible()
    assert window.build.charts_dock.toggleViewAction() in window.menus.panels.actions()  # still one click away
    assert not window.build.charts_dock.toggleViewAction().isChecked()
    # the graph and the text get most of the height; the Problems row stays short
    assert window.splitter.height() > 0.6 * window.height()
    assert window.problems_dock.height() < 0.25 * window.height()


def test_a_result_worth_charting_reveals_the_dock_once_without_moving_the_focus(wide_window, qtbot):
    window = wide_window
    window.editor.setFocus()
    qtbot.waitUntil(window.editor.hasFocus)
    reveal = window.build.reveal
    assert not reveal.on_record(sized_record(ok=False, size=None))  # a failed build: nothing to draw
    assert not window.build.charts_dock.isVisible()
    assert reveal.on_record(sized_record())
    qtbot.waitUntil(window.build.charts_dock.isVisible)
    assert window.editor.hasFocus()
    qtbot.waitUntil(lambda: 0.2 < charts_fraction(window) < 0.45)  # a fair share, not half the window
    window.build.charts_dock.toggleViewAction().trigger()  # the user closes it again...
    assert not reveal.on_record(sized_record())  # ...and later builds leave it closed
    assert not window.build.charts_dock.isVisible()


def test_a_user_who_opens_the_charts_early_keeps_them(wide_window, qtbot):
    window = wide_window
    window.build.charts_dock.toggleViewAction().trigger()
    qtbot.waitUntil(window.build.charts_dock.isVisible)
    assert not window.build.reveal.pending
    window.build.charts_dock.toggleViewAction().trigger()
    window.build.reveal.on_record(sized_record())
    assert not window.build.charts_dock.isVisible()


def test_has_chart_data_needs_sizes_or_the_steps_of_a_good_build():
    assert not has_chart_data(None)
    assert has_chart_data(sized_record())
    assert not has_chart_data(sized_record(ok=False, size=None))
    stepped = sized_record(size=None)
    stepped.steps = [object()]
    assert has_chart_data(stepped)
    stepped.ok = False
    assert not has_chart_data(stepped)


def _fresh_window(qtbot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    return window


def test_the_saved_layout_remembers_a_pending_reveal_and_the_users_choice(qtbot):
    first = _fresh_window(qtbot)
    first.save_layout()  # never built, never touched: still waiting
    second = _fresh_window(qtbot)
    assert second.restore_layout()
    assert second.build.reveal.pending and not second.build.charts_dock.isVisibleTo(second)

    second.show()
    qtbot.waitExposed(second)
    second.build.charts_dock.toggleViewAction().trigger()  # the user wants the charts, build or not
    second.save_layout()
    second.close()
    third = _fresh_window(qtbot)
    third.show()
    assert third.restore_layout()
    assert not third.build.reveal.pending and third.build.charts_dock.isVisible()
    third.close()

    QSettings().remove("window/charts_reveal_pending")  # a layout saved before this feature:
    fourth = _fresh_window(qtbot)
    fourth.restore_layout()  # it is the user's arrangement, and nothing moves on its own
    assert not fourth.build.reveal.pending


def test_a_real_build_reveals_readable_charts(build_window, qtbot):
    window, _path = build_window(TWO_STAGES.format(bb=BUSYBOX, token=uuid.uuid4().hex))
    window.resize(1000, 700)
    window.editor.setFocus()
    assert not window.build.charts_dock.isVisible()
    result, _events = run_build(qtbot, window)
    assert result is not None and result.ok, result.error
    qtbot.waitUntil(window.build.charts_dock.isVisible)
    assert window.editor.hasFocus()
    sizes = window.build.charts.sizes
    assert sizes.labels == ["toolchain", "#1", "1 stage"]
    qtbot.waitUntil(lambda: sizes.getPlotItem().getAxis("bottom").layout_now.texts != [])
    axis = sizes.getPlotItem().getAxis("bottom")
    drawn = [text.replace("\n", " ") for text in axis.layout_now.texts]
    assert drawn == sizes.labels  # every name drawn in full, none cut to "1 sta…"
