"""Small things a new user met: the row editor's error message is not drawn over by the
box under it, the Files compare says when there is no difference, and File > Open offers
Containerfiles."""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QImage

TEXT = "FROM busybox AS b\nRUN one\nRUN two\n\nFROM b\nCOPY --from=b /a /b\n"


def test_the_row_editors_message_is_opaque_over_the_box_footer(open_window, qtbot):
    window, _ = open_window(TEXT)
    window.resize(1280, 800)
    view, design = window.graph_view, window.design.interaction
    node = view.stage_nodes()[0]
    node.set_build(size=("2.30 MB", None), state="done", progress=(3, 3), elapsed=1.0)  # a footer under the row
    design.edit_row(node, 3)
    editor = design.editor
    editor.box.setPlainText("COPY onlyone")
    label = editor.problems
    qtbot.waitUntil(label.isVisible)
    assert label.geometry().intersects(view.mapFromScene(node.sceneBoundingRect()).boundingRect())
    as_shown = view.viewport().grab(label.geometry()).toImage().convertToFormat(QImage.Format.Format_RGB32)
    alone = label.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    assert as_shown.size() == alone.size()
    differing = sum(as_shown.pixel(x, y) != alone.pixel(x, y)
                    for x in range(alone.width()) for y in range(alone.height()))
    assert differing == 0  # nothing of the box (its footer, its border, the grid) shows through


def open_filter_patterns() -> list[str]:
    """The name patterns of File > Open's first filter (what ``ask_path("open")`` passes)."""
    from studio.ui.window_files import OPEN_FILTER

    return re.search(r"\((.*)\)", OPEN_FILTER.split(";;")[0]).group(1).split()


@pytest.mark.parametrize("name, shown", [("Dockerfile", True), ("Dockerfile.dev", True), ("app.dockerfile", True),
                                         ("Containerfile", True), ("Containerfile.prod", True),
                                         ("app.containerfile", True), ("README.md", False)])
def test_file_open_offers_containerfiles(name, shown):
    patterns = open_filter_patterns()
    matched = any(QRegularExpression(QRegularExpression.wildcardToRegularExpression(p)).match(name).hasMatch()
                  for p in patterns)
    assert matched == shown, (name, patterns)


def test_comparing_against_a_baseline_with_the_same_files_says_there_is_no_difference(qtbot):
    from test_files_view import sample_report

    from studio.ui.files_view.panel import FilesPanel

    panel = FilesPanel()
    qtbot.addWidget(panel)
    panel.show_reports({1: sample_report("now")}, 1, {}, baseline=sample_report("before"))
    panel.compare_combo.setCurrentIndex(panel.compare_combo.findData("baseline"))
    assert panel.tree.model().rowCount() == 0
    assert "No differences: the baseline build's final image has the same paths" in panel.summary.text()
    panel.show_reports({0: sample_report("a"), 1: sample_report("b")}, 1, {0: "builder", 1: None})
    panel.compare_combo.setCurrentIndex(panel.compare_combo.findData(0))
    assert "No differences: stage builder has the same paths" in panel.summary.text()
    changed = sample_report("before")
    changed.stacked.files["app/app"].size = 100
    panel.show_reports({1: sample_report("now")}, 1, {}, baseline=changed)
    panel.compare_combo.setCurrentIndex(panel.compare_combo.findData("baseline"))
    assert panel.tree.model().rowCount() == 1 and "No differences" not in panel.summary.text()
