"""The Charts dock and the failure banner name lines of the text that was built: after an
edit they say and go to where those lines are now, and a line edited since is named as
the build's (no click lands on the line that now has its number)."""
from __future__ import annotations

import uuid

import pytest
from test_files_lines_after_edit import DOCKERFILE, type_at
from test_results_per_document import BUSYBOX, build


@pytest.mark.engine
def test_the_layers_chart_follows_the_edited_text(open_window, qtbot, docker_client):
    from testimages import TEST_LABEL

    win, _path = open_window(DOCKERFILE)
    win.build.controller.extra_labels = {TEST_LABEL: "1"}
    win.build.bar.sizes_action.setChecked(True)
    assert build(qtbot, win).ok
    chart = win.build.charts.layers
    win.graph_view.sig_stage_selected.emit(1)
    big = next(i for i, layer in enumerate(chart.layers) if "/big" in layer.instruction and "head" in layer.instruction)
    labels = chart.getPlotItem().getAxis("bottom")
    assert dict(labels.labels)[big] == "L6"

    type_at(win, 1, "# a note\n")
    assert dict(labels.labels)[big] == "L7" and chart.describe(big).startswith("line 7: ")
    win.editor.go_to_line(1)
    chart.activate(big)
    assert win.editor.current_line() == 7 and "head -c 200000" in win.editor.textCursor().block().text()

    type_at(win, 7, "RUN head -c 100000 /dev/zero > /big", replace_line=True)
    assert dict(labels.labels)[big] == "was L6"
    assert chart.describe(big).startswith("last build: line 6,\nchanged since\nRUN head")
    win.editor.go_to_line(2)
    chart.activate(big)
    assert win.editor.current_line() == 2  # nowhere: line 7 is not the line that was built


@pytest.mark.engine
def test_the_failure_banner_goes_to_the_failed_line_where_it_is_now(open_window, qtbot, docker_client):
    from testimages import TEST_LABEL

    win, _path = open_window(f"FROM {BUSYBOX}\nRUN echo {uuid.uuid4().hex}\nRUN echo oops && exit 3\n")
    win.build.controller.extra_labels = {TEST_LABEL: "1"}
    result = build(qtbot, win)
    assert result is not None and not result.ok
    banner = win.build.banner
    assert banner.line == 3 and "Go to line 3" in banner.text()
    type_at(win, 1, "# why it fails\n\n")
    assert banner.line == 5 and "Go to line 5" in banner.text()
    banner.linkActivated.emit("line")
    assert win.editor.current_line() == 5 and win.editor.textCursor().block().text().startswith("RUN echo oops")
    type_at(win, 5, "RUN echo fixed", replace_line=True)
    assert banner.line is None and "Go to line" not in banner.text()
    assert "line 3 of this build was changed since" in banner.text()
