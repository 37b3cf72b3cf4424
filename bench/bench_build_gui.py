"""How responsive is the window while a build logs 10,000 lines a second?

Feeds a synthetic event stream (BuildStarted, then StepLog chunks at LINES_PER_S across
three stages running in parallel, then BuildFinished) through the real MainWindow and
BuildController, and measures, with a QTimer ticking every 5 ms:
  - the longest event-loop stall (longest gap between ticks minus the 5 ms interval),
  - the mean and longest drain (one batch folded and painted on the GUI thread),
against a reference measured in the same run: the same window with an idle event loop.

    .venv/bin/python bench/bench_build_gui.py [--seconds 5] [--rate 10000]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

TICK_MS = 5


class SyntheticBuild:
    """A stand-in for studio.engine.builder.Build: a paced generator of real event objects."""

    def __init__(self, seconds: float, rate: int, chunk_ms: int = 10) -> None:
        self.seconds, self.rate, self.chunk_ms = seconds, rate, chunk_ms
        self._cancelled = threading.Event()
        self.result = None

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def events(self):
        from studio.engine.events import (BuildFinished, BuildResult, BuildStarted, StageFinished, StagePlan,
                                          StepFinished, StepLog, StepPlan, StepStarted)

        plan = [StagePlan(i, f"s{i}", f"s{i}", [StepPlan(1 + 3 * i, "FROM x"), StepPlan(2 + 3 * i, "RUN y")], True)
                for i in range(3)]
        yield BuildStarted(plan, "buildkit", 2)
        t0 = time.monotonic()
        for i in range(3):
            yield StepStarted(i, 2 + 3 * i, f"[s{i} 2/2] RUN y", 0.0)
        per_chunk = max(1, self.rate * self.chunk_ms // 1000)
        n = 0
        while time.monotonic() - t0 < self.seconds and not self.cancelled:
            stage = n % 3
            yield StepLog(stage, 2 + 3 * stage, "stdout",
                          "".join(f"compiling unit {n * per_chunk + k} of the project\n" for k in range(per_chunk)))
            n += 1
            next_at = t0 + n * self.chunk_ms / 1000
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        for i in range(3):
            yield StepFinished(i, 2 + 3 * i, False, self.seconds)
            yield StageFinished(i, "done")
        yield BuildFinished("sha256:synthetic", self.seconds)
        self.result = BuildResult(True, "sha256:synthetic", self.seconds)
        self.lines = n * per_chunk


def measure_gaps(app, seconds: float, until=None) -> list[float]:
    from PySide6.QtCore import QElapsedTimer, QTimer

    clock = QElapsedTimer()
    gaps: list[float] = []
    last = [0.0]

    def tick():
        now = clock.nsecsElapsed() / 1e6
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    clock.start()
    timer.start()
    end = time.monotonic() + seconds
    while time.monotonic() < end or (until is not None and until()):
        app.processEvents()
        time.sleep(0.0005)
    timer.stop()
    return gaps[1:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rate", type=int, default=10_000, help="log lines per second")
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from studio.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    window.editor.setPlainText("FROM x AS s0\nRUN y\n\nFROM x AS s1\nRUN y\n\nFROM x AS s2\nRUN y\n")
    measure_gaps(app, 0.5)
    reference = measure_gaps(app, args.seconds)
    controller = window.build.controller
    build = SyntheticBuild(args.seconds, args.rate)
    controller.make_build = lambda request, client=None: build
    controller.runner.drain_times.clear()
    controller.start()
    busy = measure_gaps(app, args.seconds, until=controller.running)
    drains = [d * 1000 for d in controller.runner.drain_times]
    kept = len(controller.session.stages[0].log)
    window.close()

    def stall(gaps):
        return max(gaps) - TICK_MS

    print(f"synthetic stream: {build.lines:,} lines in {args.seconds:g} s ({build.lines / args.seconds:,.0f} lines/s), "
          f"3 stages in parallel; {kept:,} lines kept per stage")
    print(f"reference (idle loop):  longest stall {stall(reference):6.1f} ms, mean tick gap {statistics.mean(reference):5.2f} ms")
    print(f"during the build:       longest stall {stall(busy):6.1f} ms, mean tick gap {statistics.mean(busy):5.2f} ms")
    print(f"drains: {len(drains)}, mean {statistics.mean(drains):.2f} ms, longest {max(drains):.2f} ms")
    print(f"ratio longest stall build/idle: {stall(busy) / max(0.1, stall(reference)):.1f}x; "
          f"stall over 50 ms: {'yes' if stall(busy) > 50 else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
