"""Builds from the GUI against the real dockerd (offline busybox image and scratch only)."""
from __future__ import annotations

import os
import uuid

import pytest
from PySide6.QtCore import Qt
from testimages import TEST_LABEL

from studio.core.units import human_size

BUSYBOX = "stage-studio-test/busybox:latest"
STATES_BUILT = ("done", "cached")


@pytest.fixture
def build_window(open_window, docker_client):
    def _open(text: str):
        window, path = open_window(text)
        window.resize(1280, 800)
        window.build.controller.extra_labels = {TEST_LABEL: "1"}
        return window, path
    return _open


def run_build(qtbot, window, no_cache: bool = False, timeout: int = 120_000):
    controller = window.build.controller
    events: list = []
    controller.runner.sig_batch.connect(events.extend)
    assert controller.start(no_cache=no_cache)
    qtbot.waitUntil(lambda: not controller.running(), timeout=timeout)
    controller.runner.sig_batch.disconnect(events.extend)
    return controller.last_result, events


def node_size(node):
    return node.marks.size


MULTI = """FROM {bb} AS build
WORKDIR /w
RUN echo {token} > id && dd if=/dev/zero of=big bs=1000 count=300 2>/dev/null

FROM {bb} AS tools
RUN echo {token} > /t && dd if=/dev/zero of=/tool bs=1000 count=50 2>/dev/null

FROM scratch AS unused
COPY --from=build /w/big /x

FROM {bb}
COPY --from=build /w/big /app/big
COPY --from=tools /tool /app/tool
CMD ["sh"]
"""


def test_multistage_build_marks_every_stage_and_sizes_match_the_engine(qtbot, build_window, docker_client):
    window, _path = build_window(MULTI.format(bb=BUSYBOX, token=uuid.uuid4().hex))
    result, events = run_build(qtbot, window, no_cache=True)
    assert result is not None and result.ok, result and result.error
    nodes = window.graph_view.stage_nodes()
    assert {i: n.build_state for i, n in nodes.items()} == {0: "done", 1: "done", 2: "skipped", 3: "done"}
    for stage in result.stages:
        node = nodes[stage.index]
        if stage.state == "skipped":
            assert node_size(node) is None
            continue
        inspected = docker_client.api.inspect_image(stage.image_id)["Size"]
        assert stage.size == inspected
        assert node_size(node)[0] == human_size(inspected)
        assert node.marks.final is (stage.index == 3)
        assert node.marks.progress == (len(window.build.controller.session.stages[stage.index].lines),) * 2
    # the text shows no running line any more, and the window is idle again
    assert window.editor.build_marks() == []
    assert window.build.bar.build_action.isEnabled() and not window.build.bar.cancel_action.isEnabled()

    charts = window.build.charts
    # (1) stage sizes: the same bytes as the engine's result, final image last, plus the saving
    measured = {s.name or f"#{s.index}": s.size for s in result.stages if s.size is not None}
    assert dict(zip(charts.sizes.labels, charts.sizes.values)) == {**measured, "1 stage": result.final["size"] + result.saved}
    assert list(charts.sizes.bars.opts["height"]) == charts.sizes.values
    assert charts.sizes.kinds[-2:] == ["final", "single"] and charts.sizes.saved == result.saved == 2 * 33  # dd files + id files, minus the dd files copied
    # (2) layers of the selected stage, one bar per instruction; hover and click
    window.graph_view.sig_stage_selected.emit(0)
    build_layers = result.stages[0].layers
    assert list(charts.layers.bars.opts["height"]) == [layer.size for layer in build_layers]
    dd = next(i for i, layer in enumerate(build_layers) if layer.instruction.startswith("RUN echo"))
    assert charts.layers.values[dd] == 300_000 + 33
    assert "line 3: RUN echo" in charts.layers.describe(dd) and "300 kB" in charts.layers.describe(dd)
    charts.layers.activate(dd)
    assert window.editor.current_line() == 3
    # (3) timeline: one bar per step the engine reported, at its reported times
    started = {(e.stage, e.line): e.time for e in events if e.event == "step_started"}
    finished = {(e.stage, e.line): (e.duration, e.cached) for e in events if e.event == "step_finished"}
    bars = {(s, ln): (a, w, c) for s, ln, a, w, c in charts.timeline.bar_data()}
    assert set(bars) == set(started)
    for key, (start, width, cached) in bars.items():
        assert start == started[key]
        assert abs(width - max(0.02, finished[key][0])) < 1e-9 and cached == finished[key][1]
    assert charts.timeline.rows.keys() == {0, 1, 3}
    # (4) history: one point, the final image
    assert charts.history.sizes == [result.final["size"]]
    # (5) an edit after the build greys the numbers of that stage and of those built on it
    assert not any(n.outdated for n in nodes.values())
    cursor = window.editor.document().find("of=/tool bs=1000 count=50")
    cursor.insertText("of=/tool bs=1000 count=60")  # typed in the text: one undo step
    window.controller.sync_now()
    assert {i for i, n in window.graph_view.stage_nodes().items() if n.outdated} == {1, 3}
    window.editor.undo()
    window.controller.sync_now()
    assert not any(n.outdated for n in window.graph_view.stage_nodes().values())
    # (6) another target than the one built: every box's numbers are the last build's
    window.controller.set_target(1)
    assert all(n.outdated for n in window.graph_view.stage_nodes().values())
    window.controller.set_target(None)
    assert not any(n.outdated for n in window.graph_view.stage_nodes().values())


def test_failing_run_marks_its_line_and_box_and_opens_the_log(qtbot, build_window):
    text = f"FROM {BUSYBOX} AS ok\nRUN echo fine\n\nFROM {BUSYBOX} AS broken\nRUN echo {uuid.uuid4().hex}\nRUN echo about to fail && echo oops >&2 && exit 3\n"
    window, _path = build_window(text)
    result, _events = run_build(qtbot, window)
    assert result is not None and not result.ok
    node = window.graph_view.stage_nodes()[1]
    assert node.build_state == "failed" and "exit code" in (node.error or "")
    assert (6, "#f9d4d2") in window.editor.build_marks()
    banner = window.build.banner
    assert banner.isVisibleTo(window) and banner.line == 6 and banner.stage == 1 and "broken" in banner.text()
    window.build.log.set_filter(None)
    banner.linkActivated.emit("log")  # the "Show log" link
    log = window.build.log
    assert log.current_filter() == 1
    lines = log.text().splitlines()
    assert "oops" in lines and lines[-1].startswith("ERROR: line 6")
    bar = log.view.verticalScrollBar()
    assert bar.value() == bar.maximum()
    banner.linkActivated.emit("line")
    assert window.editor.current_line() == 6
    # a click on the failed box opens its log too
    log.set_filter(None)
    window.graph_view.sig_stage_selected.emit(1)
    assert log.current_filter() == 1


def _sleepers(marker: str) -> list[int]:
    """PIDs whose command line has ``marker`` (BuildKit's RUN processes are host processes)."""
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    cmd = fh.read().replace(b"\0", b" ")
            except OSError:
                continue
            if marker.encode() in cmd and b"pytest" not in cmd:
                found.append(int(pid))
    return found


def test_cancel_stops_the_engine_build_and_returns_to_idle(qtbot, build_window, docker_client):
    seconds = 900 + int(uuid.uuid4().int % 90)
    window, _path = build_window(f"FROM {BUSYBOX}\nRUN echo start && sleep {seconds}\n")
    controller = window.build.controller
    assert controller.start()
    qtbot.waitUntil(lambda: bool(_sleepers(f"sleep {seconds}")), timeout=60_000)
    node = window.graph_view.stage_nodes()[0]
    assert node.build_state == "running"
    assert window.editor.build_marks() == [(2, "#d6e6fb")]
    sizes = window.build.charts.sizes
    assert sizes.empty.isVisible() and sizes.empty.toPlainText().startswith("Building…")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window.editor, Qt.Key.Key_Escape)  # the Cancel button's shortcut
    qtbot.waitUntil(lambda: not controller.running(), timeout=15_000)
    qtbot.waitUntil(lambda: not _sleepers(f"sleep {seconds}"), timeout=5_000)
    # no container of this build is left (other test runs may share the engine: look for ours)
    assert not [c for c in docker_client.containers.list(all=True) if f"sleep {seconds}" in " ".join(
        c.attrs.get("Config", {}).get("Cmd") or [])]
    assert controller.build.cancelled
    assert node.build_state == "cancelled" and window.editor.build_marks() == []  # the box says it was stopped
    assert window.build.bar.build_action.isEnabled() and not window.build.bar.cancel_action.isEnabled()
    assert not window.build.banner.isVisibleTo(window)
    assert window.statusBar().currentMessage().startswith("Build cancelled while line 2 ran, after ")
    assert sizes.empty.toPlainText() == "No sizes: the build was cancelled"
    assert controller.session.log_lines(0)[-2:][0].startswith("── stopped after ")
    assert controller.session.log_lines(0)[-1] == "ERROR: the build was cancelled"


def test_closing_the_window_stops_its_build(qtbot, build_window):
    seconds = 900 + int(uuid.uuid4().int % 90)
    window, _path = build_window(f"FROM {BUSYBOX}\nRUN echo start && sleep {seconds}\n")
    controller = window.build.controller
    assert controller.start()
    qtbot.waitUntil(lambda: bool(_sleepers(f"sleep {seconds}")), timeout=60_000)
    window.close()
    qtbot.waitUntil(lambda: not controller.running(), timeout=15_000)
    qtbot.waitUntil(lambda: not _sleepers(f"sleep {seconds}"), timeout=5_000)
    assert controller.build.cancelled


def test_a_chatty_build_keeps_its_last_lines_and_says_it_dropped_some(qtbot, build_window):
    # BuildKit clips a step's log above 200 KiB/s, so print 1,000 short lines every 60 ms:
    # about 16,000 lines a second, 40,000 in all. (How long the event loop stalls meanwhile
    # is a number, not a verdict: bench/bench_build_gui.py measures it.)
    lines = 40_000
    loop = "for i in $(seq 0 39); do seq $((i*1000+1)) $((i*1000+1000)); sleep 0.06; done"
    window, _path = build_window(f"FROM {BUSYBOX}\nRUN echo {uuid.uuid4().hex} && {loop}\n")
    window.build.bar.sizes_action.setChecked(False)
    controller = window.build.controller
    assert controller.start()
    qtbot.waitUntil(lambda: not controller.running(), timeout=120_000)
    result = controller.last_result
    assert result is not None and result.ok, result and result.error
    stage_log = controller.session.stages[0]
    output = [line for line in stage_log.log if not line.startswith("── ")]
    assert output[-3:] == [str(lines - 2), str(lines - 1), str(lines)]
    assert stage_log.log[-1].startswith("── done in")
    assert stage_log.dropped > 0 and window.build.log.notice.isVisibleTo(window)


def test_pinned_baseline_shows_the_change_of_an_edit(qtbot, build_window, prompts):
    token = uuid.uuid4().hex
    text = f"FROM {BUSYBOX} AS build\nRUN echo {token} > /id\n\nFROM {BUSYBOX}\nCOPY --from=build /id /id\n"
    window, path = build_window(text)
    first, _ = run_build(qtbot, window)
    assert first.ok
    assert window.build.controller.pin_baseline()
    nodes = window.graph_view.stage_nodes()
    assert node_size(nodes[0])[1].startswith("±0 B")
    cursor = window.editor.textCursor()
    cursor.setPosition(len(f"FROM {BUSYBOX} AS build\nRUN echo {token} > /id\n"))
    cursor.insertText("RUN dd if=/dev/zero of=/extra bs=1000 count=100 2>/dev/null\n")
    window.controller.sync_now()
    second, _ = run_build(qtbot, window)  # unsaved text is built as shown
    assert second.ok
    assert path.read_text() == text and window.editor.document().isModified()
    nodes = window.graph_view.stage_nodes()
    size, delta = node_size(nodes[0])
    assert size == human_size(second.stages[0].size)
    assert delta.startswith("+100 kB"), delta
    assert node_size(nodes[1])[1].startswith("±0 B")
    sizes = window.build.charts.sizes
    baseline = {s.name or f"#{s.index}": s.size for s in first.stages}
    assert [sizes.ghost_values[i] for i, kind in enumerate(sizes.kinds) if kind != "single"] == \
        [baseline[label] for label, kind in zip(sizes.labels, sizes.kinds) if kind != "single"]
    assert "+100 kB" in sizes.describe(0)
    assert window.build.charts.history.sizes == [first.final["size"], second.final["size"]]
    assert window.build.charts.history.baseline_line.isVisible()


def test_the_window_builds_the_image_docker_build_builds(qtbot, build_window, engine, tmp_path):
    """The window adds nothing of its own to the image (it once added a label), so its build
    and `docker build` on the same folder give the same image ID."""
    import subprocess

    cli = "/usr/bin/docker"
    if not os.path.exists(cli):
        pytest.fail("needs Debian's docker CLI (apt-get install docker.io)")
    token = uuid.uuid4().hex
    window, path = build_window(f"FROM {BUSYBOX}\nCOPY . /ctx/\nRUN echo {token} > /id\n")
    (path.parent / "data.txt").write_text("data\n")
    result, _ = run_build(qtbot, window)
    assert result is not None and result.image_id
    proc = subprocess.run([cli, "build", "-q", "--label", f"{TEST_LABEL}=1", str(path.parent)],
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "DOCKER_HOST": engine.host, "DOCKER_BUILDKIT": "1"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == result.image_id
