"""A box whose stage the failed build never ran says "not run", never "failed", on both
engines (the engine side is tests/engine/test_not_run_stages.py)."""
from __future__ import annotations

import uuid

from PySide6.QtGui import QFontMetricsF
from test_build_gui import BUSYBOX, run_build
from testimages import TEST_LABEL

from studio.ui.graph.stage_paint import footer_texts


def test_the_box_of_a_stage_that_never_ran_says_not_run(qtbot, open_window, docker_client):
    text = (f"FROM {BUSYBOX} AS build\nRUN echo {uuid.uuid4().hex} && exit 1\n\n"
            f"FROM {BUSYBOX}\nCOPY --from=build /etc/hostname /h\n")
    window, _path = open_window(text)
    window.build.controller.extra_labels = {TEST_LABEL: "1"}
    result, _events = run_build(qtbot, window, no_cache=True)
    assert result is not None and not result.ok
    nodes = window.graph_view.stage_nodes()
    assert nodes[0].build_state == "failed" and nodes[1].build_state == "not_run"
    assert nodes[1].error is None  # the failure is build's, not this stage's
    left, _right = footer_texts(nodes[1], QFontMetricsF(nodes[1].theme.small_font), 400)
    assert left.startswith("not run")
    assert "Not run: the build stopped (a failure in another stage, or a cancel)" in nodes[1].toolTip()
    window.build.log.set_filter(1)
    assert window.build.log.text().splitlines()[-1] == "── not run: the build stopped at a failure in another stage"
