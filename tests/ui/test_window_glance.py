"""Issue 14, the window at a glance: one Fit (key, button, menus), Fit keeps Large Fonts
large, the first window fits a small screen, the compare window reads right and closes,
builds are numbered per document."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest

FOUR = """FROM busybox AS compiler
WORKDIR /src
RUN mkdir -p /out && echo hello > /out/hello.txt
RUN dd if=/dev/zero of=/out/big.bin bs=1024 count=100

FROM compiler AS tools
RUN echo tool > /out/tool.txt

FROM busybox
RUN echo unnamed > /unnamed.txt

FROM busybox AS final
COPY --from=compiler /out/hello.txt /app/hello.txt
COPY --from=2 /unnamed.txt /app/unnamed.txt
RUN rm -f /tmp/huge.bin
COPY --from=tools /out/world.txt /app/
"""


def shown(view):
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    return round(view.zoom(), 4), round(seen.center().x()), round(seen.center().y())


def test_fit_is_one_fit_for_the_key_the_button_and_the_menus(open_window, qtbot):
    window, _ = open_window(FOUR)
    window.resize(1600, 1000)
    view = window.graph_view
    qtbot.waitUntil(lambda: view.viewport().width() > 900, timeout=3000)
    ways = {
        "key": lambda: QTest.keyClick(view, Qt.Key.Key_F),
        "button": lambda: view.zoom_bar.fit_button.click(),
        "menu": lambda: window.actions_by_name["fit"].trigger(),
    }
    results = {}
    for name, fit in ways.items():
        view.set_zoom(0.4)  # by hand, somewhere else
        view.centerOn(-500, -500)
        view.setFocus()
        fit()
        results[name] = shown(view)
    assert len(set(results.values())) == 1, results


def test_fit_with_large_fonts_never_sets_the_boxes_smaller_than_without(open_window, qtbot):
    from studio.ui.graph.view import READABLE_PX, readable_zoom
    from studio.ui.teach.large_fonts import LARGE_FACTOR

    window, _ = open_window(FOUR)
    window.resize(1024, 700)
    view = window.graph_view
    qtbot.waitUntil(lambda: view.viewport().width() < 700, timeout=3000)
    view.fit_to_view()
    normal = view.zoom()
    window.actions_by_name["large_fonts"].trigger()
    view.fit_to_view()
    large = view.zoom()
    assert large >= normal * LARGE_FACTOR - 1e-6 or large >= 2.0 - 1e-6
    assert large >= readable_zoom(view.scene().theme) * LARGE_FACTOR - 1e-6  # text >= 11 px x the factor
    assert READABLE_PX >= 11
    window.actions_by_name["large_fonts"].trigger()


def test_the_first_window_fits_a_1024_by_700_screen(open_window):
    window, _ = open_window("FROM scratch\n")
    window.resize(1280, 800)
    window.move(0, 0)
    available = QRect(0, 0, 1024, 700 - 30)  # a panel takes 30 px
    window.fit_to_screen(available)
    frame = window.frameGeometry()
    assert available.contains(QRect(frame.topLeft(), window.size()))
    assert window.width() <= 1024 and window.height() <= 670
    status = window.statusBar()
    corner = status.mapTo(window, QPoint(status.width() - 1, status.height() - 1))
    assert window.rect().contains(corner)  # the status bar (and the badge above it) is on screen


def test_compare_says_which_image_is_larger_and_closes_with_a_button_ctrl_w_and_esc(qtbot):
    from studio.ui.teach.compare_view import CompareView, Side, difference_text

    multi = Side("demo.multi.Dockerfile", "FROM scratch AS a\nFROM scratch\nCOPY --from=a /x /x\n", "/tmp", 2_000_000)
    single = Side("demo.single.Dockerfile", "FROM scratch\n", "/tmp", 10_400_000)
    text = difference_text(multi, single)
    assert text.startswith("The image of demo.single.Dockerfile is 5.2× as large as the image of demo.multi")
    assert "demo.multi.Dockerfile saves 8.40 MB" in text and "19 %" in text
    for close in ("button", "Ctrl+W", "Esc"):
        view = CompareView([multi, single])
        qtbot.addWidget(view)
        view.show()
        qtbot.waitExposed(view)
        assert view.windowFlags() & Qt.WindowType.WindowCloseButtonHint
        if close == "button":
            view.close_button.click()
        else:
            view.activateWindow()
            qtbot.waitUntil(view.isActiveWindow, timeout=3000)  # (shortcuts go to the active window)
            if close == "Esc":
                QTest.keyClick(view.build_button, Qt.Key.Key_Escape)
            else:
                QTest.keyClick(view.build_button, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
        assert not view.isVisible(), close


@pytest.mark.parametrize("size", [(1400, 760), (1920, 1080)])
def test_compare_fits_each_whole_graph_readable_where_there_is_room(qtbot, size):
    from studio.ui.graph.view import readable_zoom
    from studio.ui.teach.compare_view import CompareView, Side

    view = CompareView([Side("a", FOUR, "/tmp"), Side("b", "FROM scratch\n", "/tmp")])
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.fitted_size == view.size(), timeout=3000)
    for graph in view.graphs:  # a comparison shows all of both graphs
        qtbot.waitUntil(lambda g=graph: g.mapToScene(g.viewport().rect()).boundingRect().contains(
            g.scene().nodes_rect()), timeout=3000)
    if size[0] >= 1920:
        graph = view.graphs[0]
        assert graph.zoom() >= readable_zoom(graph.scene().theme) - 1e-6
    view.close()


def test_builds_are_numbered_per_document():
    from studio.engine.fold import BuildFold
    from studio.ui.buildpanel.history import BuildHistory

    history = BuildHistory()
    result = SimpleNamespace(ok=True, stages=[], final={"size": 1}, duration=1.0, saved=None)
    assert [history.add("a", BuildFold(), result).label for _ in range(2)] == ["#1", "#2"]
    assert history.add("b", BuildFold(), result).label == "#1"  # b's first build, whatever a did
    history.rename("b", "c")
    assert history.add("c", BuildFold(), result).label == "#2"


def test_a_stage_added_after_the_last_one_is_scrolled_into_view(open_window, qtbot):
    window, _ = open_window(FOUR)
    window.resize(1280, 800)
    view = window.graph_view
    view.fit_to_view()
    view.set_zoom(1.6)  # by hand: the graph no longer fits
    view.centerOn(0, 0)
    cursor = window.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    cursor.insertText("\nFROM final AS post\nRUN true\n")
    window.current_document()  # parsed now, as after the typing pause
    post = next(n for n in view.stage_nodes().values() if n.title == "post")
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    assert seen.intersects(post.sceneBoundingRect()) and seen.contains(post.sceneBoundingRect().topLeft())


def test_the_walk_through_never_says_built_before_a_build(open_window):
    window, _ = open_window(FOUR)
    explain = window.teach.explain
    for index in range(4):
        explain.show_stage(index)
        words = explain.text()
        assert "built" not in words.split(), words[:200]
    explain.show_stage(0)
    assert "needed for the target" in explain.text()


@pytest.mark.engine
def test_a_build_does_not_move_the_view_off_the_boxes(open_window, qtbot, docker_client):
    from testimages import TEST_LABEL

    busybox = "stage-studio-test/busybox:latest"
    window, _ = open_window(FOUR.replace("FROM busybox", f"FROM {busybox}").replace(
        "COPY --from=tools /out/world.txt /app/\n", "COPY --from=tools /out/tool.txt /app/\n"))
    window.resize(1600, 1000)
    view = window.graph_view
    qtbot.waitUntil(lambda: view.viewport().width() > 900, timeout=3000)
    view.fit_to_view()
    controller = window.build.controller
    controller.extra_labels = {TEST_LABEL: "1"}
    assert controller.start()
    qtbot.waitUntil(lambda: not controller.running(), timeout=180_000)
    assert controller.last_result.ok, controller.last_result.error
    after_build = shown(view)
    view.fit_to_view()
    assert shown(view) == after_build  # what Fit shows, the boxes' new footers included
