"""Colours, fonts and metrics of the graph, derived from the application palette.

Why a module: every item paints with the same few colours; deriving them once from the
QPalette makes the graph follow light and dark desktops without per-item logic.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette

# Box metrics (scene units, i.e. pixels at 100% zoom).
NODE_WIDTH = 264.0
HEADER_H = 32.0
BASE_H = 22.0
ROW_H = 19.0
FOOTER_H = 22.0
PAD = 8.0
RADIUS = 7.0
PORT_R = 5.0
MAX_ROWS = 6  # instruction rows shown while collapsed
IMAGE_H = 34.0
IMAGE_MIN_W = 120.0
IMAGE_MAX_W = 230.0

STATE_HUES = {
    "queued": "#8a94a6",
    "running": "#2f80ed",
    "cached": "#7b61ff",
    "done": "#27ae60",
    "failed": "#e5484d",
    "skipped": "#8a94a6",
    "not_run": "#8a94a6",  # needed, but the build stopped at another stage's failure first
    "cancelled": "#e67e22",  # the user cancelled the build before it finished
}


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

    def state_color(self, state: str) -> QColor | None:
        hue = STATE_HUES.get(state)
        return QColor(hue) if hue else None


def make_theme(palette: QPalette | None = None) -> Theme:
    """A theme for ``palette`` (default: the application's)."""
    pal = palette or QGuiApplication.palette()
    window = pal.color(QPalette.ColorRole.Window)
    base = pal.color(QPalette.ColorRole.Base)
    text = pal.color(QPalette.ColorRole.WindowText)
    dark = window.lightnessF() < 0.5
    accent = pal.color(QPalette.ColorRole.Highlight)
    if accent.saturationF() < 0.2:
        accent = QColor("#3b82f6")
    background = tint(window, QColor("black") if dark else QColor("#e9edf3"), 0.18 if dark else 0.5)
    node_fill = tint(base, window, 0.15) if not dark else tint(base, QColor("white"), 0.06)
    header_fill = tint(node_fill, accent, 0.10 if not dark else 0.18)
    border = tint(node_fill, text, 0.28)
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    body = QFont(QGuiApplication.font())
    body.setPointSizeF(max(8.0, body.pointSizeF() if body.pointSizeF() > 0 else 9.0))
    title = QFont(body)
    title.setBold(True)
    title.setPointSizeF(body.pointSizeF() + 1)
    mono = QFont(fixed)
    mono.setPointSizeF(max(8.5, body.pointSizeF()))  # read on a projector too (issue 14: ~11 px)
    small = QFont(body)
    small.setPointSizeF(max(7.0, body.pointSizeF() - 1.5))
    small.setBold(True)
    return Theme(
        dark=dark,
        background=background,
        grid=tint(background, text, 0.07),
        node_fill=node_fill,
        header_fill=header_fill,
        border=border,
        text=text,
        dim_text=tint(text, node_fill, 0.45),
        accent=accent,
        keyword=accent if not dark else tint(accent, QColor("white"), 0.35),
        selection=accent,
        image_fill=tint(background, node_fill, 0.55),
        edge_from=tint(text, background, 0.35),
        edge_copy=QColor("#2f80ed") if not dark else QColor("#5aa2ff"),
        edge_mount=QColor("#b5548b") if not dark else QColor("#e07bb5"),
        error=QColor("#e5484d"),
        warning=QColor("#d99a00") if not dark else QColor("#f5b83d"),
        target=QColor("#e8590c") if not dark else QColor("#ff8a3d"),
        title_font=title,
        body_font=body,
        mono_font=mono,
        small_font=small,
    )
