"""Presentation mode: the graph full screen with a caption per step, ending on what the
build produced (sizes the engine measured)."""
from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from testimages import TEST_LABEL

from studio.core.units import human_size

BUSYBOX = "stage-studio-test/busybox:latest"
TEXT = """FROM {bb} AS toolchain
RUN echo {token} > /id && dd if=/dev/zero of=/big bs=1000 count=300 2>/dev/null

FROM {bb} AS app
COPY --from=toolchain /id /id
"""


def test_present_steps_through_the_stages_and_closes_with_the_engines_numbers(open_window, docker_client, qtbot):
    window, _ = open_window(TEXT.format(bb=BUSYBOX, token=uuid.uuid4().hex))
    controller = window.build.controller
    controller.extra_labels = {TEST_LABEL: "1"}
    present = window.teach.presentation
    window.actions_by_name["present"].trigger()
    screen = present.screen
    assert screen.isVisible() and screen.isFullScreen()
    assert screen.title.text() == "Step 1 of 3: toolchain"
    assert "toolchain" in screen.caption.toPlainText()
    assert screen.graph.selected_stage().index == 0
    qtbot.keyClick(screen, Qt.Key.Key_Right)
    assert screen.title.text() == "Step 2 of 3: app" and screen.graph.selected_stage().index == 1
    qtbot.keyClick(screen, Qt.Key.Key_Space)
    assert screen.title.text().startswith("Step 3 of 3")
    assert "Build once" in screen.caption.toPlainText()  # no build yet: no numbers claimed
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    assert not screen.isVisible()
    # after a build the closing step states the final size and the saving, as measured
    assert controller.start()
    qtbot.waitUntil(lambda: not controller.running(), timeout=120_000)
    result = controller.last_result
    assert result.ok and result.saved
    engine_size = result.final["size"]  # docker image inspect's Size, read by the build (test_build_gui checks it)
    window.actions_by_name["present"].trigger()
    present.go(present.steps() - 1)
    caption = screen.caption.toPlainText()
    assert f"The final image is {human_size(engine_size)}." in caption
    assert f"saved {human_size(result.saved)}" in caption
    qtbot.keyClick(screen, Qt.Key.Key_F11)
    assert not screen.isVisible()
    screen.close()


def test_present_after_a_failed_build_says_it_failed_not_build_once(open_window, docker_client, qtbot):
    window, _ = open_window(f"FROM {BUSYBOX}\nRUN echo {uuid.uuid4().hex} && exit 3\n")
    controller = window.build.controller
    controller.extra_labels = {TEST_LABEL: "1"}
    assert controller.start()
    qtbot.waitUntil(lambda: not controller.running(), timeout=120_000)
    assert not controller.last_result.ok and controller.last_result.error.line == 2  # the engine's verdict
    present = window.teach.presentation
    window.actions_by_name["present"].trigger()
    present.go(present.steps() - 1)
    caption = present.screen.caption.toPlainText()
    assert "The last build failed at line 2" in caption and "Build once" not in caption
    qtbot.keyClick(present.screen, Qt.Key.Key_Escape)
    present.screen.close()
