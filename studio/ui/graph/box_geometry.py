"""Where things are on a stage box and an image pill, as plain numbers: which rows a box
shows, its height, where each edge enters it, the room its title has, an image pill's
width, and the ports. Box coordinates: (0, 0) is the box's top left.

Why no Qt here: the window's items (stage_node.py, row_layout.py, image_node.py,
edge_item.py, scene.py) and the Qt-free SVG export (picture.py) both read these, so a
picture shows every box and edge exactly where the window puts them.

Text measured without a font: the picture's text is drawn by the viewer's fonts, so it
is measured by character count. Every common monospace font advances 0.6 em per
character (DejaVu Sans Mono, Liberation Mono, Noto Sans Mono, Menlo, Consolas, Courier),
so a monospace text's width is known exactly; the window's font is 9 pt (12 px), 7.2 px a
character, as Qt measures it (7.19). An image pill's width is worked out this way in the
window too (it feeds the layout).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Hashable, Iterable, Sequence

from studio.ui.graph.theme_values import (
    BASE_H, DEFAULT_POINT_SIZE, FOOTER_H, HEADER_H, IMAGE_H, IMAGE_MAX_W, IMAGE_MIN_W, NODE_WIDTH, PAD, PORT_R,
    PX_PER_PT, ROW_H, font_sizes,
)

MONO_EM = 0.6  # a monospace character's advance, in em
MONO_PX = font_sizes(DEFAULT_POINT_SIZE).mono * PX_PER_PT  # 12 px
MONO_ADVANCE = MONO_PX * MONO_EM  # 7.2 px
ROW_WIDTH = NODE_WIDTH - 2 * PAD - 4  # room for a row's text
ELLIPSIS = "…"


# ----- rows ----------------------------------------------------------------------------
def shown_rows(count: int, limit: int, expanded: bool) -> tuple[int, int]:
    """How many of ``count`` instruction rows a box shows, and how many a "more" row
    stands for (0: no "more" row). A collapsed box longer than ``limit`` shows
    ``limit - 1`` rows and the "more" row."""
    if count > limit and not expanded:
        shown = max(0, limit - 1)
        return shown, count - shown
    return count, 0


def more_text(hidden: int) -> str:
    """What the "more" row says."""
    return f"{hidden} more…"


def row_top(k: int) -> float:
    """Top of the ``k``-th drawn row (the "more" row counts as one)."""
    return HEADER_H + BASE_H + k * ROW_H


def entry_anchors(lines: Sequence[int], shown: int, hidden: int) -> dict[int, float]:
    """Where an edge made by each line enters the box (y): its row if shown, else the
    "more" row that hides it. A line not in here (a FROM edge) enters at the header."""
    anchors: dict[int, float] = {}
    if hidden:
        anchors = dict.fromkeys(lines, row_top(shown) + ROW_H / 2)
    for k in range(shown):
        anchors[lines[k]] = row_top(k) + ROW_H / 2
    return anchors


HEADER_ANCHOR = HEADER_H / 2  # where FROM edges enter and every edge leaves a box


def entry_offset(kind: str, anchors: dict[int, float], line: int) -> float:
    """How far below the header's port an edge enters (what the layout is told)."""
    if kind == "from":
        return 0.0
    return anchors.get(line, HEADER_ANCHOR) - HEADER_ANCHOR


LABEL_MARGIN = 12.0  # between an edge's label and the boxes either side of it


def entry_gap(kind: str) -> float:
    """How far left of the consumer's edge a curve ends: a FROM edge at its port's rim."""
    return PORT_R + 1 if kind == "from" else 1.0


def stage_height(rows_drawn: int, error: bool = False, footer: bool = False) -> float:
    """A box's height for ``rows_drawn`` rows (the "more" row included), an error row
    and a build footer."""
    height = HEADER_H + BASE_H + rows_drawn * ROW_H + PAD / 2
    if not rows_drawn:
        height += 2
    if error:
        height += ROW_H
    if footer:
        height += FOOTER_H
    return height


def build_room(has_footer: bool, has_error: bool) -> float:
    """How much taller a box can get once a build reports on it (the layout keeps that
    room, so a build never makes neighbours overlap)."""
    return (0.0 if has_footer else FOOTER_H) + (0.0 if has_error else ROW_H)


def title_room(badge: bool, collapsible: bool, skipped: bool) -> float:
    """The width the title has beside the header's badge, chevron and "skipped" pill."""
    room = NODE_WIDTH - 2 * PAD - 8
    if badge:
        room -= 34
    if collapsible:
        room -= 20
    if skipped:
        room -= 60
    return room


# ----- image pills ---------------------------------------------------------------------
def image_width(ref: str) -> float:
    """An image pill's width: its reference in the monospace font, glyph and port beside."""
    return max(IMAGE_MIN_W, min(IMAGE_MAX_W, columns(ref) * MONO_ADVANCE + 44))


def port_y(is_stage: bool) -> float:
    """Where edges leave a box (y): the middle of a stage's header, or of a pill."""
    return HEADER_ANCHOR if is_stage else IMAGE_H / 2


# ----- monospace text ----------------------------------------------------------------
def columns(text: str) -> int:
    """How many monospace cells ``text`` takes: wide (East Asian) characters take two,
    combining marks none."""
    if text.isascii():
        return len(text)
    return sum(_cells(ch) for ch in text)


def _cells(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def elide(text: str, room: float, middle: bool = False, advance: float = MONO_ADVANCE) -> str:
    """``text`` cut to fit ``room`` pixels of monospace characters ``advance`` wide, an
    ellipsis where it was cut (at its end, or in its ``middle``), as Qt elides."""
    fits = int(room / advance + 1e-9)  # (7 * 7.2 / 7.2 is a hair under 7 in floats)
    if columns(text) <= fits:
        return text
    if fits <= 1:
        return ELLIPSIS if fits == 1 else ""
    if not text.isascii():
        return _elide_wide(text, fits - 1, middle)
    if middle:
        left = (fits - 1 + 1) // 2
        right = fits - 1 - left
        return text[:left] + ELLIPSIS + (text[-right:] if right else "")
    return text[:fits - 1] + ELLIPSIS


def _elide_wide(text: str, cells: int, middle: bool) -> str:
    def prefix(s: str, room: int) -> str:
        used = 0
        for i, ch in enumerate(s):
            used += _cells(ch)
            if used > room:
                return s[:i]
        return s

    if not middle:
        return prefix(text, cells) + ELLIPSIS
    left = prefix(text, (cells + 1) // 2)
    right = prefix(text[::-1], cells - columns(left))[::-1]
    return left + ELLIPSIS + right


# ----- proportional text (estimated) ----------------------------------------------------
# The title and the small labels are bold sans text, whose width depends on the viewer's
# font: a bold sans face averages 0.55-0.67 em a character over names and paths (DejaVu
# Sans Bold, as Qt measures it here), so a picture elides titles at 0.66 em and clips them
# to their room (an unusually wide name is cut, never drawn over the badges).
SANS_BOLD_EM = 0.66
SMALL_PX = font_sizes(DEFAULT_POINT_SIZE).small * PX_PER_PT
TITLE_PX = font_sizes(DEFAULT_POINT_SIZE).title * PX_PER_PT


def label_width(label: str) -> float:
    """An edge label's box width: its text in the small bold font, padding beside."""
    return columns(label) * SMALL_PX * SANS_BOLD_EM + 12


def label_room(kind: str, label: str) -> float:
    """How much space an edge with ``label`` wants between its consumer's column and the
    column before (the layout's gap there): its label sits on the middle of its last
    piece, which ends ``entry_gap`` short of the consumer, and stands clear of the boxes
    either side by a margin."""
    return label_width(label) + entry_gap(kind) + 2 * LABEL_MARGIN if label else 0.0


def labels_room(edges: Iterable[tuple[Hashable, str, str]]) -> dict[Hashable, float]:
    """Per consumer, the room its edges' labels want before its column (``label_room``);
    ``edges``: (consumer, kind, label) each, a consumer with no labelled edge left out."""
    room: dict[Hashable, float] = {}
    for target, kind, label in edges:
        if label:
            room[target] = max(room.get(target, 0.0), label_room(kind, label))
    return room
