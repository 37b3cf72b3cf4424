"""Build results belong to the document they were built from: opening another file in
the same window shows none of them, and reopening the first brings them back."""
from __future__ import annotations

import uuid

import pytest
from testimages import TEST_LABEL

BUSYBOX = "stage-studio-test/busybox:latest"

A = """FROM {bb} AS toolchain
RUN echo {token} > /id && dd if=/dev/zero of=/big bs=1000 count=200 2>/dev/null

FROM {bb}
COPY --from=toolchain /id /id
"""
B = """FROM {bb} AS compile
RUN echo {token} && exit 3

FROM scratch AS final
COPY --from=compile /nothing /nothing
"""


@pytest.fixture
def window(open_window, docker_client, tmp_path):
    win, path = open_window(A.format(bb=BUSYBOX, token=uuid.uuid4().hex), name="A.Dockerfile")
    win.resize(1280, 800)
    win.build.controller.extra_labels = {TEST_LABEL: "1"}
    return win, path


def build(qtbot, win):
    controller = win.build.controller
    assert controller.start()
    qtbot.waitUntil(lambda: not controller.running(), timeout=120_000)
    return controller.last_result


def shown_results(win) -> dict:
    """Everything on screen that comes from a build."""
    build, nodes = win.build, win.graph_view.stage_nodes()
    return {
        "sizes": list(build.charts.sizes.labels),
        "saved": build.charts.sizes.saved,
        "timeline": len(build.charts.timeline.steps),
        "history": len(build.charts.history.records) if hasattr(build.charts.history, "records") else None,
        "log": build.log.text().strip(),
        "banner": build.banner.isVisibleTo(win),
        "marks": sorted({n.build_state for n in nodes.values()} | {bool(n.marks.size) for n in nodes.values()},
                        key=str),
        "text marks": win.editor.build_marks(),
    }


def test_opening_another_file_shows_none_of_the_first_files_results(window, qtbot, tmp_path):
    win, path_a = window
    result = build(qtbot, win)
    assert result is not None and result.ok, result and result.error
    first = shown_results(win)
    assert first["sizes"] and first["timeline"] and first["log"]  # there is something to lose
    path_b = tmp_path / "B.Dockerfile"
    path_b.write_text(B.format(bb=BUSYBOX, token=uuid.uuid4().hex))
    assert win.open_file(path_b)
    empty = shown_results(win)
    assert empty["sizes"] == [] and empty["saved"] is None and empty["timeline"] == 0
    assert empty["log"] == "" and not empty["banner"] and empty["text marks"] == []
    assert empty["marks"] == [False, "idle"]  # no state, no size on any box
    assert "toolchain" not in win.statusBar().currentMessage()
    # B fails: its banner is B's, and goes when A comes back with A's numbers
    failed = build(qtbot, win)
    assert failed is not None and not failed.ok
    assert win.build.banner.isVisibleTo(win)
    assert win.open_file(path_a)
    again = shown_results(win)
    assert not again["banner"] and again["sizes"] == first["sizes"] and again["saved"] == first["saved"]
    assert again["log"] == first["log"]
    assert win.build.controller.history.latest(str(path_a)).ok


def test_a_new_untitled_document_has_no_results_of_the_last_one(window, qtbot):
    win, _ = window
    assert build(qtbot, win).ok
    assert win.files.new_file("FROM scratch\n")
    shown = shown_results(win)
    assert shown["sizes"] == [] and shown["log"] == "" and shown["timeline"] == 0
    assert win.build.controller.history.latest(win.files.document_key()) is None


WASTE = """FROM {bb} AS compiler
RUN mkdir -p /out && echo {token} > /out/hello.txt

FROM {bb} AS final
COPY --from=compiler /out/hello.txt /app/hello.txt
RUN dd if=/dev/zero of=/tmp/huge.bin bs=1024 count=300 2>/dev/null
RUN rm /tmp/huge.bin
"""
SMALL = """FROM {bb}
RUN echo {token}
"""


def every_result_view(win) -> dict:
    """Every view that shows something a build (or the reading of its files) found."""
    from studio.ui.teach.presentation import closing_text

    build, files, nodes = win.build, win.files_view, win.graph_view.stage_nodes()
    edges = win.graph_view.scene().edge_map.values()
    return {
        "facts": [d.code for d in win.problems.diagnostics() if d.code == "deleted-in-later-layer"],
        "files": sorted(files.panel.reports),
        "files summary": "wasted" in files.panel.summary.text(),
        "edge notes": [e._note for e in edges if e._note],
        "sizes": list(build.charts.sizes.labels),
        "timeline": (len(build.charts.timeline.steps), build.charts.timeline.slowest_note),
        "history": list(build.charts.history.numbers),
        "layers": build.charts.record is not None,
        "log": build.log.text().strip(),
        "banner": build.banner.isVisibleTo(win),
        "box sizes": [n.marks.size for n in nodes.values() if n.marks.size],
        "box states": sorted({n.build_state for n in nodes.values()}),
        "explain costs": sorted(win.teach.explain.costs()),
        "closing": closing_text(build.controller.last_result),
        "status": win.statusBar().currentMessage(),
    }


def nothing_of_a_build(shown: dict) -> None:
    from studio.ui.teach.presentation import NO_BUILD

    assert shown["facts"] == [] and shown["files"] == [] and not shown["files summary"]
    assert shown["edge notes"] == [] and shown["sizes"] == [] and shown["timeline"] == (0, "")
    assert shown["history"] == [] and not shown["layers"] and shown["log"] == "" and not shown["banner"]
    assert shown["box sizes"] == [] and shown["box states"] == ["idle"] and shown["explain costs"] == []
    assert shown["closing"] == NO_BUILD and not shown["status"].startswith(("Built", "Build"))


@pytest.mark.engine
def test_every_result_view_swaps_with_the_document_and_comes_back_on_reopen(open_window, qtbot, tmp_path,
                                                                          docker_client):
    win, path_a = open_window(WASTE.format(bb=BUSYBOX, token=uuid.uuid4().hex), name="A.Dockerfile")
    win.build.controller.extra_labels = {TEST_LABEL: "1"}
    win.build.bar.sizes_action.setChecked(True)
    win.files_view.dock.show()
    with qtbot.waitSignal(win.files_view.sig_explored, timeout=180_000):
        assert build(qtbot, win).ok
    first = every_result_view(win)
    # there is something to lose in every view
    assert first["facts"] and first["files"] and first["files summary"] and first["edge notes"]
    assert first["sizes"] and first["timeline"][1] and first["history"] == [1] and first["layers"]
    assert first["log"] and first["box sizes"] and first["explain costs"] and "final image" in first["closing"]
    path_b = tmp_path / "other" / "Dockerfile"
    path_b.parent.mkdir()
    path_b.write_text(SMALL.format(bb=BUSYBOX, token=uuid.uuid4().hex))
    assert win.open_file(path_b)
    nothing_of_a_build(every_result_view(win))
    assert win.files.new_from_example(path_a)  # File > New from Example: an untitled text
    nothing_of_a_build(every_result_view(win))
    # the built file reopened (under another spelling of its path): all of it comes back
    assert win.open_file(tmp_path / "other" / ".." / "A.Dockerfile")
    again = every_result_view(win)
    for view in ("facts", "files", "edge notes", "sizes", "timeline", "history", "log", "box sizes",
                 "explain costs", "closing"):
        assert again[view] == first[view], view
