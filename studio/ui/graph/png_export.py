"""Draw a stage graph to a PNG with Qt: an offscreen scene of the window's own items,
rendered into an image. (SVG needs no Qt: export.py writes it from picture.py.)

Export builds its own offscreen scene from the graph (optionally with the positions the
user arranged), so a picture never shows the selection, the grid or the viewport.
"""
from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from studio.core.files import atomic_write_bytes
from studio.core.model import StageGraph
from studio.ui.graph.theme_values import MARGIN


def ensure_app():
    """A QApplication for headless use (offscreen when there is no display)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        if not os.environ.get("QT_QPA_PLATFORM") and sys.platform.startswith("linux") and not (
                os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication([sys.argv[0] if sys.argv else "stage-studio"])
    return app


def build_scene(graph: StageGraph, positions: dict | None = None, expanded=None, routes: dict | None = None):
    """An offscreen GraphScene for ``graph``: every box placed, nothing cached."""
    ensure_app()
    from studio.ui.graph.scene import GraphScene
    from studio.ui.graph.stage_node import StageNode

    from studio.ui.graph.theme import make_theme

    theme = make_theme()
    theme.cosmetic = False
    scene = GraphScene(theme=theme, grid=False)
    scene.cache_items = False
    new = scene.apply_graph(graph)
    for item in new:
        if isinstance(item, StageNode) and expanded and item.key in expanded:
            item.set_expanded(True)
    scene.place(new, positions or {})
    if routes:
        scene.set_routes(routes)
    return scene


def _source_rect(scene) -> QRectF:
    rect = QRectF()
    for item in scene.items():
        rect = rect.united(item.sceneBoundingRect())
    if rect.isEmpty():
        rect = QRectF(0, 0, 200, 100)
    return rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)


def _render(scene, painter: QPainter, target: QRectF, source: QRectF) -> None:
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(target, scene.theme.background)
    scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)


def picture_size(graph: StageGraph, scale: float = 2.0, positions: dict | None = None) -> QSize:
    """The pixel size export_png would produce (for the CLI's message and the tests)."""
    source = _source_rect(build_scene(graph, positions))
    return QSize(round(source.width() * scale), round(source.height() * scale))


# A picture this big cannot be painted (Qt's raster engine stops at 32,767 px a side)
# and would take gigabytes; beyond it the export is refused with advice instead.
MAX_SIDE = 32_000
MAX_PIXELS = 200_000_000


def export_png(graph: StageGraph, path: str | os.PathLike, scale: float = 2.0,
               positions: dict | None = None, expanded=None, routes: dict | None = None) -> bool:
    """Write a PNG of ``graph`` at ``scale`` pixels per scene unit. ``positions``,
    ``expanded`` and ``routes`` carry over what the user sees in the view. The file is
    replaced atomically, or not at all: OSError says why (a picture too large, a folder
    that cannot be written)."""
    scene = build_scene(graph, positions, expanded, routes)
    source = _source_rect(scene)
    size = QSize(max(1, round(source.width() * scale)), max(1, round(source.height() * scale)))
    if max(size.width(), size.height()) > MAX_SIDE or size.width() * size.height() > MAX_PIXELS:
        raise OSError(errno.EFBIG, f"the picture would be {size.width():,} x {size.height():,} pixels, "
                                   "too large for a PNG; export an SVG (it has no size limit) or use a smaller scale")
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    if image.isNull():
        raise OSError(errno.ENOMEM, f"not enough memory for a {size.width():,} x {size.height():,} picture")
    image.fill(QColor(scene.theme.background))
    painter = QPainter(image)
    _render(scene, painter, QRectF(0, 0, size.width(), size.height()), source)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError(errno.EIO, "the PNG could not be encoded")
    atomic_write_bytes(Path(path), bytes(buffer.data()))
    return True
