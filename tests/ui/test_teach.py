"""The teaching parts of the window: the Explain panel, the classroom walk-through and
large fonts (pytest-qt, offscreen). The build-numbers test is in test_teach_build.py."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt

from studio.core import parse
from studio.core.explain import build_order
from studio.ui.teach import EXPLAIN_WIDTH
from studio.ui.teach.walkthrough import WALK_WIDTH

TEXT = """FROM stage-studio-test/busybox:latest AS toolchain
RUN mkdir -p /toolchain

FROM toolchain AS build
WORKDIR /src
RUN echo app > /out.txt

FROM stage-studio-test/busybox:latest AS docs
RUN echo docs > /docs.txt

FROM scratch AS lonely
COPY --from=docs /docs.txt /

FROM scratch
COPY --from=build /out.txt /app/out.txt
COPY --from=docs /docs.txt /app/docs.txt
"""


def explain_window(open_window, text=TEXT):
    window, path = open_window(text)
    window.teach.explain_dock.toggleViewAction().trigger()  # View > Explain Panel
    assert window.teach.explain_dock.isVisible()
    return window, window.teach.explain


def test_selecting_a_box_explains_its_base_consumers_and_paths(open_window, qtbot):
    window, panel = explain_window(open_window)
    view = window.graph_view
    node = view.stage_nodes()[2]  # "docs"
    dock = window.teach.explain_dock  # it takes its width once the window lays it out; the graph refits
    qtbot.waitUntil(lambda: dock.width() >= EXPLAIN_WIDTH * 0.8, timeout=3000)
    point = view.mapFromScene(node.mapToScene(node.title_rect().center()))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.selected_stage() is node and panel.index == 2
    text = panel.text()
    assert "docs starts from the image stage-studio-test/busybox:latest" in text
    assert "lonely copies /docs.txt out of it (line 12)" in text
    assert "#4 copies /docs.txt out of it (line 16)" in text
    assert "runs echo docs > /docs.txt" in text
    assert "The target (#4) needs it" in text


def test_the_panel_follows_the_text_cursor_and_says_when_the_target_skips_a_stage(open_window):
    window, panel = explain_window(open_window)
    window.go_to_line(12)  # inside "lonely"
    assert panel.index == 3
    window.go_to_line(9)
    assert panel.index == 2
    window.go_to_line(15)
    assert panel.index == 4
    panel.show_stage(3)
    assert "skipped" in panel.text() and "BuildKit skips it" in panel.text()
    panel.show_stage(1)
    assert "build starts from stage toolchain" in panel.text()
    assert "Build with sizes" in panel.text()  # no build yet: no numbers, a hint instead


def test_walkthrough_visits_stages_in_build_order_selecting_each_box(open_window, qtbot):
    window, _panel = explain_window(open_window)
    walk = window.teach.walkthrough
    expected = build_order(parse(TEXT).graph())
    expected += [i for i in range(5) if i not in expected]  # skipped stages come last
    window.actions_by_name["explain_build"].trigger()
    assert walk.active and walk.dock.isVisible()
    assert not window.teach.explain_dock.isVisible()  # the walk takes the right-hand column
    window.editor.setFocus()  # the keys work whichever pane has focus
    seen = []
    for step in range(5):
        index = walk.current_stage()
        seen.append(index)
        selected = window.graph_view.selected_stage()
        assert selected is not None and selected.index == index
        halo = walk.halo()
        assert halo is not None and halo.sceneBoundingRect().contains(selected.sceneBoundingRect())
        stage = window.controller.graph.stages[index]
        assert window.editor.revealed_lines()[0] == stage.line
        assert f"Step {step + 1} of 5" in walk.panel.step_label.text()
        route = walk.panel.route.text()
        names = [window.controller.graph.stages[i].label for i in expected]
        assert [route.index(name) for name in names] == sorted(route.index(name) for name in names)
        assert "lonely (skipped)" in route
        assert stage.label in walk.panel.browser.toPlainText()
        key = (Qt.Key.Key_Right, Qt.Key.Key_Space, Qt.Key.Key_PageDown)[step % 3]
        qtbot.keyClick(window.focusWidget(), key)
    assert seen == expected
    assert window.current_text() == TEXT  # Space and the arrows never reached the text
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_PageUp)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Left)
    assert walk.current_stage() == expected[2]
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Escape)
    assert not walk.active and not walk.dock.isVisible() and walk.halo() is None
    assert window.teach.explain_dock.isVisible()  # back as it was
    qtbot.keyClick(window.editor, Qt.Key.Key_Right)  # arrows are the editor's again
    assert window.current_text() == TEXT


def test_large_fonts_scale_text_explanations_and_graph_and_switch_back(open_window):
    window, panel = explain_window(open_window)
    walk_panel = window.teach.walkthrough.panel
    before = (window.editor.font().pointSizeF(), panel.browser.font().pointSizeF(),
              walk_panel.browser.font().pointSizeF(), window.graph_view.zoom())
    action = window.actions_by_name["large_fonts"]
    action.trigger()
    assert action.isChecked()
    after = (window.editor.font().pointSizeF(), panel.browser.font().pointSizeF(),
             walk_panel.browser.font().pointSizeF(), window.graph_view.zoom())
    for old, new in zip(before, after):
        assert new >= old * 1.5
    action.trigger()
    restored = (window.editor.font().pointSizeF(), panel.browser.font().pointSizeF(),
                walk_panel.browser.font().pointSizeF(), window.graph_view.zoom())
    assert restored == before or all(abs(a - b) < 1e-6 for a, b in zip(restored, before))


def test_an_empty_file_has_nothing_to_walk_through(open_window):
    window, _ = open_window("")
    assert not window.teach.walkthrough.start()
    assert not window.teach.walkthrough.active


def test_the_walkthrough_keeps_the_graph_readable_and_each_step_in_view(open_window, qtbot):
    """The walk-through dock narrows the graph pane; the graph is fitted to what is left
    but never below readable text (issue 14: it shrank to 31 %), and each step shows its
    box."""
    from PySide6.QtGui import QFontInfo

    window, _ = open_window(TEXT)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.size() == QSize(1280, 800), timeout=2000)
    view = window.graph_view
    view.fit_to_view()  # the graph as the user left it: fitted to the wide pane (it refits on resizes)
    window.actions_by_name["explain_build"].trigger()
    walk = window.teach.walkthrough
    qtbot.waitUntil(lambda: walk.dock.isVisible() and walk.dock.width() >= WALK_WIDTH * 0.8, timeout=2000)
    assert QFontInfo(view.scene().theme.mono_font).pixelSize() * view.zoom() >= 11
    for step in range(len(walk.order)):
        if step:
            walk.next()
        box = view.stage_nodes()[walk.current_stage()]
        qtbot.waitUntil(lambda: view.mapToScene(view.viewport().rect()).boundingRect().contains(
            box.sceneBoundingRect()), timeout=2000)


def test_opening_the_explain_panel_keeps_the_selected_box_in_view(open_window, qtbot):
    window, _ = open_window(TEXT)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.size() == QSize(1280, 800), timeout=2000)
    view = window.graph_view
    view.fit_to_view()
    last = max(view.stage_nodes())
    view.select_stage(last)  # the right-most box, where the panel will take room
    window.teach.explain_dock.toggleViewAction().trigger()

    def selected_in_view() -> bool:
        visible = view.mapToScene(view.viewport().rect()).boundingRect()
        return visible.contains(view.stage_nodes()[last].sceneBoundingRect())

    dock = window.teach.explain_dock  # in view once the panel has taken its room, not before
    qtbot.waitUntil(lambda: dock.width() >= EXPLAIN_WIDTH * 0.8 and selected_in_view(), timeout=2000)
    panels = [a.text() for a in window.menus.panels.actions()]
    assert "E&xplain Panel" in panels  # in View > Panels, once
    view_menu = window.menus.panels.parent()
    assert [a.text() for a in view_menu.actions()].count("E&xplain Panel") == 0


def test_large_fonts_cover_the_log_problems_charts_and_menus(open_window):
    window, _ = open_window(TEXT)
    build = window.build
    widgets = [window.menuBar(), window.problems, build.log.view, build.charts.sizes]
    before = [w.font().pointSizeF() for w in widgets]
    window.actions_by_name["large_fonts"].trigger()
    after = [w.font().pointSizeF() for w in widgets]
    assert all(a >= b * 1.5 for a, b in zip(after, before))
    tick = build.charts.sizes.getPlotItem().getAxis("left").style["tickFont"]
    assert tick is not None and tick.pointSizeF() >= before[3] * 1.5
    window.actions_by_name["large_fonts"].trigger()
    assert [w.font().pointSizeF() for w in widgets] == before
