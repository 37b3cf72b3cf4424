"""The Qt-free theme values and text measures the SVG export draws with: the window's
theme is made from them (so both agree), and the monospace eliding is what Qt does for
a font 0.6 em a character wide."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPalette
from PySide6.QtCore import Qt

from studio.ui.graph.box_geometry import MONO_ADVANCE, columns, elide
from studio.ui.graph.curve_geometry import controls, curve_box
from studio.ui.graph.theme import make_theme
from studio.ui.graph.theme_values import DEFAULT_PALETTE, lightness, saturation, theme_colors


def _palette(window: str, base: str, text: str, highlight: str) -> QPalette:
    palette = QPalette()
    for role, color in ((QPalette.ColorRole.Window, window), (QPalette.ColorRole.Base, base),
                        (QPalette.ColorRole.WindowText, text), (QPalette.ColorRole.Highlight, highlight)):
        palette.setColor(role, QColor(color))
    return palette


colors = st.integers(0, 0xFFFFFF).map(lambda v: f"#{v:06x}")


@given(colors, colors, colors, colors)
def test_the_window_theme_is_made_of_the_same_values(qapp, window, base, text, highlight):
    theme = make_theme(_palette(window, base, text, highlight))
    values = theme_colors(window, base, text, highlight)
    assert theme.colors == values
    for name, value in values.__dict__.items():
        if name != "dark":
            assert getattr(theme, name).name() == value, name
    assert theme.dark == values.dark


@given(colors)
def test_lightness_and_saturation_are_qts(qapp, color):
    q = QColor(color)
    assert abs(lightness(color) - q.lightnessF()) < 0.003
    assert abs(saturation(color) - q.saturationF()) < 0.003


def test_the_default_palette_is_what_a_headless_application_has(qapp):
    """The SVG export (no Qt) uses the colours the Qt-drawn export got when headless."""
    from PySide6.QtGui import QGuiApplication

    palette = QGuiApplication.palette()
    roles = (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.WindowText,
             QPalette.ColorRole.Highlight)
    assert tuple(palette.color(r).name() for r in roles) == DEFAULT_PALETTE


@given(st.text(st.sampled_from("abc -/_.:xyz0189"), max_size=60), st.integers(1, 60))
def test_monospace_eliding_is_qts(qapp, text, cells):
    """Against Qt's own eliding in a monospace font (its advance here is 0.6 em, to 0.01)."""
    font = QFont("DejaVu Sans Mono")
    font.setPixelSize(12)
    metrics = QFontMetricsF(font)
    advance = metrics.horizontalAdvance("x")
    room = cells * advance + advance / 2
    assert elide(text, room, advance=advance) == metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
    cut = elide(text, room, middle=True, advance=advance)
    assert columns(cut) * advance <= room and (cut == text or "…" in cut)


def test_wide_characters_take_two_cells():
    assert columns("ab") == 2 and columns("日本") == 4 and columns("e\u0301") == 1
    assert elide("日本語のテキスト", 7 * MONO_ADVANCE) == "日本語…"
    assert columns(elide("日本語のテキスト", 7 * MONO_ADVANCE, middle=True)) <= 7


points = st.lists(st.tuples(st.floats(-2000, 2000), st.floats(-2000, 2000)), min_size=2, max_size=12)


@given(points)
def test_the_curve_box_holds_every_control_point(pts):
    pieces = controls(pts)
    xs = [pts[0][0]] + [x for p in pieces for x in (p[2], p[3], p[4])]
    ys = [y for _, y in pts]
    assert curve_box(pts) == (min(xs), min(ys), max(xs), max(ys))
