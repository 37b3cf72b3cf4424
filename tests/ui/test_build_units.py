"""Pure pieces of the build UI: units, ANSI handling, the session fold, history deltas."""
from __future__ import annotations

import pytest

from studio.engine.events import (BuildFailed, BuildFinished, BuildResult, BuildStarted, LayerInfo, SizesReady,
                                  StageFinished, StagePlan, StageResult, StepFinished, StepLog, StepPlan,
                                  StepStarted)
from studio.ui.buildpanel.ansi import ansi_to_html, strip_ansi
from studio.ui.buildpanel.history import BuildHistory, deltas
from studio.engine.fold import GENERAL, BuildFold
from studio.core.units import delta_duration, delta_size, human_duration, human_size


def test_sizes_read_like_docker_images():
    assert human_size(0) == "0 B"
    assert human_size(999) == "999 B"
    assert human_size(1000) == "1.00 kB"
    assert human_size(100_000) == "100 kB"
    assert human_size(1_984_230) == "1.98 MB"
    assert human_size(12_345_678) == "12.3 MB"
    assert human_size(999_999) == "1.00 MB"  # never "1000 kB"
    assert human_size(None) == "—"
    assert delta_size(100_000) == "+100 kB"
    assert delta_size(-1_200_000) == "−1.20 MB"
    assert delta_size(0) == "±0 B"
    assert delta_size(None) is None


def test_durations():
    assert human_duration(0.04) == "0.0 s"
    assert human_duration(12.34) == "12.3 s"
    assert human_duration(125) == "2 min 05 s"
    assert delta_duration(0.4) == "+0.4 s"
    assert delta_duration(-1.25) == "−1.2 s"
    assert delta_duration(0.01) == "±0.0 s"


def test_ansi_is_stripped_or_rendered():
    coloured = "\x1b[1;31merror\x1b[0m: bad \x1b[38;5;46mthing\x1b[39m <x>"
    assert strip_ansi(coloured) == "error: bad thing <x>"
    html = ansi_to_html(coloured)
    assert "\x1b" not in html
    assert '<span style="color:#cd3131;font-weight:bold">error</span>' in html
    assert "color:#00ff00" in html  # xterm-256 colour 46
    assert "&lt;x&gt;" in html
    assert strip_ansi("\x1b]0;title\x07plain\x1b[2K") == "plain"


def _plan():
    return [StagePlan(0, "build", "build", [StepPlan(1, "FROM x"), StepPlan(2, "RUN a"), StepPlan(3, "RUN b")], True),
            StagePlan(1, "unused", "unused", [StepPlan(5, "FROM scratch")], False),
            StagePlan(2, None, "stage-2", [StepPlan(7, "FROM x"), StepPlan(8, "COPY --from=build / /")], True)]


def test_session_folds_progress_logs_and_failure():
    session = BuildFold(max_log_lines=3)
    changed, _ = session.apply([BuildStarted(_plan(), "buildkit", 2)])
    assert changed == {0, 1, 2}
    assert [s.state for s in session.stages.values()] == ["queued", "skipped", "queued"]
    changed, lines = session.apply([
        StepStarted(0, 2, "[build 2/3] RUN a", 0.5),
        StepLog(0, 2, "stdout", "one\ntwo\nthr"),
        StepLog(0, 2, "stdout", "ee\nfour\nfive\n"),
        StepLog(None, None, "stdout", "engine says hi\n"),
        StepStarted(2, 8, "[stage-2 2/2] COPY", 0.6),
    ])
    assert changed == {0, 2}
    assert session.stages[0].state == "running" and session.stages[2].state == "running"
    assert session.active_lines() == [2, 8]  # parallel stages run together
    assert lines[0] == ["one", "two", "three", "four", "five"]
    assert lines[GENERAL] == ["engine says hi"]
    assert session.log_lines(0) == ["three", "four", "five"]  # capped, oldest dropped
    assert session.dropped(0) == 2
    session.apply([StepFinished(0, 2, False, 1.5, "exit code: 3"),
                   BuildFailed("line 2: RUN a failed", stage=0, line=2, exit_code=3)])
    assert session.stages[0].state == "failed"
    assert session.stages[0].done == 1
    assert session.failed_line() == 2 and session.failed_stage() == 0
    assert session.log_lines(0)[-1] == "ERROR: line 2: RUN a failed (exit code 3)"
    assert session.active_lines() == []
    assert session.elapsed(0) == 1.5
    assert session.steps[0].start == 0.5 and session.steps[0].end == 2.0


def test_a_cached_stage_reported_late_did_not_take_the_wait():
    """BuildKit checks a stage's cache when a later stage needs it: its FROM may be reported
    at once and its cached RUN only at the end; the stage took no time of its own."""
    session = BuildFold()
    session.apply([BuildStarted(_plan(), "buildkit", 2),
                   StepStarted(0, 1, "[build 1/3] FROM x", 0.0), StepFinished(0, 1, True, 0.0),
                   StepStarted(2, 7, "[stage-2 1/2] FROM y", 0.0),
                   StepStarted(0, 2, "[build 2/3] RUN a", 1.4), StepFinished(0, 2, True, 0.01),
                   StageFinished(0, "cached"),
                   StepFinished(2, 7, False, 1.6), StageFinished(2, "done")])
    assert session.elapsed(0) == pytest.approx(0.01)
    assert session.log_lines(0)[-1] == "── cached in 0.0 s"
    assert session.elapsed(2) == pytest.approx(1.6)  # a stage that ran: its span


def _finished_session(sizes: dict[int, int], run_time: float) -> tuple[BuildFold, BuildResult]:
    session = BuildFold()
    session.apply([BuildStarted(_plan(), "buildkit", 2), StepStarted(0, 2, "RUN a", 0.0),
                   StepFinished(0, 2, False, run_time), StageFinished(0, "done"),
                   StepStarted(2, 8, "COPY", run_time), StepFinished(2, 8, False, 0.5), StageFinished(2, "done"),
                   BuildFinished("sha256:x", run_time + 0.5)])
    stages = [StageResult(0, "build", "done", "sha256:a", sizes[0], [LayerInfo(2, "RUN a", sizes[0])]),
              StageResult(1, "unused", "skipped"),
              StageResult(2, None, "done", "sha256:x", sizes[2], [LayerInfo(8, "COPY --from=build / /", sizes[2])])]
    result = BuildResult(True, "sha256:x", run_time + 0.5, stages, {"image_id": "sha256:x", "size": sizes[2]}, saved=7)
    session.apply([SizesReady(result)])
    return session, result


def test_history_keeps_builds_per_file_and_compares_with_the_baseline():
    history = BuildHistory()
    first = history.add("/a/Dockerfile", *_finished_session({0: 1000, 2: 500}, 1.0))
    assert history.add(None, *_finished_session({0: 1, 2: 1}, 1.0)).number == 1  # numbered per document
    assert deltas(first, history.baseline("/a/Dockerfile")) == {}
    history.pin("/a/Dockerfile", first)
    second = history.add("/a/Dockerfile", *_finished_session({0: 101_000, 2: 500}, 2.5))
    assert second.label == "#2"
    changes = deltas(second, history.baseline("/a/Dockerfile"))
    assert changes[0].size == 100_000 and abs(changes[0].time - 1.5) < 1e-9
    assert changes[2].size == 0
    assert 1 not in changes  # skipped in both: nothing measured
    assert [r.number for r in history.records("/a/Dockerfile")] == [1, 2]
    assert second.final_size == 500 and second.saved == 7
    assert second.stage("build").size == 101_000 and second.stage("#2").size == 500


def test_the_baseline_to_pin_is_the_latest_successful_build():
    history = BuildHistory()
    assert history.latest_successful("/a") is None
    good = history.add("/a", *_finished_session({0: 1000, 2: 500}, 1.0))
    failed_session = BuildFold()
    failed_session.apply([BuildStarted(_plan(), "buildkit", 2), StepStarted(0, 2, "RUN a", 0.0),
                          StepFinished(0, 2, False, 0.2, "exit code: 1"), BuildFailed("RUN a failed", 0, 2)])
    failed = history.add("/a", failed_session, BuildResult(False, None, 0.3, error=BuildFailed("RUN a failed")))
    assert history.latest("/a") is failed and not failed.ok
    assert history.latest_successful("/a") is good


def test_a_cancelled_stage_shows_how_long_it_ran_and_that_it_was_stopped():
    clock = [0.0]
    session = BuildFold(clock=lambda: clock[0])
    session.apply([BuildStarted(_plan(), "buildkit", 2), StepStarted(0, 2, "[build 2/3] RUN sleep 30", 0.1)])
    clock[0] = 4.4
    session.cancelling = True
    session.apply([StageFinished(0, "failed"), BuildFailed("the build was cancelled")])
    assert session.elapsed(0) == pytest.approx(4.3)
    assert session.steps[0].duration == pytest.approx(4.3)  # the timeline bar ends where it stopped
    assert session.log_lines(0)[-1] == "── stopped after 4.3 s"
    record = BuildHistory().add("/a", session, BuildResult(False, None, 4.4, error=BuildFailed("the build was cancelled")))
    assert record.cancelled and not record.ok


def test_an_exit_code_already_in_the_message_is_not_repeated():
    session = BuildFold()
    session.apply([BuildStarted(_plan(), "buildkit", 2),
                   BuildFailed("line 2: RUN a: exit code: 3", stage=0, line=2, exit_code=3)])
    assert session.log_lines(0)[-1] == "ERROR: line 2: RUN a: exit code: 3"


def test_a_cancelled_step_is_not_drawn_finished_nor_called_slowest(qtbot):
    from studio.ui.buildpanel.chart_timeline import TimelineChart
    from studio.ui.graph.theme import STATE_HUES

    clock = [0.0]
    session = BuildFold(clock=lambda: clock[0])
    session.apply([BuildStarted(_plan(), "buildkit", 2), StepStarted(0, 2, "[build 2/3] RUN make", 0.0),
                   StepFinished(0, 2, False, 0.5, None), StepStarted(0, 3, "[build 3/3] RUN sleep 30", 0.5),
                   StepStarted(1, 5, "[other 1/1] RUN sleep 30", 0.6)])
    clock[0] = 6.0
    session.cancelling = True
    session.apply([StageFinished(0, "failed"), BuildFailed("the build was cancelled")])
    stopped = [s for s in session.steps if s.stopped]
    assert [(s.stage, s.line) for s in stopped] == [(0, 3), (1, 5)]  # also the one no stage end closed
    assert all(s.duration is not None for s in stopped)
    chart = TimelineChart()
    qtbot.addWidget(chart)
    chart.set_steps([(0, "build"), (1, "other")], session.steps)
    assert chart.slowest == 0 and "line 2" in chart.slowest_note  # the 0.5 s step that finished
    brushes = chart.bars.opts["brushes"]
    assert brushes[1].color().name() != STATE_HUES["done"] and brushes[2].color().name() != STATE_HUES["done"]
    assert "stopped before it finished" in chart.describe(1)
