"""The target and build args chosen in the GUI are the ones the engine builds: set them
through Graph > Set as Build Target and through the bar (target combo, Args dialog),
build against the real engine, and read the built image's file back from the engine."""
from __future__ import annotations

import uuid

from engine.helpers import image_text
from testimages import TEST_LABEL

from test_build_settings import fill_args_dialog

BUSYBOX = "stage-studio-test/busybox:latest"

TEXT = """FROM {bb} AS first
ARG MSG=default
RUN echo "first:$MSG:{token}" > /which

FROM {bb} AS second
ARG MSG=default
RUN echo "second:$MSG:{token}" > /which
"""


def build(qtbot, window):
    controller = window.build.controller
    assert controller.start()
    qtbot.waitUntil(lambda: not controller.running(), timeout=180_000)
    result = controller.last_result
    assert result is not None and result.ok, result and result.error
    return result


def test_gui_target_and_args_are_what_the_engine_builds(open_window, qtbot, docker_client):
    token = uuid.uuid4().hex[:12]
    window, _path = open_window(TEXT.format(bb=BUSYBOX, token=token))
    window.build.controller.extra_labels = {TEST_LABEL: "1"}
    window.build_settings.update(sizes=False)

    # 1. the graph menu picks the first stage; the bar's Args dialog sets MSG (with a space)
    window.go_to_line(2)
    window.actions_by_name["set_target"].trigger()
    fill_args_dialog(qtbot, window, {"MSG": "hello world"})
    assert window.build.bar.target() == "first" and window.controller.graph.target == 0
    result = build(qtbot, window)
    assert image_text(docker_client, result.image_id, "/which") == f"first:hello world:{token}\n"
    states = {s.index: s.state for s in result.stages}
    assert states[1] == "skipped" and states[0] in ("done", "cached")

    # 2. the bar's target combo picks the second stage; the dialog changes MSG again
    combo = window.build.bar.target_combo
    combo.setCurrentIndex(combo.findData("second"))
    fill_args_dialog(qtbot, window, {"MSG": "from the bar"})
    assert window.controller.graph.target == 1 and window.controller.graph.reachable == [1]
    result = build(qtbot, window)
    assert image_text(docker_client, result.image_id, "/which") == f"second:from the bar:{token}\n"
    assert {s.index: s.state for s in result.stages}[0] == "skipped"
