"""The Files view: a panel over explore reports (no engine), and the window after a real
build (the reports, the COPY --from edge label, the lint fact in Problems)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from studio.core.layer_files import Entry
from studio.engine.explore import analyse
from studio.engine.image_archive import ImageArchive
from studio.ui.files_view.panel import FilesPanel
from studio.ui.files_view.tree_model import LINE_ROLE, PATH_ROLE, FileListModel, FileTreeModel


def f(path, size, kind="0"):
    return Entry(path, kind, size, 0o644 if kind == "0" else 0o755)


def sample_report(name="img", big=2048):
    layers = [[f("bin", 0, "5"), f("bin/sh", 900)],
              [f("tmp", 0, "5"), f("tmp/huge.bin", big)],
              [f("app", 0, "5"), f("app/app", 300), f("app/app.cfg", 4)],
              [f("tmp", 0, "5"), f("tmp/.wh.huge.bin", 0), f("app/app.cfg", 6)]]
    history = [{"created_by": "FROM"}, {"created_by": "RUN dd"}, {"created_by": "COPY"}, {"created_by": "RUN rm"}]
    archive = ImageArchive(layers, [f"l{i}" for i in range(4)], {"history": history}, "legacy")
    report = analyse(archive, name)
    for layer, (line, stage) in zip(report.layers, [(1, 0), (2, 0), (3, 1), (4, 1)]):
        layer.line, layer.stage = line, stage
    return report


def new_panel(qtbot) -> FilesPanel:
    widget = FilesPanel()
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    return widget


@pytest.fixture
def panel(qtbot):
    widget = new_panel(qtbot)
    widget.show_reports({1: sample_report()}, 1, {0: "builder", 1: None})
    return widget


def build_and_read_files(qtbot, window):
    """Build ``window``'s text with sizes, the Files dock open; wait for its files to be read."""
    from test_results_per_document import build
    from testimages import TEST_LABEL

    window.build.controller.extra_labels = {TEST_LABEL: "1"}
    window.build.bar.sizes_action.setChecked(True)
    window.files_view.dock.show()
    with qtbot.waitSignal(window.files_view.sig_explored, timeout=180_000):
        result = build(qtbot, window)
    assert result.ok
    return result


def rows_of(model, parent=None):
    from PySide6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    out = []
    for r in range(model.rowCount(parent)):
        index = model.index(r, 0, parent)
        out.append(index.data(PATH_ROLE))
        out.extend(rows_of(model, index))
    return out


def test_tree_shows_the_final_files_with_line_and_stage(panel):
    model = panel.tree.model()
    assert isinstance(model, FileTreeModel)
    assert set(rows_of(model)) == {"/bin", "/bin/sh", "/tmp", "/app", "/app/app", "/app/app.cfg"}
    index = model.path_index("/app/app")
    assert index.data(LINE_ROLE) == 3
    assert model.index(index.row(), 4, index.parent()).data() == "#1"
    assert model.index(index.row(), 1, index.parent()).data() == "300 B"
    assert "wasted 2.06 kB" in panel.summary.text()


def test_layer_filter_shows_what_that_layer_changed_and_marks_waste(panel):
    panel.layer_combo.setCurrentIndex(panel.layer_combo.findData(1))
    model = panel.tree.model()
    assert set(rows_of(model)) == {"/tmp", "/tmp/huge.bin"}
    huge = model.path_index("/tmp/huge.bin")
    assert huge.data(Qt.ItemDataRole.BackgroundRole) is not None  # deleted later: its bytes are waste
    assert "deleted at line 4" in huge.data(Qt.ItemDataRole.ToolTipRole)
    panel.layer_combo.setCurrentIndex(panel.layer_combo.findData(3))
    changes = {p: panel.tree.model().index(i.row(), 5, i.parent()).data()
               for p in rows_of(panel.tree.model()) for i in [panel.tree.model().path_index(p)]}
    assert changes["/tmp/huge.bin"] == "removed" and changes["/app/app.cfg"] == "modified"


def test_search_lists_matching_paths_largest_first_and_clears_back_to_the_tree(panel):
    panel.search.setText("app")
    panel.apply_search_now()
    model = panel.tree.model()
    assert isinstance(model, FileListModel)
    assert [r.path for r in model.rows] == ["/app/app", "/app/app.cfg", "/app"]
    panel.search.setText("")
    panel.apply_search_now()
    assert isinstance(panel.tree.model(), FileTreeModel)


def test_sorting_by_name_and_size(panel):
    model = panel.tree.model()
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["app", "bin", "tmp"]
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["bin", "app", "tmp"]


def test_clicking_a_file_asks_for_its_line_and_a_line_shows_its_layer(panel, qtbot):
    model = panel.tree.model()
    with qtbot.waitSignal(panel.sig_line_activated) as blocker:
        panel.tree.clicked.emit(model.path_index("/app/app"))
    assert blocker.args == [3]
    assert panel.show_line(2)
    assert panel.layer_combo.currentData() == 1
    assert not panel.show_line(99)


def test_treemap_paints_directories_coloured_by_stage(panel):
    panel.treemap.repaint()
    parts = dict((path, rect) for rect, path in panel.treemap.parts())
    assert {"/bin", "/app"} <= set(parts)
    assert parts["/bin"].width() * parts["/bin"].height() > parts["/app"].width() * parts["/app"].height()
    files = panel.tree.model().files
    assert files.stage_of("app") == "#1" and files.stage_of("bin") == "builder"


def test_compare_with_another_report_lists_growth_tied_to_lines(qtbot):
    widget = FilesPanel()
    qtbot.addWidget(widget)
    now = sample_report("now", big=4096)
    widget.show_reports({1: now}, 1, {}, baseline=sample_report("before"))
    widget.compare_combo.setCurrentIndex(widget.compare_combo.findData("baseline"))
    model = widget.tree.model()
    assert isinstance(model, FileListModel) and model.rows == []  # the final trees are the same
    before = sample_report("before")
    before.stacked.files["app/app"].size = 100
    widget.show_reports({1: now}, 1, {}, baseline=before)
    widget.compare_combo.setCurrentIndex(widget.compare_combo.findData("baseline"))
    (row,) = widget.tree.model().rows
    assert (row.path, row.change, row.size, row.line) == ("/app/app", "grew", 200, 3)


BUILT = """\
FROM stage-studio-test/busybox:latest AS builder
RUN mkdir -p /out && dd if=/dev/zero of=/out/app bs=1024 count=300 2>/dev/null

FROM stage-studio-test/busybox:latest
RUN dd if=/dev/zero of=/tmp/huge.bin bs=1024 count=2048 2>/dev/null
COPY --from=builder /out/app /app/app
RUN rm /tmp/huge.bin
"""


@pytest.mark.engine
def test_window_reads_a_builds_files_labels_the_edge_and_lists_the_fact(qtbot, open_window, docker_client):
    from testimages import TEST_LABEL

    window, _path = open_window(BUILT)
    window.build.controller.extra_labels = {TEST_LABEL: "1"}
    window.build.bar.sizes_action.setChecked(True)
    window.files_view.dock.show()
    files = window.files_view
    with qtbot.waitSignal(files.sig_explored, timeout=180_000):
        assert window.build.controller.start()
    qtbot.waitUntil(lambda: not window.build.controller.running(), timeout=60_000)
    panel = files.panel
    assert sorted(panel.reports) == [0, 1] and panel.stage_combo.currentData() == 1
    model = panel.tree.model()
    assert model.path_index("/app/app").data(LINE_ROLE) == 6
    (edge,) = [e for e in window.graph_view.scene().edge_map.values() if e.kind == "copy"]
    assert edge.label.endswith("· 1 file, 307 kB")
    codes = {(d.code, d.line) for d in window.problems.diagnostics()}
    assert ("deleted-in-later-layer", 7) in codes
    window.editor.go_to_line(5)
    assert panel.layer_combo.currentData() == [lay.index for lay in panel.report().layers if lay.line == 5][0]
    with qtbot.waitSignal(panel.sig_line_activated):
        panel.tree.clicked.emit(panel.tree.model().path_index("/tmp/huge.bin"))
    assert window.editor.textCursor().blockNumber() + 1 == 5
    # the final stage's image removed since: the status says so in words, no exception text
    result = window.build.controller.build.result
    docker_client.api.remove_image(result.stages[1].image_id, force=True)
    for stage in result.stages:
        stage.explored = None
    with qtbot.waitSignal(files.sig_explored, timeout=120_000):
        files._read_latest()
    status = panel.summary.text()
    assert "is no longer in the engine (removed since the build); build again to see its files" in status, status
    assert "404" not in status and "Error" not in status


def test_squarify_fills_the_rectangle_and_a_crowded_folder_is_capped(qtbot):
    from PySide6.QtCore import QRectF

    from studio.ui.files_view.file_index import FileIndex, Row
    from studio.ui.files_view.treemap import MAX_PARTS, TreemapWidget, squarify

    rects = squarify([50.0, 30.0, 10.0, 5.0, 5.0], QRectF(0, 0, 200, 100))
    assert sum(r.width() * r.height() for r in rects) == pytest.approx(200 * 100)
    assert all(0.2 < r.width() / r.height() < 5 for r in rects[:2])
    widget = TreemapWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show()
    widget.set_tree(FileIndex([Row(f"/d/f{i}", 100 + i, 0, 1, "a") for i in range(600)]), ["a"])
    widget.grab()  # paints
    inside = [p for _, p in widget.parts() if p.startswith("/d/")]
    assert len(inside) == MAX_PARTS and "/d/f599" in inside  # the largest are drawn, the rest share one part


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
def test_opening_the_files_panel_keeps_the_window_within_its_size(open_window, qtbot, size):
    """A new user's window grew wider than a 1600x1000 screen when the Files panel opened:
    a long status (and long layer lines) must wrap or shrink, never force the width."""
    window, _path = open_window("FROM scratch\n")
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0])
    report = sample_report()
    for layer in report.layers:
        layer.instruction = "RUN /bin/sh -c apt-get update && apt-get install -y build-essential curl git " * 3
    panel = window.files_view.panel
    panel.show_reports({0: report, 1: report}, 1, {0: "a-long-builder-stage-name-" * 3, 1: None})
    panel.summary.setText(panel.summary.text() + " · the image of stage builder is no longer in the engine "
                          "(removed since the build); build again to see its files " + "x" * 300)
    window.files_view.dock.show()
    qtbot.waitUntil(lambda: panel.isVisible())
    assert window.minimumSizeHint().width() <= size[0]
    assert window.width() == size[0] and panel.width() <= size[0]
    qtbot.waitUntil(lambda: panel.summary.height() >= panel.summary.heightForWidth(panel.summary.width()))
