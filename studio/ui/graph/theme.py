"""Colours, fonts and metrics of the graph, derived from the application palette.

Why a module: every item paints with the same few colours; deriving them once from the
QPalette makes the graph follow light and dark desktops without per-item logic.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette

# The metrics live with the colours' arithmetic in theme_values.py (no Qt, the SVG export
# reads them too); the items keep reading them as ``T.NAME``.
from studio.ui.graph.theme_values import (  # noqa: F401  (T.NAME for the items)
    BASE_H, FOOTER_H, HEADER_H, IMAGE_H, IMAGE_MAX_W, IMAGE_MIN_W, MAX_ROWS, NODE_WIDTH, PAD, PORT_R, RADIUS,
    ROW_H, STATE_HUES, Colors, font_sizes, theme_colors,
)


def tint(a: QColor, b: QColor | None, t: float) -> QColor:
    """``a`` moved a fraction ``t`` towards ``b`` (``a`` itself when ``b`` is None)."""
    if b is None:
        return QColor(a)
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


@dataclass
class Theme:
    dark: bool
    background: QColor
    grid: QColor
    node_fill: QColor
    header_fill: QColor
    border: QColor
    text: QColor
    dim_text: QColor
    accent: QColor
    keyword: QColor
    selection: QColor
    image_fill: QColor
    edge_from: QColor
    edge_copy: QColor
    edge_mount: QColor
    error: QColor
    warning: QColor
    target: QColor
    title_font: QFont
    body_font: QFont
    mono_font: QFont
    small_font: QFont
    # Screen pens keep their pixel width at any zoom (crisp on HiDPI); an exported
    # picture scales them with everything else so lines keep their weight.
    cosmetic: bool = True
    colors: Colors | None = None  # the same colours as plain values (for the SVG export)

    def state_color(self, state: str) -> QColor | None:
        hue = STATE_HUES.get(state)
        return QColor(hue) if hue else None


def make_theme(palette: QPalette | None = None) -> Theme:
    """A theme for ``palette`` (default: the application's); the colours and sizes are
    worked out by theme_values, as a picture drawn without Qt works them out."""
    pal = palette or QGuiApplication.palette()
    role = QPalette.ColorRole
    colors = theme_colors(*(pal.color(r).name() for r in (role.Window, role.Base, role.WindowText, role.Highlight)))
    body = QFont(QGuiApplication.font())
    sizes = font_sizes(body.pointSizeF())
    body.setPointSizeF(sizes.body)
    title = QFont(body)
    title.setBold(True)
    title.setPointSizeF(sizes.title)
    mono = QFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    mono.setPointSizeF(sizes.mono)
    small = QFont(body)
    small.setPointSizeF(sizes.small)
    small.setBold(True)
    values = {name: QColor(value) for name, value in colors.__dict__.items() if name != "dark"}
    return Theme(dark=colors.dark, **values, title_font=title, body_font=body, mono_font=mono, small_font=small,
                 colors=colors)
