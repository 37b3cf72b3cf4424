"""The window laid out at 1024x700, 1600x1000 and 2560x1440 with the Charts dock open:
nothing cut off, nothing covering the boxes, the graph's text readable. Each size is
also written as a screenshot to the test artefacts (STAGE_STUDIO_ARTIFACTS, else
test-artifacts/ in the checkout) for a person to look at."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QFontInfo

from graph_samples import BUILD_ESSENTIAL as BE

ARTIFACTS = Path(os.environ.get("STAGE_STUDIO_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts")


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000), (2560, 1440)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_window_lays_out_at(size, qtbot):
    from studio.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.files.new_file(BE)
    build = window.build
    build.charts_dock.show()  # as after a build: the Charts dock beside Problems and the Log

    def charts_beside_problems() -> bool:  # the window has laid the dock out (Qt may do it later)
        charts, problems = build.charts_dock.geometry(), window.problems_dock.geometry()
        return (build.charts_dock.isVisible() and not charts.isEmpty() and charts.left() > problems.right()
                and not charts.intersects(window.centralWidget().geometry()))

    combo = build.bar.target_combo

    def target_shown_whole() -> bool:  # (the bar lays out again for the new file's targets)
        return combo.isVisible() and combo.width() >= combo.sizeHint().width()

    qtbot.waitUntil(charts_beside_problems, timeout=3000)
    qtbot.waitUntil(target_shown_whole, timeout=3000)  # times out if the target stays cut off
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(ARTIFACTS / f"layout-{size[0]}x{size[1]}.png"))
    search = build.log.search
    assert search.minimumWidth() >= search.fontMetrics().horizontalAdvance("Search…")  # never "S…"
    assert window.problems_dock.width() >= 300  # the Charts do not squeeze Problems to a sliver
    view = window.graph_view
    assert QFontInfo(view.scene().theme.mono_font).pixelSize() * view.zoom() >= 11
    if view.minimap.isVisible():  # the minimap never covers a box
        spot = QRect(view.minimap.geometry())
        spot.translate(-view.viewport().geometry().left(), -view.viewport().geometry().top())
        for node in view.stage_nodes().values():
            assert not spot.intersects(view.mapFromScene(node.sceneBoundingRect()).boundingRect())
