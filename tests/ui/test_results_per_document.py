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
