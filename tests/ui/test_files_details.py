"""Details of the Files view a new user tripped over: the treemap's click goes to the
file's line as the tree's does; efficiency never reads 100.0 % while bytes are wasted."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from test_files_view import f, sample_report

from studio.engine.explore import analyse
from studio.engine.image_archive import ImageArchive
from studio.ui.files_view.panel import FilesPanel


@pytest.fixture
def panel(qtbot):
    widget = FilesPanel()
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    return widget


def test_a_click_in_the_treemap_goes_to_the_files_line_as_the_trees_does(panel, qtbot):
    panel.show_reports({1: sample_report()}, 1, {0: "builder", 1: None})
    panel.treemap.repaint()
    parts = {path: rect for rect, path in panel.treemap.parts()}
    assert "/app/app" in parts
    centre = parts["/app/app"].center()
    with qtbot.waitSignal(panel.sig_line_activated) as blocker:
        qtbot.mouseClick(panel.treemap, Qt.MouseButton.LeftButton,
                         pos=centre.toPoint())
    assert blocker.args == [3]  # the line that wrote /app/app, as a click on its tree row gives
    assert panel.selected_path() == "/app/app"
    tree_line = []
    panel.sig_line_activated.connect(tree_line.append)
    panel.tree.clicked.emit(panel.tree.currentIndex())
    assert tree_line == [3]


def test_efficiency_is_never_shown_as_100_percent_while_bytes_are_wasted(panel):
    layers = [[f("big", 4_000_000)], [f("tmp", 0, "5"), f("tmp/x", 16)], [f("tmp", 0, "5"), f("tmp/.wh.x", 0)]]
    history = [{"created_by": "FROM"}, {"created_by": "RUN echo"}, {"created_by": "RUN rm"}]
    report = analyse(ImageArchive(layers, ["l0", "l1", "l2"], {"history": history}, "legacy"), "img")
    assert 0.9999 < report.dive.efficiency < 1 and report.dive.wasted_bytes == 16
    panel.show_reports({0: report}, 0, {0: None})
    summary = panel.summary.text()
    assert "wasted 16 B" in summary
    assert "100.0 %" not in summary and "efficiency 99.99" in summary, summary
