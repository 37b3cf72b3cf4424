"""The stage graph as SVG text, written in one pass from a Picture (picture.py), without Qt.

It draws what the window's items paint (stage_paint.py, image_node.py, edge_item.py) for
a freshly opened graph: cards with their header, title, badges, base line and rows, image
pills, and the edges' curves, arrow heads and labels, in the theme's colours and in the
window's stacking order (FROM edges, then copy and mount edges, then the boxes).

Text is drawn by the viewer's fonts, so it is elided by character count (box_geometry.py
says why that is exact for the monospace rows and estimated for the bold titles, which are
also clipped to their room). Every text from the Dockerfile is escaped for XML, and
characters XML cannot hold (control characters) become U+FFFD.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain, islice
from operator import eq

from studio.ui.graph.box_geometry import (
    MONO_ADVANCE, MONO_PX, ROW_WIDTH, SANS_BOLD_EM, SMALL_PX, TITLE_PX, columns, elide, label_width, more_text, row_top,
    title_room,
)
from studio.ui.graph.curve_geometry import Columns, Route, arrow_points, pull, reach
from studio.ui.graph.picture import EdgeCurve, EdgeLine, ImageBox, Picture, Point, StageBox
from studio.ui.graph.theme_values import (
    BASE_H, HEADER_H, IMAGE_H, MARGIN, NODE_WIDTH, PAD, PORT_R, RADIUS, ROW_H, Colors, tint_hex,
)

SANS = "'DejaVu Sans','Noto Sans','Liberation Sans',Arial,sans-serif"
MONO = "'DejaVu Sans Mono','Noto Sans Mono','Liberation Mono',Menlo,Consolas,monospace"
SMALL = f'font-family="{SANS}" font-size="{SMALL_PX:.4g}" font-weight="bold" text-anchor="middle"'  # (centred)
# a line of text is centred on y when its baseline is this many em below (Qt's AlignVCenter
# with DejaVu Sans and Noto Sans Mono, as laid out here)
BASELINE, MONO_BASELINE = 0.35, 0.38
WIDTHS = {"from": 2.6, "copy": 1.7, "mount": 1.7}
TEXT_X = PAD + 4
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def esc(text: str) -> str:
    """``text`` safe inside an XML element or a double-quoted attribute, in ASCII (other
    characters as character references): the whole document stays ASCII, which Python
    joins and encodes several times faster than a text with one "…" in it (5 MB for the
    800-stage file: 20 ms to encode that way, 3 ms as ASCII)."""
    if text.isascii() and text.isprintable():
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    text = _BAD_XML.sub("\ufffd", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _n(x: float) -> str:
    """A coordinate, short: at most two decimals, no trailing zeros."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def svg_text(picture: Picture, colors: Colors) -> str:
    """The whole SVG document for ``picture`` in ``colors``."""
    return "".join(svg_parts(picture, colors))


def svg_parts(picture: Picture, colors: Colors) -> Iterator[str]:
    """The SVG document for ``picture`` in pieces (an edge, a box), to be written as they
    come: the 800-stage file's 5 MB never sit in memory whole, twice (as text and as
    bytes), and every new page of memory costs time (35 ms for 30 MB on this machine)."""
    curves = [EdgeCurve(edge, label_width) for edge in picture.edges]
    bounds = picture.bounds(curves) or (0.0, 0.0, 200.0, 100.0)
    left, top = bounds[0] - MARGIN, bounds[1] - MARGIN
    width, height = bounds[2] - bounds[0] + 2 * MARGIN, bounds[3] - bounds[1] + 2 * MARGIN
    box = f"{_n(left)} {_n(top)} {_n(width)} {_n(height)}"
    yield ('<?xml version="1.0" encoding="UTF-8"?>\n'
           f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_n(width)}" height="{_n(height)}" '
           f'viewBox="{box}" font-family="{MONO}" font-size="{_n(MONO_PX)}" xml:space="preserve">\n'
           "<title>Stage graph</title>\n<desc>Drawn by Stage Studio</desc>\n")
    yield _clip_paths(picture)
    yield f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(width)}" height="{_n(height)}" fill="{colors.background}"/>\n'
    drawn = list(zip(picture.edges, curves))
    tenths = Tenths()
    for edge, curve in [d for d in drawn if d[0].kind == "from"] + [d for d in drawn if d[0].kind != "from"]:
        yield _edge(edge, curve, colors, tenths)
    parts = _Parts(colors)
    for stage in picture.stages:
        yield _stage(stage, parts)
    for image in picture.images:
        yield _image(image, colors)
    yield "</svg>\n"


# ----- edges -----------------------------------------------------------------------------
class Tenths(dict):
    """Numbers' texts to a tenth of a pixel, each worked out once per picture (a big
    graph's routes cross the same few hundred columns: their xs repeat; -0.0 is 0.0)."""

    def __missing__(self, x: float) -> str:
        text = "%.1f" % x  # noqa: UP031 - the fastest way to write a number
        if text == "-0.0":  # (0.0 and -0.0 are one key)
            text = "0.0"
        self[x] = text
        return text


def path_data(points: list[Point], tenths: Tenths) -> str:
    """The curve through ``points``: curve_geometry.controls' pieces (EdgeItem's), a
    level piece whose controls run forwards written as its chord, a line."""
    short, far = reach(len(points))
    ax, ay = points[0]
    ays = tenths[ay]
    out = [f"M{tenths[ax]},{ays}"]
    for bx, by in islice(points, 1, None):
        text, ays = _piece(ax, ay, ays, bx, by, short, far, tenths)
        out.append(text)
        ax, ay = bx, by
    return "".join(out)


def _piece(ax: float, ay: float, ays: str, bx: float, by: float, short: float, far: float,
           tenths: Tenths) -> tuple[str, str]:
    """One piece's text from (ax, ay) to (bx, by), and the text of the y it ends at
    (``ays``: the text of ay, as written before)."""
    c0x, c1x = _control_xs(ax, bx, short, far)
    if ay == by and c0x <= c1x:
        return "H" + tenths[bx], ays
    bys = _y_text(by)
    return f"C{tenths[c0x]},{ays} {tenths[c1x]},{bys} {tenths[bx]},{bys}", bys


def _control_xs(ax: float, bx: float, short: float, far: float) -> tuple[float, float]:
    """A piece's two control xs (curve_geometry.controls')."""
    run = bx - ax
    dx = run * 0.5 if run > far else pull(ax, bx, short)
    return ax + dx, bx - dx


def _y_text(y: float) -> str:
    """A y to a tenth, as Tenths writes it (a y seldom repeats: not kept)."""
    text = "%.1f" % y  # noqa: UP031 - the fastest way to write a number
    return "0.0" if text == "-0.0" else text


class _ColumnTexts:
    """A layout's columns as a route's pieces cross them, all but the ys: per column the
    piece straight through it ("H" and its right x; None where it is a curve), and per
    column after the first the curve into it from the column before followed by the line
    through it, with the texts of its three ys left out (%s)."""

    def __init__(self, columns: Columns, tenths: Tenths) -> None:
        short, far = reach(4)  # (a route has two points or more: its curve four or more)
        lefts, rights = columns.lefts, columns.rights
        self.through = []
        for lft, r in zip(lefts, rights):
            c0x, c1x = _control_xs(lft, r, short, far)
            self.through.append(("H" + tenths[r]) if c0x <= c1x else None)
        self.step = []
        for r, lft, through in zip(rights, islice(lefts, 1, None), islice(self.through, 1, None)):
            c0x, c1x = _control_xs(r, lft, short, far)
            self.step.append(f"C{tenths[c0x]},%s {tenths[c1x]},%s {tenths[lft]},%s{through}")


def route_path_data(start: Point, route: Route, end: Point, tenths: Tenths) -> str:
    """path_data of ``[start, *route, end]``, its pieces inside the route's columns put
    together from texts worked out once per column (_ColumnTexts) and each y's text, in
    a few calls: a big graph's routes cross columns 50,000 times."""
    cache = route.columns.texts
    if cache is None or cache[0] is not tenths:
        cache = route.columns.texts = (tenths, _ColumnTexts(route.columns, tenths))
    texts = cache[1]
    a, ys = route.first, route.ys
    b = a + len(ys)
    if (None in texts.through[a:b] or len(route) != 2 * len(ys)
            or any(map(eq, ys, islice(ys, 1, None)))):  # (a level step between columns: rare)
        return path_data([start, *route, end], tenths)
    short, far = reach(len(route) + 2)
    ax, ay = start
    ays = tenths[ay]
    ty = list(map("%.1f".__mod__, ys))  # (each y once: formatting a float is most of the time here)
    if "-0.0" in ty:
        ty = list(map(_y_text, ys))
    inside = "".join(texts.step[a:b - 1]) % tuple(chain.from_iterable(zip(ty, islice(ty, 1, None), islice(ty, 1, None))))
    return "".join((f"M{tenths[ax]},{ays}", _piece(ax, ay, ays, *route[0], short, far, tenths)[0], texts.through[a],
                    inside, _piece(*route[-1], ty[-1], *end, short, far, tenths)[0]))


def _edge(edge: EdgeLine, curve: EdgeCurve, colors: Colors, tenths: Tenths) -> str:
    color = {"from": colors.edge_from, "copy": colors.edge_copy, "mount": colors.edge_mount}[edge.kind]
    width = WIDTHS[edge.kind]
    dash = f' stroke-dasharray="{_n(4 * width)},{_n(2 * width)}"' if edge.kind == "mount" else ""
    (x1, y1), (ax, ay), (bx, by) = arrow_points(curve.end)
    route = curve.route
    path = (route_path_data(curve.start, route, curve.end, tenths) if isinstance(route, Route)
            else path_data(curve.points, tenths))
    out = ['<g opacity="0.35">' if edge.dimmed else "",
           f'<path class="edge" d="{path}" fill="none" stroke="{color}" stroke-width="{width}" '
           f'stroke-linecap="round"{dash}/>',
           f'<path d="M{x1:.2f},{y1:.2f}L{ax:.2f},{ay:.2f}L{bx:.2f},{by:.2f}Z" fill="{color}"/>']
    if curve.label:
        x, y, w, h = curve.label
        out.append(f'<rect x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}" rx="8" fill="{colors.background}" '
                   f'stroke="{color}"/><text x="{x + w / 2:.2f}" y="{y + h / 2 + BASELINE * SMALL_PX:.2f}" '
                   f'fill="{color}" {SMALL}>{esc(edge.label)}</text>')
    out.append("</g>\n" if edge.dimmed else "\n")
    return "".join(out)




# ----- stage boxes ------------------------------------------------------------------------
def _clip_paths(picture: Picture) -> str:
    """One clip rectangle per title room in use (the title's estimated width may be off)."""
    rooms = sorted({_room(s) for s in picture.stages})
    if not rooms:
        return ""
    rects = "".join(f'<clipPath id="title{int(r)}"><rect x="{TEXT_X}" y="0" width="{_n(r)}" height="{HEADER_H}"/>'
                    "</clipPath>" for r in rooms)
    return f"<defs>{rects}</defs>\n"


def _room(stage: StageBox) -> float:
    return title_room(bool(stage.badge), stage.collapsible, stage.skipped)


def _mid(y: float, px: float = 0.0) -> str:
    """The baseline that centres a line of ``px`` sans text (default: the monospace
    rows) on ``y``."""
    return _n(y + (BASELINE * px if px else MONO_BASELINE * MONO_PX))


class _Parts:
    """What every box draws alike, written once per picture (800 boxes repeat it)."""

    def __init__(self, c: Colors) -> None:
        w, r, hh = f"{NODE_WIDTH:g}", f"{RADIUS:g}", f"{HEADER_H:g}"
        corner = RADIUS - (RADIUS ** 2 - (RADIUS - 4) ** 2) ** 0.5  # where the 4-px stripe meets the corner
        header = f'<path d="M0,{hh}V{r}A{r},{r} 0 0 1 {r},0H{NODE_WIDTH - RADIUS:g}A{r},{r} 0 0 1 {w},{r}V{hh}Z"'
        stripe = f'<path d="M0,{hh}V{r}A{r},{r} 0 0 1 4,{corner:.3f}V{hh}Z" fill='
        # the shadow, the card, the header and its stripe (height %(h)s)
        self.card = (f'<rect y="2" width="{w}" height="%(h)s" rx="{r}" fill="#000000" '
                     f'fill-opacity="{0.235 if c.dark else 0.11}"/><rect width="{w}" height="%(h)s" rx="{r}" '
                     f'fill="{c.node_fill}"/>{header} fill="{c.header_fill}"/>{stripe}"%(stripe)s"/>')
        self.base = (f'<path d="M0,{hh}H{w}" stroke="{c.border}"/><text x="{TEXT_X:g}" '
                     f'y="{_mid(HEADER_H + BASE_H / 2)}" fill="{c.dim_text}">FROM</text><text x="{TEXT_X + 38:g}" '
                     f'y="{_mid(HEADER_H + BASE_H / 2)}" fill="{c.text}">')
        ports = "".join(f'<circle cx="{x:g}" cy="{HEADER_H / 2:g}" r="{PORT_R:g}" fill="{c.node_fill}" '
                        f'stroke="{c.edge_from}" stroke-width="1.5"/>' for x in (0, NODE_WIDTH))
        self.end = f'<rect width="{w}" height="%s" rx="{r}" fill="none" stroke="{c.border}"/>{ports}</g>\n'
        self.title = (f'<text x="{TEXT_X:g}" y="{_mid(HEADER_H / 2, TITLE_PX)}" fill="{c.text}" font-family="{SANS}" '
                      f'font-size="{_n(TITLE_PX)}" font-weight="bold" clip-path="url(#title%d)">%s</text>')
        self.row = f'<text x="{TEXT_X:g}" y="%s" fill="{c.text}"><tspan fill="%s">%s</tspan> %s</text>'
        self.more = f'<text x="{TEXT_X:g}" y="%s" fill="{c.dim_text}">%s</text>'
        self.broken = (f'<rect x="2" y="%s" width="{NODE_WIDTH - 4:g}" height="{ROW_H:g}" '
                       f'fill="{tint_hex(c.node_fill, c.error, 0.22)}"/>')
        self.colors = c
        self.marks: dict[tuple, str] = {}  # a header's marks by what they show (_header_marks)
        self.row_ys: list[str] = []  # each row's baseline and top, by row (the same in every box)
        self.row_tops: list[str] = []
        self.keywords: dict[str, tuple[str, float]] = {}

    def keyword(self, keyword: str) -> tuple[str, float]:
        """A row's keyword as written, and the room its text has beside it (a few kinds
        of keyword, thousands of rows)."""
        known = self.keywords.get(keyword)
        if known is None:
            room = max(10.0, ROW_WIDTH - (columns(keyword) + 1) * MONO_ADVANCE)
            known = self.keywords[keyword] = (esc(keyword), room)
        return known

    def row_at(self, k: int) -> tuple[str, str]:
        """The ``k``-th row's baseline and top, as written."""
        while len(self.row_ys) <= k:
            top = row_top(len(self.row_ys))
            self.row_ys.append(_mid(top + ROW_H / 2))
            self.row_tops.append(_n(top))
        return self.row_ys[k], self.row_tops[k]


def _stage(stage: StageBox, parts: _Parts) -> str:
    c = parts.colors
    h = _n(stage.height)
    out = [f'<g class="stage" transform="translate({_n(stage.x)},{_n(stage.y)})"'
           + (' opacity="0.45">' if stage.skipped else ">"),
           f"<title>{esc(stage.title)}</title>",  # (the whole name, however the title is cut)
           parts.card % {"h": h, "stripe": c.target if stage.target else c.accent},
           _title(stage, parts), _header_marks(stage, parts),
           parts.base, esc(elide(stage.base, ROW_WIDTH - 40, middle=True)), "</text>"]
    out += _rows(stage, parts)
    out.append(parts.end % h)
    return "".join(out)


def _title(stage: StageBox, parts: _Parts) -> str:
    room = _room(stage)
    advance = TITLE_PX * SANS_BOLD_EM
    text = stage.title
    if stage.title.startswith("#") and columns(f"{text} (unnamed)") * advance <= room:
        text = f"{text} (unnamed)"  # an unnamed stage says so where there is room
    else:
        text = elide(text, room, advance=advance)
    return parts.title % (int(room), esc(text))


def _pill(x: float, y: float, w: float, h: float, fill: str, text: str, fg: str) -> str:
    return (f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="{_n(h / 2)}" fill="{fill}"/>'
            f'<text x="{_n(x + w / 2)}" y="{_mid(y + h / 2, SMALL_PX)}" fill="{fg}" {SMALL}>{esc(text)}</text>')


def _header_marks(stage: StageBox, parts: _Parts) -> str:
    """The chevron, the diagnostics badge, the "skipped" pill and the TARGET flag (written
    once per picture for each set of them)."""
    shows = (stage.collapsible, stage.expanded, stage.badge, stage.severity, stage.skipped, stage.target)
    marks = parts.marks.get(shows)
    if marks is None:
        marks = parts.marks[shows] = _marks(stage, parts.colors)
    return marks


def _marks(stage: StageBox, c: Colors) -> str:
    out = []
    right = NODE_WIDTH - PAD
    if stage.collapsible:
        cx, cy, d = right - 7, HEADER_H / 2, 3.5
        sign = -1 if stage.expanded else 1
        out.append(f'<path d="M{_n(cx - d)},{_n(cy - sign * d / 2)}L{_n(cx)},{_n(cy + sign * d / 2)}'
                   f'L{_n(cx + d)},{_n(cy - sign * d / 2)}" fill="none" stroke="{c.dim_text}" stroke-width="1.6" '
                   'stroke-linecap="round"/>')
        right -= 20
    if stage.badge:
        color = c.error if stage.severity == "error" else c.warning
        out.append(_pill(right - 30, HEADER_H / 2 - 8, 30, 16, color, f"! {stage.badge}", "#ffffff"))
        right -= 34
    if stage.skipped:
        out.append(_pill(right - 56, HEADER_H / 2 - 8, 56, 16, c.dim_text, "skipped", c.node_fill))
    if stage.target:
        out.append(_pill(NODE_WIDTH - PAD - 76, -17, 76, 15, c.target, "◎ TARGET", "#ffffff"))
    return "".join(out)


def _rows(stage: StageBox, parts: _Parts) -> list[str]:
    out = []
    c = parts.colors
    keyword_color = c.dim_text if stage.skipped else c.keyword
    broken = stage.error_lines
    for k, text in enumerate(stage.texts):
        y, top = parts.row_at(k)
        if broken and stage.lines[k] in broken:
            out.append(parts.broken % top)
        keyword, _, rest = text.partition(" ")
        written, room = parts.keyword(keyword)
        out.append(parts.row % (y, keyword_color, written, esc(elide(rest, room))))
    if stage.hidden:
        y, top = parts.row_at(stage.shown)
        if broken and broken & set(stage.lines[stage.shown:]):  # the "more" row hides a broken one
            out.append(parts.broken % top)
        out.append(parts.more % (y, esc(more_text(stage.hidden))))
    return out


# ----- image pills ------------------------------------------------------------------------
def _image(image: ImageBox, c: Colors) -> str:
    w, r = image.width, IMAGE_H / 2
    if image.warning:
        outline = f'stroke="{c.warning}" stroke-width="2"'
    else:
        outline = f'stroke="{c.border}" stroke-dasharray="4,2"'
    out = [f'<g class="image" transform="translate({_n(image.x)},{_n(image.y)})"'
           + (' opacity="0.45">' if image.dimmed else ">"),
           f'<rect width="{_n(w)}" height="{IMAGE_H:g}" rx="{r:g}" fill="{c.image_fill}" {outline}/>']
    out += [f'<rect x="12" y="{10 + k * 5}" width="12" height="3" rx="1.5" fill="{c.dim_text}"/>' for k in range(3)]
    out.append(f'<text x="32" y="{_mid(r)}" fill="{c.text}">{esc(elide(image.ref, w - 40, middle=True))}</text>')
    out.append(f'<circle cx="{_n(w)}" cy="{r:g}" r="{PORT_R - 1:g}" fill="{c.image_fill}" stroke="{c.edge_from}" '
               'stroke-width="1.5"/></g>\n')
    return "".join(out)
