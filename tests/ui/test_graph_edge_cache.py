"""An edge keeps its cached curve (and so asks for no repaint) while its ends stay put;
it is redrawn when an end moves or its label changes."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF

from graph_samples import shown_view
from studio.core import parse
from studio.core.document import reparse
from studio.core.model import TextEdit

TEXT = """FROM busybox AS a
RUN echo a
FROM busybox AS b
RUN echo b
COPY --from=a /x /x
"""


@pytest.fixture
def view(qtbot):
    return shown_view(qtbot)


def show(view, doc) -> None:
    view.set_graph(doc.graph(), text=doc.text)


def copy_edge(view):
    return next(e for e in view.edge_items() if e.kind == "copy")


def test_a_new_line_above_both_ends_keeps_the_curve(view):
    doc = parse(TEXT)
    show(view, doc)
    edge = copy_edge(view)
    path, bounds = edge.path(), edge.boundingRect()
    at = TEXT.index("RUN echo a")
    show(view, reparse(doc, TextEdit(at, at, "RUN echo 0\n")))
    assert edge.line == 6  # the info follows the text...
    assert "line 6" in edge.toolTip()
    assert edge.path() is path and edge.boundingRect() == bounds  # ...the curve did not move


def test_moving_an_end_redraws_the_curve(view):
    doc = parse(TEXT)
    show(view, doc)
    edge = copy_edge(view)
    path = edge.path()
    target = edge.target_item
    target.setPos(target.pos() + QPointF(0, 40))
    assert edge.path() is not path
    assert edge.path().pointAtPercent(1).y() == pytest.approx(target.in_anchor(edge.line).y())


def test_a_new_label_redraws_the_curve(view):
    doc = parse(TEXT)
    show(view, doc)
    edge = copy_edge(view)
    assert edge.label == "x"
    at = TEXT.index("/x /x")
    show(view, reparse(doc, TextEdit(at, at + 2, "/longer-name")))
    assert edge.label == "longer-name"
    assert edge.boundingRect().contains(edge._label_rect)
    assert edge._label_rect.width() > 40
