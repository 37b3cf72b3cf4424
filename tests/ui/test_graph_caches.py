"""What the graph keeps between keystrokes: an edge its curve (so no repaint) while its
ends stay put, the scene the rectangle around its boxes; both are redone when a box
moves, comes, goes or changes size, or an edge's label changes."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF

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


def covers_every_box(view) -> bool:
    rect = view._scene.nodes_rect()
    return all(rect.contains(n.sceneBoundingRect()) for n in view._scene.all_nodes())


def test_the_boxes_rectangle_follows_moves_sizes_and_removals(view):
    doc = parse(TEXT + "".join(f"RUN echo {k}\n" for k in range(8)))
    show(view, doc)
    scene = view._scene
    first = scene.nodes_rect()
    assert covers_every_box(view)
    b = view.stage_nodes()[1]
    b.setPos(b.pos() + QPointF(500, 300))  # a move
    moved = scene.nodes_rect()
    assert moved.right() == pytest.approx(first.right() + 500) and covers_every_box(view)
    b.set_expanded(True)  # taller
    assert scene.nodes_rect().bottom() > moved.bottom() and covers_every_box(view)
    show(view, parse("FROM busybox AS a\nRUN echo a\n"))  # b goes
    assert scene.nodes_rect().right() < first.right() and covers_every_box(view)


def test_a_level_edge_is_drawn_where_a_small_area_is_repainted(view):
    show(view, parse(TEXT))
    edge = copy_edge(view)
    a, b = edge.source_item, edge.target_item
    b.setPos(a.pos().x() + 1500, a.pos().y() + a.rows.anchor_y(None) - b.rows.anchor_y(edge.line))
    start, end = edge.path().pointAtPercent(0), edge.path().pointAtPercent(1)
    assert start.y() == pytest.approx(end.y())  # level: every piece has no height
    middle = QPointF((start.x() + end.x()) / 2, start.y())
    exposed = QRectF(middle.x() - 20, middle.y() - 20, 40, 40)
    drawn = edge._visible_path(exposed)
    assert not drawn.isEmpty()
    span = drawn.boundingRect()
    assert span.left() <= middle.x() <= span.right() and span.width() < 1000  # that part only
    far = QRectF(middle.x() - 20, middle.y() + 200, 40, 40)  # nothing of it there
    assert edge._visible_path(far).isEmpty()


def test_an_edge_tooltip_is_written_when_the_pointer_asks(view):
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication, QGraphicsSceneHelpEvent, QToolTip

    doc = parse(TEXT)
    show(view, doc)
    edge = copy_edge(view)
    at = TEXT.index("RUN echo a")
    show(view, reparse(doc, TextEdit(at, at, "RUN echo 0\n" * 3)))
    assert edge._tip_stale  # not written by set_graph
    spot = edge.path().pointAtPercent(0.5)
    event = QGraphicsSceneHelpEvent(QEvent.Type.GraphicsSceneHelp)
    event.setScenePos(spot)
    event.setScreenPos(view.viewport().mapToGlobal(view.mapFromScene(spot)))
    QApplication.sendEvent(view.scene(), event)
    assert not edge._tip_stale
    assert "line 8" in QToolTip.text() and "→ /x" in QToolTip.text()
    QToolTip.hideText()


def test_an_edge_makes_its_curve_once_however_often_its_ends_move(qtbot, monkeypatch):
    """Placing a big graph moves each edge's ends several times (each box as it is placed,
    then the routes); the curve is made when first asked for, for the ends it then has."""
    from studio.ui.graph import edge_item
    from studio.ui.graph.png_export import build_scene

    made = []
    through = edge_item._Curve.through
    monkeypatch.setattr(edge_item._Curve, "through", classmethod(lambda cls, *a: made.append(a) or through(*a)))
    text = "".join(f"FROM busybox AS s{i}\nRUN echo {i}\n" + "".join(
        f"COPY --from=s{j} /o /o{j}\n" for j in range(max(0, i - 3), i)) for i in range(12))
    scene = build_scene(parse(text).graph())
    edges = list(scene.edge_map.values())
    assert len(edges) > 20 and any(e.has_route() for e in edges)
    assert made == []  # nothing drawn or measured yet
    for edge in edges:
        end = edge.path().pointAtPercent(1)
        assert end.y() == pytest.approx(edge.target_item.in_anchor(edge.line if edge.kind != "from" else None).y())
        assert edge.path().pointAtPercent(0) == edge.source_item.out_port()
        for x, y in edge.route():  # a routed curve passes through its waypoints
            assert any(abs(edge.path().elementAt(k).x - x) < 0.01 and abs(edge.path().elementAt(k).y - y) < 0.01
                       for k in range(edge.path().elementCount()))
    assert len(made) == len(edges)
