"""Details of the Files view a new user tripped over: the treemap's click goes to the
file's line as the tree's does; efficiency never reads 100.0 % while bytes are wasted."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from test_files_view import f, new_panel, sample_report

from studio.engine.explore import analyse
from studio.engine.image_archive import ImageArchive


@pytest.fixture
def panel(qtbot):
    return new_panel(qtbot)


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


def test_a_layers_removed_paths_show_the_bytes_they_hide_apart_from_what_it_adds(panel):
    """ex1's `RUN rm -rf /opq && mkdir /opq && echo new > /opq/z`: /opq/keep showed 0 B, and
    /opq 5.00 kB, the sum of 5,000 removed and 4 added bytes."""
    from test_files_view import rows_of

    from studio.ui.files_view.tree_model import SPLIT_SIZE

    layers = [[f("opq", 0, "5"), f("opq/keep", 0, "5"), f("opq/keep/y", 7000), f("opq/x", 5000)],
              [f("opq", 0, "5"), f("opq/.wh..wh..opq", 0), f("opq/z", 4)]]
    history = [{"created_by": "RUN mkdir"}, {"created_by": "RUN rm -rf /opq"}]
    report = analyse(ImageArchive(layers, ["l0", "l1"], {"history": history}, "legacy"), "img")
    changes = {c.path: (c.change, c.size) for c in report.layers[1].changes}
    assert changes["/opq/keep"] == ("removed", 7000) and changes["/opq/x"] == ("removed", 5000)
    panel.show_reports({0: report}, 0, {0: None})
    panel.layer_combo.setCurrentIndex(panel.layer_combo.findData(1))
    model = panel.tree.model()
    assert set(rows_of(model)) >= {"/opq", "/opq/keep", "/opq/x", "/opq/z"}

    def size_cell(path):
        index = model.path_index(path)
        return model.index(index.row(), 1, index.parent()).data()

    assert size_cell("/opq/keep") == "7.00 kB removed"  # as explore --json says: removed 7000
    assert size_cell("/opq/x") == "5.00 kB removed"
    assert size_cell("/opq/z") == "4 B"
    assert size_cell("/opq") == "4 B / 12.0 kB removed"  # added and removed apart, never summed
    assert model.headerData(1, Qt.Orientation.Horizontal) == SPLIT_SIZE
    wide = panel.tree.fontMetrics().horizontalAdvance(size_cell("/opq"))
    assert panel.tree.header().sectionSize(1) > wide  # not cut to "4 B / 12.0 kB …"
    panel.layer_combo.setCurrentIndex(0)  # all files of the image: sizes as they are
    assert panel.tree.model().headerData(1, Qt.Orientation.Horizontal) == "Size"
    panel.search.setText("opq")
    panel.layer_combo.setCurrentIndex(panel.layer_combo.findData(1))
    panel.apply_search_now()
    listed = panel.tree.model()
    cells = {listed.index(r, 0).data(): listed.index(r, 1).data() for r in range(listed.rowCount())}
    assert cells["/opq/keep"] == "7.00 kB removed" and listed.headerData(1, Qt.Orientation.Horizontal) == SPLIT_SIZE
