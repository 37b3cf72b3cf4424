"""Build UI widgets without an engine: the batching worker, log panel, engine badge,
build args, and the build bar's choices turned into a request."""
from __future__ import annotations

import threading

from PySide6.QtCore import QSettings

from studio.engine.connection import EngineStatus
from studio.engine.events import BuildFinished, BuildStarted, StagePlan, StepLog, StepPlan
from studio.ui.build_settings import load_build_args, save_build_args
from studio.ui.buildpanel.build_args import BuildArgsDialog, declared_args
from studio.ui.buildpanel.engine_indicator import EngineIndicator, EngineWatcher
from studio.ui.buildpanel.log_panel import BuildLogPanel
from studio.engine.fold import GENERAL, BuildFold
from studio.ui.buildpanel.worker import BuildRunner


class FakeBuild:
    """Yields a plan and ``lines`` log lines, in chunks, as fast as it can; cancellable.
    ``stall_after``: after that many chunks it waits, as a stalled engine does, until
    it is cancelled (the real engine's reader is unblocked the same way)."""

    def __init__(self, lines: int, chunk: int = 50, stall_after: int | None = None) -> None:
        self.lines, self.chunk, self.stall_after = lines, chunk, stall_after
        self._cancelled = threading.Event()
        self.result = None

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def events(self):
        yield BuildStarted([StagePlan(0, "chatty", "chatty", [StepPlan(1, "FROM x"), StepPlan(2, "RUN y")], True)],
                           "buildkit", 0)
        for chunk, start in enumerate(range(0, self.lines, self.chunk)):
            if self.cancelled:
                return
            yield StepLog(0, 2, "stdout", "".join(f"line {i}\n" for i in range(start, min(self.lines, start + self.chunk))))
            if chunk + 1 == self.stall_after:
                self._cancelled.wait()
        yield BuildFinished("sha256:x", 0.1)


def test_worker_hands_events_over_in_batches_and_finishes(qtbot):
    runner = BuildRunner()
    batches: list[list] = []
    runner.sig_batch.connect(batches.append)
    build = FakeBuild(20_000)
    with qtbot.waitSignal(runner.sig_done, timeout=20_000) as done:
        runner.start(build)
    assert done.args == [build]
    events = [e for batch in batches for e in batch]
    assert len(events) == 1 + 20_000 // 50 + 1
    assert len(batches) < len(events) / 5  # batched, not one hand-over per event
    session = BuildFold()
    session.apply(events)
    assert session.stages[0].log[-1] == "line 19999"
    assert not runner.running()


def test_worker_cancel_stops_the_generator(qtbot):
    runner = BuildRunner()
    build = FakeBuild(10**9, chunk=10, stall_after=3)
    batches: list[list] = []
    runner.sig_batch.connect(batches.append)
    with qtbot.waitSignal(runner.sig_done, timeout=10_000):
        runner.start(build)
        qtbot.waitUntil(lambda: sum(len(b) for b in batches) == 1 + 3, timeout=5000)  # the plan, 3 chunks
        runner.cancel()
    assert build.cancelled and not runner.running()
    assert sum(len(b) for b in batches) == 1 + 3  # nothing after the cancel


def test_log_panel_filters_caps_searches_and_says_it_truncated(qtbot):
    panel = BuildLogPanel(max_lines=100)
    qtbot.addWidget(panel)
    session = BuildFold(max_log_lines=100)
    panel.set_session(session)
    session.apply([BuildStarted([StagePlan(0, "a", "a", [StepPlan(1, "FROM x")], True),
                                 StagePlan(1, "b", "b", [StepPlan(3, "FROM x")], True)], "buildkit", 1)])
    panel.stages_known()
    assert [panel.filter_combo.itemText(i) for i in range(panel.filter_combo.count())] == \
        ["All stages", "a", "b", "Engine (no stage)"]
    _, lines = session.apply([StepLog(0, 1, "stdout", "".join(f"a{i}\n" for i in range(250))),
                              StepLog(1, 3, "stdout", "\x1b[31mred b\x1b[0m\n")])
    panel.append(lines)
    shown = panel.text().splitlines()
    assert len(shown) == 100 and shown[-1] == "[b] red b"  # colours rendered, escapes gone
    assert "\x1b" not in panel.text()
    panel.set_filter(0)
    assert panel.text().splitlines() == [f"a{i}" for i in range(150, 250)]
    assert panel.notice.isVisibleTo(panel) and "150 earlier lines" in panel.notice.text()
    panel.set_filter(1)
    assert panel.text() == "red b" and not panel.notice.isVisibleTo(panel)
    panel.set_filter(0)
    panel.search.setText("a199")
    assert panel.find_next() and panel.view.textCursor().selectedText() == "a199"
    panel.search.setText("nowhere")
    assert not panel.find_next()
    panel.copy()
    from PySide6.QtGui import QGuiApplication
    assert QGuiApplication.clipboard().text().splitlines()[-1] == "a249"
    panel.set_filter(GENERAL)
    assert panel.text() == ""


def test_engine_badge_follows_the_engine_coming_and_going(qtbot):
    answers = [EngineStatus(True, "Docker Engine 20.10.24 (API 1.41)", server_version="20.10.24+dfsg1",
                            api_version="1.41", buildkit=True, host="unix:///var/run/docker.sock"),
               EngineStatus(False, "no Docker Engine is running at unix:///var/run/docker.sock")]
    calls = []

    def probe():
        calls.append(threading.current_thread().name)
        return answers[0]

    watcher = EngineWatcher(interval_ms=50, probe=probe)
    badge = EngineIndicator()
    qtbot.addWidget(badge)
    watcher.sig_status.connect(badge.show_status)
    assert badge.connected is None and "Looking" in badge.toolTip()
    watcher.start()
    qtbot.waitUntil(lambda: badge.connected is True, timeout=3000)
    assert "20.10.24" in badge.text() and "BuildKit" in badge.text()
    assert all(name == "engine-status" for name in calls)  # never probed on the GUI thread
    answers.reverse()
    qtbot.waitUntil(lambda: badge.connected is False, timeout=3000)
    assert "No engine" in badge.text() and "no Docker Engine is running" in badge.toolTip()
    watcher.stop()


def test_build_args_are_remembered_per_file(qtbot, tmp_path):
    QSettings().remove("buildArgs")
    from studio.core import parse

    doc = parse("ARG VERSION=1\nFROM scratch\nARG MODE\nARG VERSION\nARG MSG=\"hello world\" 'K=a b'\n")
    assert declared_args(doc) == ["VERSION", "MODE", "MSG", "K"]  # no `world"` from a quoted value
    doc = parse("ARG VERSION=1\nFROM scratch\nARG MODE\nARG VERSION\n")
    dialog = BuildArgsDialog({"MODE": "fast"}, declared_args(doc))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    dialog.table.item(1, 1).setText("2")  # VERSION
    assert dialog.values() == {"MODE": "fast", "VERSION": "2"}
    first, second = tmp_path / "a" / "Dockerfile", tmp_path / "b" / "Dockerfile"
    save_build_args(first, dialog.values())
    assert load_build_args(first) == {"MODE": "fast", "VERSION": "2"}
    assert load_build_args(second) == {}


def test_bar_choices_make_the_request(open_window, tmp_path):
    window, path = open_window("FROM scratch AS one\nCOPY a /a\n\nFROM scratch AS two\nCOPY b /b\n")
    controller, bar = window.build.controller, window.build.bar
    labels = [bar.target_combo.itemText(i) for i in range(bar.target_combo.count())]
    assert labels == ["two (file's target)", "one", "two"]
    window.editor.appendPlainText("LABEL unsaved=1")  # not saved: the request has it anyway
    bar.set_target("one")
    bar.backend_combo.setCurrentIndex(2)
    bar.no_cache_action.setChecked(True)
    window.build_settings.update(build_args={"A": "1"})
    request = controller.prepare()
    assert request.dockerfile_text.endswith("LABEL unsaved=1\n") or request.dockerfile_text.endswith("LABEL unsaved=1")
    assert request.context_dir == str(path.parent.resolve())
    assert (request.target, request.backend, request.no_cache, request.sizes) == ("one", "classic", True, True)
    assert request.build_args == {"A": "1"} and request.dockerfile_path == str(path)
    assert path.read_text() == "FROM scratch AS one\nCOPY a /a\n\nFROM scratch AS two\nCOPY b /b\n"
    other = tmp_path / "elsewhere"
    other.mkdir()
    bar.sig_context_chosen.emit(str(other))  # as "Choose Folder…" does
    assert controller.prepare().context_dir == str(other)
    assert window.build_settings.settings.context == str(other)
    assert "elsewhere" in bar.context_button.text()


def test_untitled_file_builds_in_an_empty_temporary_context(qtbot):
    from studio.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.editor.setPlainText("FROM scratch\n")
    request = window.build.controller.prepare()
    assert request.dockerfile_path is None
    import os
    assert os.path.isdir(request.context_dir) and os.listdir(request.context_dir) == []
    assert "temporary" in window.build.bar.context_button.text()


def test_a_build_without_an_engine_says_so_and_returns_to_idle(open_window, qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    window, _path = open_window("FROM scratch\nCOPY a /a\n")
    controller = window.build.controller
    assert controller.start()
    assert not window.build.bar.build_action.isEnabled() and window.build.bar.cancel_action.isEnabled()
    qtbot.waitUntil(lambda: not controller.running(), timeout=15_000)
    assert controller.last_result is not None and not controller.last_result.ok
    banner = window.build.banner
    assert banner.isVisibleTo(window) and "no Docker Engine is running" in banner.message
    assert window.build.bar.build_action.isEnabled() and not window.build.bar.cancel_action.isEnabled()
    assert window.build.log.text().splitlines()[-1].startswith("ERROR: no Docker Engine is running")


def test_the_log_wraps_long_lines_unless_told_not_to(qtbot):
    from PySide6.QtWidgets import QPlainTextEdit

    panel = BuildLogPanel(max_lines=100)
    qtbot.addWidget(panel)
    panel.resize(260, 200)
    panel.show()
    panel.view.appendPlainText("ERROR: line 20: executor failed running [/bin/sh -c sh build.sh /out]: exit code: 1")
    block = panel.view.document().lastBlock()
    qtbot.waitUntil(lambda: block.layout().lineCount() > 1, timeout=2000)  # laid out, wrapped
    assert panel.view.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    assert panel.view.horizontalScrollBar().maximum() == 0  # nothing hidden to the right
    panel.wrap.setChecked(False)
    qtbot.waitUntil(lambda: panel.view.horizontalScrollBar().maximum() > 0, timeout=2000)
    assert panel.view.lineWrapMode() == QPlainTextEdit.LineWrapMode.NoWrap
    assert block.layout().lineCount() == 1


class ClockedWatcher:
    """An EngineWatcher on ``host`` whose clock the test moves (``now``); ``calls`` holds
    the clock's time at each probe."""

    def __init__(self, qtbot, host: str, interval_ms: int) -> None:
        self.qtbot, self.now, self.calls = qtbot, 100.0, []

        def probe():
            self.calls.append(self.now)
            return EngineStatus(True, "Docker Engine 20.10.24 (API 1.41)", buildkit=True, host=host)

        self.watcher = EngineWatcher(interval_ms=interval_ms, probe=probe, clock=lambda: self.now)
        self.watcher.start()
        qtbot.waitUntil(lambda: self.watcher.status is not None, timeout=3000)

    def checked_twice(self) -> None:
        """Wait until the watcher has looked twice more (and so probed, if it was due)."""
        checks = self.watcher.checks
        self.qtbot.waitUntil(lambda: self.watcher.checks >= checks + 2, timeout=3000)


def test_an_ssh_engine_is_probed_far_less_often(qtbot):
    """Each probe of an ssh:// engine is an ssh login: no more than one every 30 s."""
    clocked = ClockedWatcher(qtbot, "ssh://me@buildhost", interval_ms=50)
    clocked.now += 10.0  # a local engine (every 50 ms) would be probed again at the next check
    clocked.checked_twice()
    assert len(clocked.calls) == 1
    clocked.now += 21.0  # 31 s after the first probe
    qtbot.waitUntil(lambda: len(clocked.calls) == 2, timeout=3000)
    clocked.watcher.stop()
    assert clocked.calls == [100.0, 131.0]


def test_a_local_engine_is_probed_at_its_interval(qtbot):
    """The other side of the test above: the same watcher, not on ssh, probes again."""
    clocked = ClockedWatcher(qtbot, "unix:///var/run/docker.sock", interval_ms=4000)
    clocked.checked_twice()
    assert len(clocked.calls) == 1  # not yet 4 s
    clocked.now += 4.0
    qtbot.waitUntil(lambda: len(clocked.calls) == 2, timeout=3000)
    clocked.watcher.stop()
    assert clocked.calls == [100.0, 104.0]
