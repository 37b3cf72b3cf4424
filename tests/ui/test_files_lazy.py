"""The Files view's lazy models show exactly what a tree made all at once would show: the
same paths (parents no row lists included), sizes summed over everything below, the same
order per folder, when every batch is fetched; sorting keeps what the view has open; a
search runs off the GUI thread, waits for a pause in the typing and lists what a plain
filter lists."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, Qt

from studio.ui.files_view import tree_model
from studio.ui.files_view.tree_model import PATH_ROLE, FileListModel, FileTreeModel, Row

SEGMENT = st.sampled_from(["a", "b", "c", "lib", "x.so"])
PATHS = st.lists(st.lists(SEGMENT, min_size=1, max_size=4).map(lambda p: "/" + "/".join(p)), max_size=40,
                 unique=True)


def rows_for(paths, sizes):
    return [Row(p, s, i % 3, 10 + i, "st") for i, (p, s) in enumerate(zip(paths, sizes))]


def expected(rows, key):
    """A naive tree: every path and its parents, sizes summed, children ordered by ``key``."""
    kids, seen = {}, set()
    for row in rows:
        parts = row.path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            path = "/".join(parts[:depth])
            if path not in seen:
                seen.add(path)
                kids.setdefault("/".join(parts[:depth - 1]), []).append(path)
    size = {p: sum(r.size for r in rows if (r.path.strip("/") + "/").startswith(p + "/")) for p in seen}
    out = []

    def walk(parent):
        for path in sorted(kids.get(parent, []), key=key(size)):
            out.append(("/" + path, size[path]))
            walk(path)
    walk("")
    return out


def shown(model, parent=None):
    """Every row the view can reach, fetching each batch as a scrolling view would."""
    parent = parent or QModelIndex()
    while model.canFetchMore(parent):
        model.fetchMore(parent)
    out = []
    for r in range(model.rowCount(parent)):
        index = model.index(r, 0, parent)
        out.append((index.data(PATH_ROLE), index.internalPointer().size))
        out.extend(shown(model, index))
    return out


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(tree_model, "BATCH", 2)
    monkeypatch.setattr(tree_model, "FOLDER_BATCH", 2)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(PATHS, st.lists(st.integers(0, 5000), min_size=40, max_size=40))
def test_the_lazy_tree_shows_what_a_whole_tree_shows(qapp, small_batches, paths, sizes):
    rows = rows_for(paths, sizes)
    model = FileTreeModel(rows)
    by_size = lambda size: lambda p: -size[p]  # noqa: E731 - stable: ties keep the rows' order
    assert shown(model) == expected(rows, by_size)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    by_name = lambda size: lambda p: p.rpartition("/")[2]  # noqa: E731
    assert shown(model) == expected(rows, by_name)


def test_a_big_folder_reaches_the_view_in_batches_and_sorting_keeps_the_open_folder(qtbot):
    from PySide6.QtWidgets import QTreeView

    rows = [Row(f"/big/f{i:05d}", i, 0, 1, "st") for i in range(3 * tree_model.FOLDER_BATCH + 7)] + [Row("/small", 1, 0, 1, "")]
    model = FileTreeModel(rows)
    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(model)
    big = model.path_index("/big")
    view.expand(big)
    assert model.rowCount(big) == tree_model.FOLDER_BATCH  # not the whole folder at once
    last = model.path_index("/big/f00000")  # the smallest, so the last by size: fetched to reach it
    assert last.isValid() and model.rowCount(big) == len(rows) - 1
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert view.isExpanded(model.path_index("/big"))
    assert model.index(0, 0, model.path_index("/big")).data() == "f00000"


def test_search_list_reaches_the_view_in_batches(qapp):
    rows = [Row(f"/f{i}", i, 0, 1, "") for i in range(tree_model.BATCH * 2 + 1)]
    model = FileListModel(rows)
    assert model.rowCount() == tree_model.BATCH and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == len(rows) and not model.canFetchMore(QModelIndex())
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 0).data() == f"/f{len(rows) - 1}" and model.rowCount() == tree_model.BATCH


def test_typing_a_search_waits_for_a_pause_and_finds_off_the_gui_thread(qtbot, monkeypatch):
    import threading

    from studio.ui.files_view import panel as panel_module
    from test_files_view import sample_report

    panel = panel_module.FilesPanel()
    qtbot.addWidget(panel)
    panel.show_reports({1: sample_report()}, 1, {0: "builder"})
    threads = []
    real = panel._search_rows

    def spy(model, text, pause=None):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(model, text, pause)

    monkeypatch.setattr(panel, "_search_rows", spy)
    for ch in "ap":
        qtbot.keyClick(panel.search, ch)
    assert panel.search_pending() and isinstance(panel.tree.model(), FileTreeModel)  # nothing yet: typing goes on
    qtbot.keyClick(panel.search, "p")
    qtbot.waitUntil(lambda: not panel.search_pending())
    assert threads == [False]  # one search, after the pause, on another thread
    model = panel.tree.model()
    assert isinstance(model, FileListModel)
    assert [r.path for r in model.rows] == ["/app/app", "/app/app.cfg", "/app"]
    qtbot.keyClick(panel.search, ".")  # a longer text narrows the last matches
    qtbot.waitUntil(lambda: not panel.search_pending())
    assert panel.tree.model() is model and [r.path for r in model.rows] == ["/app/app.cfg"]
    panel.search.clear()
    qtbot.waitUntil(lambda: not panel.search_pending())
    assert isinstance(panel.tree.model(), FileTreeModel)


_SETTLE_SCRIPT = """
import gc, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from studio.core.layer_files import Entry
from studio.engine.explore import analyse
from studio.engine.image_archive import ImageArchive
from studio.ui.files_view.panel import SETTLE_PATHS, FilesPanel

app = QApplication([])
layer = [Entry(f"d{i % 50}/f{i}", "0", i, 0o644) for i in range(SETTLE_PATHS)]
report = analyse(ImageArchive([layer], ["l0"], {"history": [{"created_by": "COPY"}]}, "legacy"), "big")
panel = FilesPanel()
panel.show()
gc.unfreeze()
panel.show_reports({0: report}, 0)
during = gc.get_freeze_count()
deadline = QTimer()
deadline.setSingleShot(True)
deadline.timeout.connect(app.quit)
deadline.start(20000)
poll = QTimer()
poll.timeout.connect(lambda: gc.get_freeze_count() > 0 and app.quit())
poll.start(10)
app.exec()
print(during, gc.get_freeze_count())
sys.stdout.flush()
os._exit(0)
"""


def test_a_big_report_settles_the_collector_once_shown():
    """60,000 paths are 100,000s of objects: a full collector pass over them in the middle of
    scrolling was a 240 ms frame; once shown, they are collected once and frozen. (In a
    process of its own: freezing the collector of the test process would hold every later
    test's garbage, and its one full pass met thousands of earlier tests' Qt wrappers.)"""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _SETTLE_SCRIPT], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    during, after = map(int, proc.stdout.split())
    assert during == 0  # not while the panel is being filled
    assert after > 0  # once shown, the collector settled and froze what is alive
