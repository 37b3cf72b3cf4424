"""An edge's label stands clear of the boxes: the layout leaves room for the labels of
the edges into a column before it (box_geometry.label_room), in the window and in the
SVG alike (the picture is held to the window's geometry in test_svg_export.py). A label
that did not fit between two boxes was drawn under them, cut off at both ends."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_svg_export import LINES

from studio.core import parse
from studio.paths import examples
from studio.ui.graph.box_geometry import label_width
from studio.ui.graph.layout import LayoutOptions
from studio.ui.graph.picture import EdgeCurve, plan_picture

LONG = """FROM busybox AS build
RUN echo hi > /out
FROM busybox AS final
COPY --from=build /usr/local/lib/python3/site-packages /app/vendor/lib /opt/
COPY --from=build /a-rather-long-folder-name/that-goes-on /b
"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def labels_against_boxes(text: str) -> tuple[list, list]:
    """Each edge label's rectangle and each box's, (left, top, right, bottom)."""
    picture = plan_picture(parse(text).graph())
    labels = []
    for edge in picture.edges:
        curve = EdgeCurve(edge, label_width)
        if curve.label:
            x, y, w, h = curve.label
            labels.append((x, y, x + w, y + h))
    boxes = [(n.x, n.y, n.x + n.width, n.y + n.height) for n in (*picture.stages, *picture.images)]
    return labels, boxes


def assert_clear(text: str) -> int:
    labels, boxes = labels_against_boxes(text)
    for label in labels:
        hit = [box for box in boxes if _overlap(label, box)]
        assert not hit, (label, hit)
    return len(labels)


def test_a_long_label_between_close_boxes_is_whole():
    assert assert_clear(LONG) == 2


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name)
def test_no_example_draws_a_label_under_a_box(path):
    assert_clear(path.read_text())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=40))
def test_no_label_of_a_random_graph_is_under_a_box(lines):
    assert_clear("\n".join(lines) + "\n")


def test_columns_keep_their_usual_gap_where_labels_fit():
    """Room is only made where a label needs it: short labels keep layer_gap."""
    picture = plan_picture(parse("FROM busybox AS a\nRUN x\nFROM busybox AS b\nCOPY --from=a /out /o\n").graph())
    a, b = sorted(picture.stages, key=lambda s: s.x)
    assert b.x - (a.x + a.width) == LayoutOptions().layer_gap
    wide = plan_picture(parse(LONG).graph())
    a, b = sorted(wide.stages, key=lambda s: s.x)
    assert b.x - (a.x + a.width) > LayoutOptions().layer_gap
