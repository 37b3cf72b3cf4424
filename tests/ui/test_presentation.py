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


def test_after_present_the_mouse_opens_the_file_menu_and_presses_toolbar_buttons(open_window, qtbot):
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QToolButton

    window, _ = open_window("FROM scratch AS a\nFROM a AS b\n")
    window.actions_by_name["present"].trigger()
    screen = window.teach.presentation.screen
    assert screen.isVisible()
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    assert not screen.isVisible() and not screen.isFullScreen()
    bar = window.menuBar()
    file_action = bar.actions()[0]
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(file_action).center())
    qtbot.waitUntil(lambda: file_action.menu().isVisible(), timeout=3000)
    file_action.menu().hide()
    toolbar = window.build.bar
    no_cache = next(b for b in toolbar.findChildren(QToolButton) if b.defaultAction() is toolbar.no_cache_action)
    before = toolbar.no_cache_action.isChecked()
    QTest.mouseClick(no_cache, Qt.MouseButton.LeftButton)
    assert toolbar.no_cache_action.isChecked() != before


def test_present_shows_sizes_on_the_boxes_a_single_title_and_a_caption_sized_to_its_text(open_window, qtbot):
    window, _ = open_window("FROM scratch AS a\nFROM a AS b\n")
    main_nodes = window.graph_view.stage_nodes()
    main_nodes[0].set_build(state="done", size=("2.0 MB", None))
    window.actions_by_name["present"].trigger()
    screen = window.teach.presentation.screen
    nodes = screen.graph.stage_nodes()
    assert nodes[0].marks.size == ("2.0 MB", None) and nodes[0].build_state == "done"
    assert "Stage Studio" not in screen.windowTitle()  # the platform adds the app name once
    caption = screen.caption
    doc_height = caption.document().size().height()
    assert caption.height() >= min(doc_height, screen.height() * 0.5 - 1)  # as tall as its text, up to half
    if caption.height() < doc_height:  # a long text is set smaller first
        assert caption.document().defaultFont().pointSizeF() == 14.0
    window.teach.presentation.go(window.teach.presentation.steps() - 1)
    assert caption.height() >= caption.document().size().height()  # the closing step fits whole
    qtbot.keyClick(screen, Qt.Key.Key_Escape)


def test_the_closing_step_states_the_waste_the_files_view_found():
    from types import SimpleNamespace

    from studio.ui.teach.presentation import closing_text

    result = SimpleNamespace(ok=True, final={"size": 4_080_000}, saved=102_000, error=None)
    clean = closing_text(result, 0)
    assert "stayed in the stages that needed them" in clean
    wasted = closing_text(result, 2_100_000)
    assert "2.10 MB" in wasted and "deleted" in wasted and "stayed in the stages" not in wasted
    assert "stayed in the stages" not in closing_text(result, None)  # not read: no claim either way


def test_the_closing_step_shows_the_whole_graph_after_its_caption_is_sized(open_window, qtbot):
    text = "".join(f"FROM scratch AS s{i}\nCOPY --from={'s' + str(i - 1) if i else 'scratch'} /a /a\n"
                   for i in range(14))
    window, _ = open_window(text)
    present = window.teach.presentation
    window.actions_by_name["present"].trigger()
    present.go(present.steps() - 1)
    screen = present.screen
    seen = screen.graph.mapToScene(screen.graph.viewport().rect()).boundingRect()
    for node in screen.graph.stage_nodes().values():
        assert seen.contains(node.sceneBoundingRect()), node.title
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
