"""Draw a stage graph to a PNG or SVG file, with or without a window; also the
``stage-studio export`` command (it needs Qt to draw, so it lives here, not in commands).

Export builds its own offscreen scene from the graph (optionally with the positions the
user arranged), so a picture never shows the selection, the grid or the viewport.
"""
from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from studio.core.files import atomic_write_bytes
from studio.core.model import StageGraph

MARGIN = 24.0


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


def export_svg(graph: StageGraph, path: str | os.PathLike, positions: dict | None = None, expanded=None,
               routes: dict | None = None) -> bool:
    """Write an SVG of ``graph`` (vector: boxes, curves and real text), replacing the file
    atomically; OSError says why it could not."""
    from PySide6.QtSvg import QSvgGenerator

    scene = build_scene(graph, positions, expanded, routes)
    source = _source_rect(scene)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(round(source.width()), round(source.height())))
    generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
    generator.setTitle("Stage graph")
    generator.setDescription("Drawn by Stage Studio")
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(errno.EIO, "the SVG could not be drawn")
    _render(scene, painter, QRectF(0, 0, source.width(), source.height()), source)
    painter.end()
    atomic_write_bytes(Path(path), bytes(buffer.data()))
    return True


# ``stage-studio export FILE --png|--svg OUT``: studio.cli runs it like a command module.

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the Dockerfile to draw ('-' reads standard input)")
    out = parser.add_mutually_exclusive_group(required=True)
    out.add_argument("--png", metavar="OUT", help="write a PNG picture to OUT")
    out.add_argument("--svg", metavar="OUT", help="write an SVG drawing to OUT")
    parser.add_argument("--scale", type=float, default=2.0,
                        help="PNG pixels per graph unit (default: 2, sharp on HiDPI screens)")
    parser.add_argument("--target", metavar="T", help="the stage to build (others are drawn as skipped)")
    parser.add_argument("--build-arg", metavar="K=V", action="append", default=[],
                        help="a build arg value (repeatable)")


def run(args: argparse.Namespace) -> int:
    from studio.core.options import UnusableInput, load_graph

    if not 0.1 <= args.scale <= 8:
        print("stage-studio export: --scale must be between 0.1 and 8", file=sys.stderr)
        return 2
    try:
        graph = load_graph(args.file, args.target, args.build_arg)
    except UnusableInput as exc:
        print(f"stage-studio export: {exc}", file=sys.stderr)
        return 2
    wrong = _wrong_suffix(args.png or args.svg, "png" if args.png else "svg")
    if wrong:
        print(f"stage-studio export: {wrong}", file=sys.stderr)
        return 2
    if not graph.stages:
        print(f"stage-studio export: {args.file} has no build stages (no FROM line); nothing to draw",
              file=sys.stderr)
        return 1
    ensure_app()
    out = args.png or args.svg
    from studio.core.files import hard_link_note

    note = hard_link_note(out)
    try:
        export_png(graph, out, args.scale) if args.png else export_svg(graph, out)
    except OSError as exc:
        print(f"stage-studio export: could not write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    if note:
        print(f"stage-studio export: note: {note}", file=sys.stderr)
    import stat

    try:
        to_a_file = stat.S_ISREG(os.stat(out).st_mode)
    except OSError:
        to_a_file = False
    # written through a FIFO or /dev/stdout: the message must not mix into the picture
    print(f"wrote {out} ({len(graph.stages)} stages)", file=sys.stdout if to_a_file else sys.stderr)
    return 0


_PICTURE_SUFFIXES = {".png", ".svg", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".pdf", ".eps"}


def _wrong_suffix(out: str, kind: str) -> str | None:
    """Why ``out`` would be a lie: a picture name of another format than the one written
    (``--png g.jpg`` wrote PNG bytes under a JPEG name). Other names (a FIFO, /dev/stdout,
    no suffix) are taken as given."""
    suffix = os.path.splitext(str(out))[1].lower()
    if suffix in _PICTURE_SUFFIXES and suffix != f".{kind}":
        return (f"--{kind} writes {kind.upper()} data, but {out} is named {suffix}; "
                f"name it .{kind}" + (" (or use --svg)" if suffix == ".svg" else " (or use --png)" if suffix == ".png" else ""))
    return None
