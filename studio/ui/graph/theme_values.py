"""The graph's metrics, colours and font sizes as plain values (numbers, '#rrggbb' strings).

Why no Qt here: ``stage-studio export --svg`` draws without loading Qt (starting it costs
more than the drawing), and the window's theme (theme.py) reads the very same values and
arithmetic, so a picture and the window agree by construction.
"""
from __future__ import annotations

from dataclasses import dataclass

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
MARGIN = 24.0  # the blank border around an exported picture

STATE_HUES = {
    "queued": "#8a94a6",
    "running": "#2f80ed",
    "cached": "#7b61ff",
    "done": "#27ae60",
    "failed": "#e5484d",
    "skipped": "#8a94a6",
    "stopped": "#b7791f",  # a step was running when another stage's failure stopped the build
    "not_run": "#8a94a6",  # needed, but the build stopped at another stage's failure first
    "cancelled": "#e67e22",  # the user cancelled the build before it finished
}

# What a QApplication without a desktop palette (offscreen, as the headless export ran
# until now) reports: window, base, window text, highlight. A picture drawn without Qt
# uses it, so it looks as the Qt-drawn export did.
DEFAULT_PALETTE = ("#efefef", "#ffffff", "#000000", "#308cc6")
DEFAULT_POINT_SIZE = 9.0  # that application's font size
PX_PER_PT = 96 / 72  # Qt lays fonts out at 96 logical dots per inch


def rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def tint_hex(a: str, b: str, t: float) -> str:
    """``a`` moved a fraction ``t`` towards ``b`` (as theme.tint does for QColors)."""
    (ar, ag, ab), (br, bg, bb) = rgb(a), rgb(b)
    r, g, b = round(ar + (br - ar) * t), round(ag + (bg - ag) * t), round(ab + (bb - ab) * t)
    return f"#{r:02x}{g:02x}{b:02x}"


def lightness(color: str) -> float:
    """HSL lightness, 0..1 (QColor.lightnessF)."""
    channels = rgb(color)
    return (max(channels) + min(channels)) / 510


def saturation(color: str) -> float:
    """HSV saturation, 0..1 (QColor.saturationF)."""
    channels = rgb(color)
    top = max(channels)
    return 0.0 if top == 0 else (top - min(channels)) / top


@dataclass(frozen=True)
class Colors:
    """Every colour the graph paints with, as '#rrggbb'."""

    dark: bool
    background: str
    grid: str
    node_fill: str
    header_fill: str
    border: str
    text: str
    dim_text: str
    accent: str
    keyword: str
    selection: str
    image_fill: str
    edge_from: str
    edge_copy: str
    edge_mount: str
    error: str
    warning: str
    target: str


def theme_colors(window: str, base: str, text: str, highlight: str) -> Colors:
    """The graph's colours for a desktop palette (light or dark)."""
    dark = lightness(window) < 0.5
    accent = highlight if saturation(highlight) >= 0.2 else "#3b82f6"
    background = tint_hex(window, "#000000" if dark else "#e9edf3", 0.18 if dark else 0.5)
    node_fill = tint_hex(base, window, 0.15) if not dark else tint_hex(base, "#ffffff", 0.06)
    return Colors(
        dark=dark,
        background=background,
        grid=tint_hex(background, text, 0.07),
        node_fill=node_fill,
        header_fill=tint_hex(node_fill, accent, 0.10 if not dark else 0.18),
        border=tint_hex(node_fill, text, 0.28),
        text=text,
        dim_text=tint_hex(text, node_fill, 0.45),
        accent=accent,
        keyword=accent if not dark else tint_hex(accent, "#ffffff", 0.35),
        selection=accent,
        image_fill=tint_hex(background, node_fill, 0.55),
        edge_from=tint_hex(text, background, 0.35),
        edge_copy="#2f80ed" if not dark else "#5aa2ff",
        edge_mount="#b5548b" if not dark else "#e07bb5",
        error="#e5484d",
        warning="#d99a00" if not dark else "#f5b83d",
        target="#e8590c" if not dark else "#ff8a3d",
    )


@dataclass(frozen=True)
class FontSizes:
    """The graph's four fonts, in points (the title and small fonts are bold)."""

    title: float
    body: float
    mono: float
    small: float


def font_sizes(app_points: float = DEFAULT_POINT_SIZE) -> FontSizes:
    """The graph's font sizes for an application font of ``app_points``."""
    body = max(8.0, app_points if app_points > 0 else 9.0)
    return FontSizes(title=body + 1, body=body, mono=max(8.5, body),  # read on a projector too (issue 14)
                     small=max(7.0, body - 1.5))
