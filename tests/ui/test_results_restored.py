"""A document's results come back whole when it is reopened in the same window: its
history (not the last file's), the target they were built for, each box's state and
size, as they were when it was left."""
from __future__ import annotations

import uuid

import pytest
from test_results_per_document import BUSYBOX, build
from testimages import TEST_LABEL

FEAT = """FROM {bb} AS base
RUN echo {token} > /id && head -c 5000 /dev/zero > /blob

FROM scratch AS export
COPY --from=base /blob /blob

FROM base AS final
RUN rm /blob
"""
OTHER = """FROM {bb}
RUN echo {token} > /other
"""


def boxes(win) -> dict:
    """What each box says of a build: state, steps, time, size, final image, skipped."""
    return {n.index: (n.build_state, n.marks.progress, n.marks.elapsed, n.marks.size, n.marks.final,
                           n.is_skipped)
            for n in win.graph_view.stage_nodes().values()}


@pytest.mark.engine
def test_reopening_a_file_brings_back_its_history_target_states_and_sizes(open_window, qtbot, tmp_path,
                                                                         docker_client):
    win, feat = open_window(FEAT.format(bb=BUSYBOX, token=uuid.uuid4().hex), name="feat.Dockerfile")
    win.resize(1280, 800)
    win.build.controller.extra_labels = {TEST_LABEL: "1"}
    assert build(qtbot, win).ok  # #1, the file's target
    win.build.bar.set_target("export")
    assert win.build_settings.settings.target == "export"
    assert build(qtbot, win).ok  # #2, --target export
    charts = win.build.charts
    before = {"history": list(charts.history.numbers), "target": win.build.bar.target(),
              "sizes": list(charts.sizes.labels), "boxes": boxes(win)}
    assert before["history"] == [1, 2] and before["target"] == "export"
    assert before["boxes"][1][0] in ("done", "cached") and before["boxes"][1][4]
    assert before["boxes"][2][5]  # not built for export: skipped
    other = tmp_path / "other" / "Dockerfile"
    other.parent.mkdir()
    other.write_text(OTHER.format(bb=BUSYBOX, token=uuid.uuid4().hex))
    assert win.open_file(other)
    assert win.build.bar.target() is None  # another file: its own target
    assert build(qtbot, win).ok
    assert charts.history.numbers == [1]
    other_boxes = boxes(win)
    assert win.open_file(feat)
    after = {"history": list(charts.history.numbers), "target": win.build.bar.target(),
             "sizes": list(charts.sizes.labels), "boxes": boxes(win)}
    assert after == before
    assert win.build_settings.settings.target == "export"  # what the next build builds, too
    assert win.build.controller.prepare().target == "export"
    # and the other file, reopened, gets its states back as well
    assert win.open_file(other)
    assert boxes(win) == other_boxes and charts.history.numbers == [1]
    assert win.build.bar.target() is None
