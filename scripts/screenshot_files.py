"""Make docs/screenshot-files.png: the Files view after a build of a three-stage project.

A builder writes an app and its assets; the final stage copies them and a RUN deletes a
download a line above wrote (waste, highlighted, with its finding in Problems). The Files
dock shows the final image's tree and the treemap coloured by stage. Needs the engine
and the offline busybox image (scripts/engine-up).
Run: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_files.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from screenshot import remove_images, wait  # noqa: E402 - scripts/ is this script's own folder

DOCKERFILE = """\
# An app, its assets and a runtime (busybox stands in for the toolchains)
FROM stage-studio-test/busybox:latest AS build
WORKDIR /src
RUN mkdir -p /out/lib && dd if=/dev/urandom of=/out/app bs=1k count=1800 2>/dev/null \\
 && for m in net http json; do dd if=/dev/urandom of=/out/lib/$m.so bs=1k count=400 2>/dev/null; done

FROM stage-studio-test/busybox:latest AS assets
RUN mkdir -p /assets/img /assets/css && for i in 1 2 3 4 5 6; do \\
    dd if=/dev/urandom of=/assets/img/photo$i.jpg bs=1k count=$((i * 90)) 2>/dev/null; done \\
 && head -c 120000 /dev/urandom > /assets/css/site.css

FROM stage-studio-test/busybox:latest
RUN mkdir -p /tmp && dd if=/dev/urandom of=/tmp/sdk.tgz bs=1k count=1500 2>/dev/null
COPY --from=build /out /opt/app
COPY --from=assets /assets /srv/assets
RUN rm /tmp/sdk.tgz
ENTRYPOINT ["/opt/app/app"]
"""


def main() -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from studio.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    app.setOrganizationName("Stage Studio screenshot")
    app.setApplicationName("Stage Studio")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Dockerfile"
        path.write_text(DOCKERFILE)
        window = MainWindow()
        window.resize(1440, 960)
        window.show()
        window.open_file(path)
        files = window.files_view
        window.build.charts_dock.hide()
        files.dock.show()
        window.resizeDocks([files.dock], [470], Qt.Orientation.Vertical)
        controller = window.build.controller
        controller.extra_labels = {"io.github.stagestudio.screenshot": "1"}
        done = []
        files.sig_explored.connect(lambda *_: done.append(1))
        controller.start(no_cache=True)
        wait(app, lambda: bool(done) and not controller.running())
        window.build.charts_dock.hide()  # the Files dock gets the whole bottom
        window.build.log_dock.hide()
        window.problems_dock.hide()
        window.resizeDocks([files.dock], [430], Qt.Orientation.Vertical)
        panel = files.panel
        panel.tree.expandToDepth(0)
        index = panel.tree.model().path_index("/tmp/sdk.tgz")
        if not index.isValid():
            index = panel.tree.model().path_index("/opt/app/app")
        panel.tree.setCurrentIndex(index)
        for _ in range(50):
            app.processEvents()
            time.sleep(0.02)
        out = ROOT / "docs" / "screenshot-files.png"
        window.grab().save(str(out))
        print(f"wrote {out}")
        window.close()
    remove_images()
    return 0


if __name__ == "__main__":
    sys.exit(main())
