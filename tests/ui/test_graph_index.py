"""The scene's BSP index stays true: after edits, moves, expands, collapses, build marks,
new labels and drags, a query finds every item where it is now.

A BSP index files each item under the area its bounds covered when it was indexed; an
item whose bounds change without ``prepareGeometryChange()`` first stays filed under
the old area (a repaint or a click there finds it, one where it is now does not, and a
removed item left behind crashes Qt). Queries are compared with a brute-force answer
from every item's bounds as they are now.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtWidgets import QGraphicsScene

from graph_samples import shown_view
from studio.core import parse
from studio.core.document import reparse
from studio.core.model import TextEdit
from studio.ui.graph.plus_item import PlusItem
from studio.ui.sync_rules import diagnostics_by_stage, merge_diagnostics

BOUNDS = Qt.ItemSelectionMode.IntersectsItemBoundingRect


def big_text(stages: int = 10) -> str:
    """Stages that copy from several earlier ones (long, routed edges), long stages
    (collapsed boxes), a mount and an image."""
    out = []
    for i in range(stages):
        out.append(f"FROM {'alpine:3.20' if i == 0 else f's{i - 1}'} AS s{i}")
        out += [f"RUN echo {i} {k}" for k in range(3 + i % 5)]
        out += [f"COPY --from=s{j} /out/{j} /deps/{j}" for j in range(max(0, i - 4), i - 1)]
        if i % 3 == 2:
            out.append(f"RUN --mount=type=bind,from=s{i - 2},target=/m ls /m")
    return "\n".join(out) + "\n"


def show(view, doc) -> None:
    graph = doc.graph()
    diagnostics = merge_diagnostics(doc.diagnostics, graph.diagnostics)
    view.set_graph(graph, diagnostics_by_stage(graph, diagnostics), text=doc.text)


def edit(doc, anchor: str, new_text: str, length: int = 0):
    at = doc.text.index(anchor)
    return reparse(doc, TextEdit(at, at + length, new_text))


def assert_index_true(scene: QGraphicsScene) -> None:
    """Every visible item is found at its bounds, and queries over a grid of areas
    find exactly the items whose bounds are there now."""
    items = [i for i in scene.items() if i.isVisible()]
    assert items
    area = QRectF()
    for item in items:
        bounds = item.sceneBoundingRect()
        area = area.united(bounds)
        assert item in scene.items(bounds, BOUNDS), (type(item).__name__, getattr(item, "key", ""), bounds)
    step_x, step_y = area.width() / 9, area.height() / 7
    for gx in range(9):
        for gy in range(7):
            probe = QRectF(area.left() + gx * step_x, area.top() + gy * step_y, step_x / 3, step_y / 3)
            expected = {id(i) for i in items if i.sceneBoundingRect().intersects(probe)}
            found = {id(i) for i in scene.items(probe, BOUNDS) if i.isVisible()}
            assert found == expected, probe


@pytest.fixture
def view(qtbot):
    view = shown_view(qtbot)
    assert view.scene().itemIndexMethod() == QGraphicsScene.ItemIndexMethod.BspTreeIndex
    return view


def test_edits_keep_the_index_true(view):
    doc = parse(big_text())
    show(view, doc)
    scene = view.scene()
    assert_index_true(scene)
    steps = [
        ("RUN echo 3 0", "RUN echo new row\n"),  # a box grows a row
        ("RUN echo 1 0", "RUN echo a\nRUN echo b\nRUN echo c\nRUN echo d\n"),  # it turns collapsed
        ("/out/2 /deps/2", "/a-much-longer-source-path /d"),  # a wider label
        ("FROM s4 AS s5", "FROM alpine:3.20 AS extra\nCOPY --from=s1 /x /y\n"),  # a new box and edge
        ("COPY --from=s0 /out/0", "COPY --from=s7 /out/0"),  # an edge now runs backwards: a box moves
        ("\n", "\n\n\n"),  # every line below moves
    ]
    for anchor, text in steps:
        doc = edit(doc, anchor, text, len(anchor) if anchor.startswith("/") or anchor.startswith("COPY") else 0)
        show(view, doc)
        assert_index_true(scene)
    gone = doc.text.index("FROM alpine:3.20 AS extra")  # a box and its edges go
    doc = reparse(doc, TextEdit(gone, doc.text.index("FROM s4 AS s5"), ""))
    show(view, doc)
    assert_index_true(scene)


def test_moves_expands_marks_and_drags_keep_the_index_true(view):
    show(view, parse(big_text()))
    scene = view.scene()
    nodes = view.stage_nodes()
    for k, node in enumerate(list(nodes.values())[::3]):  # moves: every edge of the box follows
        node.setPos(node.pos() + QPointF(150 * (k + 1), -90 * k))
    assert_index_true(scene)
    for node in nodes.values():  # taller and shorter boxes
        if node.collapsible:
            view.toggle_expanded(node)
    assert_index_true(scene)
    for node in list(nodes.values())[1::2]:
        view.toggle_expanded(node) if node.expanded else None
        node.set_build(state="failed", progress=(1, 3), elapsed=2.5, error="exit code 1")  # footer, error row
    assert_index_true(scene)
    for edge in view.edge_items():  # build notes widen the labels
        if edge.kind == "copy":
            edge.set_note("2 files, 307 kB")
    for node in nodes.values():
        node.set_build()
    assert_index_true(scene)
    scene.set_row_limit(3)
    assert_index_true(scene)
    scene.set_row_limit(8)
    view.relayout()  # every box, and the edges' routes
    assert_index_true(scene)
    dragged = list(nodes.values())[4]
    scene.set_dragging(True, [dragged])
    dragged.setPos(dragged.pos() + QPointF(-300, 400))
    scene.set_dragging(False)
    assert_index_true(scene)


def test_the_plus_button_keeps_the_index_true(view):
    show(view, parse(big_text(4)))
    scene = view.scene()
    plus = PlusItem(scene.theme, "test")
    scene.addItem(plus)
    node = view.stage_nodes()[1]
    spot = node.mapToScene(QPointF(10, 60))
    plus.show_at(spot, node.key, 1)
    assert_index_true(scene)
    plus.show_at(spot, node.key, 1, line_width=400.0)  # the same place, wider: only its bounds change
    assert_index_true(scene)
    plus.show_at(node.mapToScene(QPointF(10, 500)), node.key, 2)
    assert_index_true(scene)
    plus.hide()
    assert_index_true(scene)
