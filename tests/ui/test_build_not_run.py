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


def test_a_step_the_engine_stopped_is_not_counted_done_and_says_stopped(qtbot, open_window, docker_client):
    """One stage fails while another's step still runs: BuildKit stops that step ("context
    canceled"). The event says stopped, the box counts only its finished steps and says
    stopped, as the JSON's stage does, and the timeline does not draw it as a failure."""
    token = uuid.uuid4().hex
    text = (f"FROM {BUSYBOX} AS slow\nRUN sleep 8 && echo {token} > /slow\n"
            f"FROM {BUSYBOX} AS bad\nRUN sleep 1; echo {token}; exit 7\n"
            f"FROM {BUSYBOX}\nCOPY --from=slow /slow /\nCOPY --from=bad /x /\n")
    window, _path = open_window(text)
    window.build.controller.extra_labels = {TEST_LABEL: "1"}
    result, events = run_build(qtbot, window, no_cache=True)
    assert result is not None and not result.ok
    ended = [e for e in events if e.event == "step_finished" and e.stage == 0 and e.line == 2]
    assert len(ended) == 1 and ended[0].stopped and "context canceled" in ended[0].error
    assert ended[0].to_json()["stopped"] is True  # what --json says
    assert {s.index: s.state for s in result.stages}[0] == "stopped"
    slow = window.graph_view.stage_nodes()[0]
    # the RUN was stopped: not done (the FROM counts where the engine reported it for this stage)
    assert slow.build_state == "stopped" and slow.marks.progress[0] < 2 and slow.marks.progress[1] == 2
    left, _right = footer_texts(slow, QFontMetricsF(slow.theme.small_font), 400)
    assert left.startswith("stopped") and "2/2" not in left
    assert "Stopped: a step was running when a failure in another stage stopped the build" in slow.toolTip()
    timeline = window.build.charts.timeline
    i = next(i for i, s in enumerate(timeline.steps) if (s.stage, s.line) == (0, 2))
    assert timeline.describe(i).splitlines()[1].startswith("stopped before it finished")
    assert window.build.controller.session.failed_line() == 4  # the failure is bad's, not slow's
