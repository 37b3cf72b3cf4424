"""``stage-studio explore --json`` against ``dive --ci --json`` on the same large images.

Two offline images are built from generated contexts on the busybox test base: about
300 MB and about 1 GB of random files (50,000+ entries each), with files deleted and
overwritten in later layers. Both tools read each image from the engine in the same run,
interleaved, N times; the fastest of each is kept (background load only ever adds time)
and the ratio is ours / dive's (target <= 1.0). Peak memory (max RSS) of our process is
taken for each run (target < 300 MB on the 1 GB image). With ``--gui``, the Files view
opens the 1 GB image's report (target < 1 s after analysis) and per-frame times of
scrolling and of typing searches are measured (target < 16 ms); ``--gui-from TAR`` does
only that, on a ``docker save`` file, with no engine.
Run: .venv/bin/python bench/bench_explore.py [--repeat N] [--gui] [--keep]
The generated contexts live under $TMPDIR and are removed at the end; images too,
unless --keep.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchlib import installed_env  # noqa: E402  (bytecode caches kept, as an installed app has them)
BB = "stage-studio-test/busybox:latest"
LABEL = "io.github.stagestudio.bench.explore"  # its own: other benches remove theirs
BIN = Path(sys.executable).parent

DOCKERFILE = f"""\
FROM {BB}
COPY data/ /data/
RUN rm -rf /data/d000 /data/d001 && for f in /data/d002/*; do echo changed > "$f"; done
COPY over/ /data/d003/
RUN rm -rf /data/d004
"""


def make_context(root: Path, total_mb: int, files: int, seed: int) -> None:
    """``files`` random files in 100 folders summing to about ``total_mb``, plus an
    ``over/`` folder that replaces the files of d003 with new contents."""
    rng = random.Random(seed)
    data = root / "data"
    average = total_mb * 1024 * 1024 // files
    block = os.urandom(4 << 20)  # sliced at random offsets: random contents, cheap to make
    for i in range(files):
        folder = data / f"d{i % 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        size = rng.randint(0, 2 * average)
        start = rng.randint(0, len(block) - 1)
        chunk = (block[start:] + block)[:size] if size else b""
        (folder / f"f{i // 100:05d}").write_bytes(chunk)
    over = root / "over"
    over.mkdir()
    for path in (data / "d003").iterdir():
        (over / path.name).write_bytes(os.urandom(64) + path.read_bytes()[64:])
    (root / "Dockerfile").write_text(DOCKERFILE)


def build(root: Path, tag: str) -> str:
    from studio.engine.builder import Build, BuildRequest

    b = Build(BuildRequest(DOCKERFILE, str(root), labels={LABEL: "1"}, tag=tag))
    for _ in b.events():
        pass
    if not b.result.ok:
        raise SystemExit(f"bench image {tag} did not build: {b.result.error.message}")
    return b.result.image_id


def existing(tag: str) -> str | None:
    import docker

    try:
        return docker.from_env().api.inspect_image(tag)["Id"]
    except docker.errors.ImageNotFound:
        return None


def timed(cmd: list[str], cwd: Path) -> tuple[float, int, int]:
    """(seconds, peak RSS in bytes, exit code) of one run, measured by a fresh parent."""
    probe = ("import resource, subprocess, sys, time, json\n"
             "t = time.perf_counter()\n"
             "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
             "t = time.perf_counter() - t\n"
             "print(json.dumps([t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024, p.returncode]))\n")
    out = subprocess.run([sys.executable, "-c", probe, *cmd], cwd=cwd, capture_output=True, text=True, check=True,
                         env=installed_env())
    seconds, rss, code = json.loads(out.stdout)
    return seconds, rss, code


def compare(image: str, work: Path, repeat: int) -> dict:
    ours_cmd = [str(BIN / "stage-studio"), "explore", image, "--json"]
    dive_cmd = [shutil.which("dive", path=str(BIN)) or "dive", image, "--ci", "--json", str(work / "dive.json")]
    ours, dive = [], []
    for _ in range(repeat):
        ours.append(timed(ours_cmd, work))
        dive.append(timed(dive_cmd, work))
    ours_json = json.loads(subprocess.run(ours_cmd, capture_output=True, text=True, check=True).stdout)
    dive_json = json.loads((work / "dive.json").read_text())["image"]
    pairs = sorted(o[0] / d[0] for o, d in zip(ours, dive))  # each run against the dive run next to it
    return {"ours_s": min(t for t, _, _ in ours), "dive_s": min(t for t, _, _ in dive),
            "pair_ratios": f"{pairs[0]:.2f}-{pairs[-1]:.2f}, median {pairs[len(pairs) // 2]:.2f}",
            "ours_rss": max(r for _, r, _ in ours), "dive_rss": max(r for _, r, _ in dive),
            "entries": sum(len(layer["files"]) for layer in ours_json["layers"]),
            "same_waste": ours_json["wasted_bytes"] == dive_json["inefficientBytes"],
            "same_efficiency": ours_json["efficiency"] == dive_json["efficiencyScore"],
            "wasted": ours_json["wasted_bytes"], "size": ours_json["size"]}


def gui_times(image: str) -> dict:
    import docker

    from studio.engine.explore import explore_image

    return gui_times_of(explore_image(docker.from_env().api, image))


def _spread(frames: list[float]) -> str:
    ordered = sorted(frames)
    return (f"median {ordered[len(ordered) // 2]:.1f}, 95th {ordered[int(len(ordered) * 0.95)]:.1f},"
            f" max {ordered[-1]:.1f} ms")


def gui_times_of(report) -> dict:
    """The Files view as a user sees it: the report opened (tree and treemap painted), then
    frames (event handled + widgets repainted) of opening a folder of 600 files and
    scrolling the tree to its end (the next batch of rows comes there), and of typing and clearing searches (the keystroke's frame, and every frame until the
    matches are shown, the search running off the GUI thread), in ms."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from studio.gc_tuning import tune_collector
    from studio.ui.files_view.panel import FilesPanel

    tune_collector()  # as the app's entry point does
    app = QApplication.instance() or QApplication([])
    panel = FilesPanel()
    panel.resize(1000, 700)
    panel.show()
    app.processEvents()
    started = time.perf_counter()
    panel.show_reports({0: report}, 0)
    panel.repaint()  # the tree and the treemap painted: open
    opened = time.perf_counter() - started
    started = time.perf_counter()
    app.processEvents()  # what was queued: the collector settles once (studio/gc_tuning.py)
    settled = (time.perf_counter() - started) * 1000
    tree, model = panel.tree, panel.tree.model()
    tree.expandToDepth(0)  # every top folder open, and the largest folder inside the largest one
    app.processEvents()
    # the measuring code's own first call of a QtWidgets method made PySide create the
    # module's enum types (~7 ms, once per process) inside the first frame; the app has
    # long done that before a user opens a folder
    viewport = tree.viewport()

    def frame(action) -> float:
        t = time.perf_counter()
        action()
        app.processEvents()
        tree.viewport().repaint()
        return (time.perf_counter() - t) * 1000

    opening = [frame(lambda: tree.expand(model.index(0, 0, model.index(0, 0))))]
    centre = QPointF(viewport.width() / 2, viewport.height() / 2)

    def wheel() -> None:
        event = QWheelEvent(centre, viewport.mapToGlobal(centre), QPoint(), QPoint(0, -120), Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        app.sendEvent(viewport, event)

    bar = tree.verticalScrollBar()
    scroll = opening + [frame(wheel) for _ in range(60)]
    scroll += [frame(lambda: bar.triggerAction(bar.SliderAction.SliderPageStepAdd)) for _ in range(60)]
    scroll += [frame(lambda: bar.setValue(bar.maximum())) for _ in range(5)]  # the end: the next batch comes
    typing = []
    tree.collapseAll()
    panel.search.setFocus()
    for text in ("f0001", "d01", "f00"):
        panel.search.clear()
        for ch in text:
            typing.append(frame(lambda ch=ch: QTest.keyClick(panel.search, ch)))
        while panel.search_pending():  # the event loop runs on its own: frames as they come
            time.sleep(0.002)
            typing.append(frame(lambda: None))
    typing.append(frame(panel.search.clear))
    while panel.search_pending():
        time.sleep(0.002)
        typing.append(frame(lambda: None))
    t = time.perf_counter()
    panel.treemap.repaint()
    treemap = (time.perf_counter() - t) * 1000
    bare = _bare_frames(app, panel.size(), frame_of=lambda view, action: _frame(app, view, action))
    return {"open_s": opened, "settle_ms": settled, "scroll": _spread(scroll), "scroll_max_ms": max(scroll), "typing": _spread(typing),
            "filter_max_ms": max(typing), "treemap_ms": treemap, "bare": _spread(bare)}


def _frame(app, view, action) -> float:
    t = time.perf_counter()
    action()
    app.processEvents()
    view.viewport().repaint()
    return (time.perf_counter() - t) * 1000


def _bare_frames(app, size, frame_of) -> list[float]:
    """The floor on this machine, now: the same view and page scrolls over a model that
    answers from a list with no work at all (what Qt's painting alone costs)."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex
    from PySide6.QtWidgets import QTreeView

    class Bare(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()):  # noqa: B008 - Qt's default
            return 0 if parent.isValid() else 5000

        def columnCount(self, parent=QModelIndex()):  # noqa: B008
            return 6

        def data(self, index, role=0):
            return texts[index.column()] if role == 0 else None

    texts = ["f00123", "17.2 kB", "1", "2", "#0", ""]
    view = QTreeView()
    view.setUniformRowHeights(True)
    view.setAlternatingRowColors(True)
    model = Bare()
    view.setModel(model)
    view.resize(size)
    view.show()
    app.processEvents()
    bar = view.verticalScrollBar()
    frames = [frame_of(view, lambda: bar.triggerAction(bar.SliderAction.SliderPageStepAdd)) for _ in range(120)]
    view.close()
    return frames


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gui", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the images (tags stage-studio-bench/explore-*)")
    parser.add_argument("--only", choices=("300", "1000"))
    parser.add_argument("--reuse", action="store_true", help="use a bench image kept by an earlier --keep run")
    parser.add_argument("--gui-from", metavar="TAR", help="only the Files view part, on a docker save file")
    args = parser.parse_args()
    if args.gui_from:
        from studio.engine.explore import analyse
        from studio.engine.image_archive import read_archive

        with open(args.gui_from, "rb") as fh:
            g = gui_times_of(analyse(read_archive(fh), args.gui_from))
        print(f"Files view: opens in {g['open_s']:.2f} s (target < 1 s), then settles the collector once in"
              f" {g['settle_ms']:.0f} ms; frames (target < 16 ms): scrolling"
              f" {g['scroll']}; typing searches {g['typing']}; treemap paint {g['treemap_ms']:.1f} ms;"
              f" a bare Qt model's frames, same run: {g['bare']}")
        return 0
    sizes = [(300, 50_000), (1000, 60_000)]
    if args.only:
        sizes = [s for s in sizes if str(s[0]) == args.only]
    with tempfile.TemporaryDirectory(prefix="stage-studio-bench-explore-") as tmp:
        work = Path(tmp)
        for mb, files in sizes:
            tag = f"stage-studio-bench/explore-{mb}mb:1"
            image = existing(tag) if args.reuse else None
            if image is None:
                ctx = work / f"ctx{mb}"
                ctx.mkdir()
                make_context(ctx, mb, files, seed=mb)
                image = build(ctx, tag)
                shutil.rmtree(ctx)
            r = compare(tag, work, args.repeat)
            print(f"{mb} MB image ({r['size'] / 1e6:.0f} MB, {r['entries']} entries, wasted {r['wasted'] / 1e6:.1f} MB):"
                  f" explore {r['ours_s']:.2f} s, dive {r['dive_s']:.2f} s, ratio {r['ours_s'] / r['dive_s']:.2f}"
                  f" (target <= 1.0; run by run {r['pair_ratios']}); peak memory ours {r['ours_rss'] / 1e6:.0f} MB, dive {r['dive_rss'] / 1e6:.0f} MB;"
                  f" waste equal: {r['same_waste']}, efficiency equal: {r['same_efficiency']}", flush=True)
            if args.gui and mb == 1000:
                g = gui_times(tag)
                print(f"Files view, {mb} MB image: opens in {g['open_s']:.2f} s (target < 1 s), then settles the"
                      f" collector once in {g['settle_ms']:.0f} ms; frames (target"
                      f" < 16 ms): scrolling {g['scroll']}; typing searches {g['typing']};"
                      f" treemap paint {g['treemap_ms']:.1f} ms; a bare Qt model's frames, same run: {g['bare']}",
                      flush=True)
            if not args.keep:
                import docker

                docker.from_env().api.remove_image(image, force=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
