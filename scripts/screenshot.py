"""Make docs/screenshot-build.png (the window after two builds of a five-stage project) and
docs/screenshot-present.png (View > Present on its closing step) and
docs/screenshot-compare.png (a gallery pair compared side by side, both built).

The first build is pinned as the baseline; then the text is edited (the app grows) and
built again, so the boxes show size and time changes and the History chart has two points. Needs the engine and the offline busybox image
(scripts/engine-up). Run: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DOCKERFILE = """\
# A compiled app in a multi-stage build (busybox stands in for a toolchain)
FROM stage-studio-test/busybox:latest AS deps
WORKDIR /src
RUN mkdir vendor && dd if=/dev/urandom of=vendor/modules.bin bs=1k count=2000 2>/dev/null

FROM deps AS build
COPY main.go .
RUN for m in net http json cli; do echo "compiling $m"; sleep 0.3; done && dd if=/dev/urandom of=/src/app bs=1k count=900 2>/dev/null

FROM stage-studio-test/busybox:latest AS assets
RUN mkdir /assets && echo "minifying css" && sleep 0.8 && head -c 120000 /dev/urandom > /assets/site.css

FROM build AS test
RUN echo "running the tests" && sleep 1

FROM scratch AS runtime
COPY --from=build /src/app /app
COPY --from=assets /assets /assets
ENTRYPOINT ["/app"]
"""


def wait(app, condition, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the build")
        app.processEvents()
        time.sleep(0.02)


def remove_images() -> None:
    """The images the screenshot builds made (labelled so), removed again."""
    import docker

    client = docker.from_env()
    for image in client.api.images(filters={"label": "io.github.stagestudio.screenshot=1"}):
        client.api.remove_image(image["Id"], force=True)


def shoot(app, widget, name: str, ticks: int = 20) -> None:
    """Let ``widget`` settle (layout, fits, the charts' labels), then write docs/NAME."""
    for _ in range(ticks):
        app.processEvents()
        time.sleep(0.02)
    out = ROOT / "docs" / name
    widget.grab().save(str(out))
    print(f"wrote {out}")


def present_and_compare(app, window) -> None:
    """View > Present on its closing step, and the gallery's offline pair compared."""
    from studio.ui.teach.compare_view import compare_files
    from studio.ui.teach.pair_gallery import load_catalogue

    present = window.teach.presentation
    present.start()
    present.screen.showNormal()  # (offscreen, "full screen" is the 800x800 fake screen)
    present.screen.resize(1600, 900)
    present.go(present.steps() - 1)
    shoot(app, present.screen, "screenshot-present.png")
    present.end()
    pair = next(e for e in load_catalogue()[0] if e.is_pair and e.builds_offline)
    chosen = [(pair.files[kind], pair.context) for kind in ("multi", "single")]
    compare = compare_files(window, chosen, [f"{pair.title}: multi-stage", f"{pair.title}: single-stage"],
                            {"io.github.stagestudio.screenshot": "1"})
    compare.resize(1400, 700)
    compare.build_both()
    wait(app, lambda: not compare.building())
    shoot(app, compare, "screenshot-compare.png")
    compare.close()


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from studio.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    app.setOrganizationName("Stage Studio screenshot")  # settings of its own, not the user's
    app.setApplicationName("Stage Studio")
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "shotproj"
        project.mkdir()
        (project / "main.go").write_text('package main\n\nfunc main() { println("hello") }\n')
        path = project / "Dockerfile"
        path.write_text(DOCKERFILE)
        window = MainWindow()
        window.resize(1280, 800)
        window.show()
        window.open_file(path)
        controller = window.build.controller
        controller.extra_labels = {"io.github.stagestudio.screenshot": "1"}
        for n in range(2):
            controller.start(no_cache=True)  # every step runs: the timeline shows real work
            wait(app, lambda: not controller.running())
            if n == 0:
                controller.pin_baseline()
                # an edit, as a user would make one: the app grows, the build stage reruns
                editor = window.editor
                editor.setPlainText(editor.toPlainText().replace("count=900", "count=1000"))
        shoot(app, window, "screenshot-build.png", ticks=50)
        present_and_compare(app, window)
        window.close()
    remove_images()
    return 0


if __name__ == "__main__":
    sys.exit(main())
