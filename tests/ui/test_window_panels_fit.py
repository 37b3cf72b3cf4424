"""Opening panels never grows the window past its screen, and docks never overlap: at
1280x800 and 1024x700 a new user opened View > Panels > Files beside the Charts and the
window grew to 1540 px (on a screen it could not grow on, the Files dock covered the
Charts)."""
from __future__ import annotations

import itertools

import pytest
from PySide6.QtWidgets import QDockWidget


def visible_docks(window) -> list[QDockWidget]:
    """Docks drawn in the window (a tab behind another is moved out of it, not hidden)."""
    return [d for d in window.findChildren(QDockWidget)
            if d.isVisible() and not d.isFloating() and d.geometry().intersects(window.rect())]


@pytest.mark.parametrize("size", [(1280, 800), (1024, 700)])
def test_every_panel_opened_keeps_the_window_size_and_no_dock_overlaps_another(open_window, qtbot, size):
    text = "FROM busybox AS build\nRUN make\n\nFROM scratch AS export\nCOPY --from=build /a /a\n"
    window, _path = open_window(text)
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().toTuple() == size)
    window.build.charts_dock.show()  # as after the first build
    panels = [a for a in window.menus.panels.actions() if a.isCheckable()]
    assert any(a.text() == "Files" for a in panels)
    for action in panels:
        if not action.isChecked():
            action.trigger()  # View > Panels > ...
        qtbot.wait(10)
        assert window.minimumSizeHint().width() <= size[0], action.text()
        assert window.size().toTuple() == size, action.text()
        shown = visible_docks(window)
        for a, b in itertools.combinations(shown, 2):
            assert not a.geometry().intersects(b.geometry()), (action.text(), a.windowTitle(), b.windowTitle())
        for dock in shown:
            assert window.rect().contains(dock.geometry()), dock.windowTitle()
    files = window.files_view.dock
    assert files.isVisible()  # opened, it is the tab in front


@pytest.mark.parametrize("size", [(1400, 760), (1024, 700)])
def test_compare_shows_the_whole_of_both_graphs(qtbot, size):
    """Side by side, half a window was too narrow for a four-stage graph: its final stage
    was out of view. One above the other, each graph has the width and is seen whole."""
    from studio.paths import EXAMPLES
    from studio.ui.graph.view import readable_zoom
    from studio.ui.teach.compare_view import CompareView, Side

    names = ("offline-demo.multi.Dockerfile", "offline-demo.single.Dockerfile")
    view = CompareView([Side(n, (EXAMPLES / n).read_text(encoding="utf-8"), "/tmp") for n in names])
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    multi, single = view.graphs
    assert len(multi.stage_nodes()) > 1

    def whole(graph) -> bool:
        return graph.mapToScene(graph.viewport().rect()).boundingRect().contains(graph.scene().nodes_rect())

    qtbot.waitUntil(lambda: view.fitted_size == view.size(), timeout=3000)
    qtbot.waitUntil(lambda: whole(multi) and whole(single), timeout=3000)
    assert view.stacked  # wide graphs: one above the other
    if size[0] >= 1400:  # room enough: whole and readable
        assert multi.zoom() >= readable_zoom(multi.scene().theme) - 1e-6
    view.close()
