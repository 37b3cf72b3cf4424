"""``stage-studio --self-test``: prove that an installed copy (a wheel, pipx, the desktop
bundle) can do what the app needs, without a screen and without an engine.

It opens the main window offscreen, loads a bundled example, paints the stage graph and a
size chart into images and checks that both hold a picture; it prints one line per check
and exits 0 only when every check passed. Settings and recovery files go to a temporary
folder, so a self-test never touches the user's own.
"""
from __future__ import annotations

import os
import sys
import tempfile

EXAMPLE = "go.multi.Dockerfile"


def _painted(image) -> bool:
    """True when the image has more than one colour: something was drawn on it."""
    first = image.pixel(0, 0)
    step_x = max(1, image.width() // 40)
    step_y = max(1, image.height() // 40)
    return any(image.pixel(x, y) != first
               for x in range(0, image.width(), step_x) for y in range(0, image.height(), step_y))


def run_self_test() -> int:
    scratch = tempfile.mkdtemp(prefix="stage-studio-self-test-")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["XDG_CONFIG_HOME"] = os.path.join(scratch, "config")
    os.environ["XDG_DATA_HOME"] = os.path.join(scratch, "data")
    failures: list[str] = []

    def check(what: str, ok: bool, detail: str = "") -> None:
        print(f"{'ok  ' if ok else 'FAIL'} {what}{': ' + detail if detail else ''}", flush=True)
        if not ok:
            failures.append(what)

    from PySide6.QtWidgets import QApplication

    from studio import APP_NAME, __version__
    from studio.engine.events import LayerInfo
    from studio.paths import APP_ICON, EXAMPLES
    from studio.ui.buildpanel.chart_layers import LayersChart
    from studio.ui.buildpanel.history import StageRecord
    from studio.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    check("version", bool(__version__), __version__)
    check("icon", APP_ICON.is_file(), str(APP_ICON))
    example = EXAMPLES / EXAMPLE
    check("bundled example", example.is_file(), str(example))
    window = MainWindow()
    window.resize(1200, 800)
    window.show()
    opened = example.is_file() and window.open_file(str(example))
    app.processEvents()
    nodes = window.graph_view.stage_nodes() if opened else {}
    check("example opened", bool(opened) and len(nodes) >= 2, f"{len(nodes)} stage boxes")
    graph = window.graph_view.grab().toImage()
    check("graph painted", not graph.isNull() and _painted(graph), f"{graph.width()}x{graph.height()}")
    chart = LayersChart()
    chart.resize(480, 320)
    chart.set_stage(StageRecord(0, "build", "done", 3_000_000, 1.0,
                                [LayerInfo(1, "FROM golang", 2_000_000), LayerInfo(3, "RUN go build", 1_000_000)]))
    chart.show()
    app.processEvents()
    picture = chart.grab().toImage()
    check("chart painted", not picture.isNull() and _painted(picture), f"{picture.width()}x{picture.height()}")
    chart.close()
    window.close()
    app.processEvents()
    print("self-test passed" if not failures else f"self-test FAILED: {', '.join(failures)}", flush=True)
    return 0 if not failures else 1
