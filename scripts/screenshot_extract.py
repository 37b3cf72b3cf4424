"""Make docs/extract-before.png and docs/extract-after.png: the gallery's single-stage
offline demo, built, then "Extract into a builder stage" on its build steps with "build
before and after, and compare" (the first build is the baseline), built again.

Needs the engine and the offline busybox image. Prints the final image sizes the engine
measured. Run: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_extract.py
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from screenshot import wait  # noqa: E402 (scripts/ is on the path when a script runs)

EXAMPLES = ROOT / "studio" / "resources" / "examples"
LABEL = "io.github.stagestudio.screenshot"


def settle(app) -> None:
    for _ in range(50):
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from studio.core.units import human_size
    from studio.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    app.setOrganizationName("Stage Studio screenshot")  # settings of its own, not the user's
    app.setApplicationName("Stage Studio")
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "offline-demo"
        shutil.copytree(EXAMPLES / "offline-demo", project)
        path = project / "Dockerfile"
        shutil.copy(EXAMPLES / "offline-demo.single.Dockerfile", path)
        window = MainWindow()
        window.resize(1280, 800)
        window.show()
        window.open_file(path)
        builds = window.build.controller
        builds.extra_labels = {LABEL: "1"}
        builds.start()
        wait(app, lambda: not builds.running())
        window.graph_view.fit_to_view()
        settle(app)
        window.grab().save(str(ROOT / "docs" / "extract-before.png"))
        # the refactoring, as the graph's row menu runs it (answers in place of its dialogs)
        design = window.design
        design.ask_preview = lambda parent, title, diff, notes, can_compare: (True, True)
        design.interaction.ask_extract = lambda parent, stage, rows, first, taken: (first, 15, "build", ["/out/"])
        view = window.graph_view
        node = view.stage_nodes()[0]
        menu = view.interaction.build_context_menu(
            view.mapFromScene(node.mapToScene(design.interaction.row_rect(node, 12).center())))
        next(a for a in menu.actions() if a.text() == "Extract into a builder stage…").trigger()
        key = builds.file_key()
        wait(app, lambda: len(builds.history.records(key)) == 3 and not builds.running())
        view.relayout()
        view.fit_to_view()
        settle(app)
        window.grab().save(str(ROOT / "docs" / "extract-after.png"))
        for record in builds.history.records(key):
            print(f"build {record.label}: final image {record.final_size} bytes ({human_size(record.final_size)})")
        window.close()
    import docker

    client = docker.from_env()
    for image in client.api.images(filters={"label": f"{LABEL}=1"}):
        client.api.remove_image(image["Id"], force=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
