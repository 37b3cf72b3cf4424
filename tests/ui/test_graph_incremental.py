"""A graph updated in place after each edit shows exactly what a graph built afresh from
the same text shows: the same boxes (titles, base lines, rows, marks, badges and their
tooltips), the same edges (ends, lines, labels), every curve drawn for where its ends
are now, and -- on screen -- the same pixels, though only what changed was repainted.
(The scene skips boxes and edges an edit did not touch, and repaints a changed row
rather than its box: this is what keeps that from ever showing a stale graph.)"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QGraphicsItem, QWidget
from PySide6.QtTest import QTest

from studio.core import parse
from studio.core.document import reparse
from studio.core.model import TextEdit
from studio.ui.graph import theme as T
from studio.ui.graph.view import GraphView
from studio.ui.sync_rules import diagnostics_by_stage, merge_diagnostics

TEXT = """# syntax=docker/dockerfile:1
ARG BASE=busybox
FROM ${BASE} AS build
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache \\
    echo one && \\
    echo two
COPY a.txt /src/
RUN echo three
RUN echo four
RUN echo five

FROM build AS test
RUN --mount=type=bind,from=build,target=/m ls /m
COPY --from=build /src /check
COPY --from=build /src/a.txt /check/a

FROM alpine:3.20
COPY --from=test /check /c
COPY --from=nginx:1 /etc/nginx /etc/nginx

FROM scratch AS final
COPY --from=2 /c /c
COPY --from=build /src /src
CMD ["app"]
"""

PIECES = ["x", "\n", "\\\n", "FROM busybox AS extra\n", "COPY --from=build /a /b\n", "RUN echo new\n",
          "AS ", "build", "#", "--mount=from=test,target=/t ", "RUN <<EOF\n", "EOF\n", "😀", "", " "]


def box_state(node) -> tuple:
    return (node.index, node.title, node._title_text, node.base, node.line, node.instructions,
            [(r.line, r.keyword, r.rest, r.index) for r in node.rows.shown], node.is_target, node.is_skipped,
            node.diagnostics, node.error_lines, node.height, node.toolTip())


def scene_state(view: GraphView) -> tuple:
    """Everything the graph shows, keyed by identity (not by where the boxes are)."""
    boxes = {node.key: box_state(node) for node in view.stage_nodes().values()}
    images = {key: (item.is_dimmed, item.warning, item.toolTip()) for key, item in view.image_nodes().items()}
    edges = sorted((e.source_item.key, e.target_item.key, e.kind, e.sibling, e.line, tuple(e.sources), e.dest,
                    e.label, e.is_dimmed, e.toolTip()) for e in view.edge_items())
    return boxes, images, edges


def assert_consistent(view: GraphView) -> None:
    """Every item is in the scene, every edge is known to both its ends, and every curve
    was made for where its ends are now (none is left behind by a skipped update)."""
    scene = view.scene()
    edges = view.edge_items()
    for node in [*view.stage_nodes().values(), *view.image_nodes().values()]:
        assert node.scene() is scene
        for edge in node.edges:
            assert edge in edges
    for edge in edges:
        assert edge.scene() is scene and edge in edge.source_item.edges and edge in edge.target_item.edges
        p0, p1 = edge._ends()
        assert edge._at == (p0.x(), p0.y(), p1.x(), p1.y())


def show(view: GraphView, doc) -> None:
    """What the sync controller hands the view for ``doc``."""
    graph = doc.graph()
    diagnostics = merge_diagnostics(doc.diagnostics, graph.diagnostics)
    view.set_graph(graph, diagnostics_by_stage(graph, diagnostics), text=doc.text)


def view_of(qtbot, doc) -> GraphView:
    view = GraphView()
    qtbot.addWidget(view)
    show(view, doc)
    return view


def fresh_view(qtbot, text: str) -> GraphView:
    return view_of(qtbot, parse(text))


def edited(doc, at: float, length: float, piece: str):
    start = int(at * len(doc.text))
    end = min(len(doc.text), start + int(length * 12))
    return reparse(doc, TextEdit(start, end, piece))


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), st.sampled_from(PIECES)), min_size=1, max_size=8))
def test_random_edits_give_the_scene_a_fresh_parse_gives(qtbot, edits):
    doc = parse(TEXT)
    view = view_of(qtbot, doc)
    for at, length, piece in edits:
        doc = edited(doc, at, length, piece)
        show(view, doc)
        assert_consistent(view)
        assert scene_state(view) == scene_state(fresh_view(qtbot, doc.text))


def test_a_target_set_on_the_view_is_redrawn_by_the_next_graph(qtbot):
    doc = parse(TEXT)
    view = view_of(qtbot, doc)
    view.set_target(0)  # (as a build of another target marks it)
    doc = edited(doc, 0.5, 0, "x")
    show(view, doc)
    assert scene_state(view) == scene_state(fresh_view(qtbot, doc.text))


def test_badges_set_apart_from_a_graph_are_kept_or_redone_as_a_fresh_graph_would(qtbot):
    from studio.core.lint import lint

    doc = parse(TEXT)
    view = view_of(qtbot, doc)
    graph = doc.graph()
    linted = merge_diagnostics(doc.diagnostics, graph.diagnostics, list(lint(doc)))
    view.scene().apply_diagnostics(diagnostics_by_stage(graph, linted))  # (lint findings arrived)
    doc = edited(doc, 0.9, 0, "\n")
    show(view, doc)  # (the findings are not part of this graph: they go)
    assert scene_state(view) == scene_state(fresh_view(qtbot, doc.text))


# ----- on screen: what was repainted ------------------------------------------------------
class Repaints(QObject):
    """The regions a widget was asked to paint."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.regions: list = []
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.regions.append(event.region().boundingRect())
        return False


def settle(qtbot, view: GraphView) -> None:
    """Wait until the view has painted all it was asked to (a pass of the event loop
    paints nothing more) and its overlays have followed the boxes."""
    spies = [Repaints(widget) for widget in (view, *view.findChildren(QWidget))]
    seen = [-1]
    calm = [0]

    def quiet() -> bool:
        QApplication.processEvents()  # (what a timer that just fired asked to be painted)
        painted = sum(len(spy.regions) for spy in spies)
        calm[0] = calm[0] + 1 if seen[0] == painted and not view._overlay_timer.isActive() else 0
        seen[0] = painted
        return calm[0] >= 2

    qtbot.waitUntil(quiet)
    for spy in spies:
        spy.parent().removeEventFilter(spy)


def screen(view: GraphView) -> QImage:
    """The view's pixels as last painted (the window's backing store)."""
    viewport = view.viewport()
    origin = viewport.mapTo(viewport.window(), viewport.rect().topLeft())
    return QImage(viewport.backingStore().paintDevice()).copy(viewport.rect().translated(origin))


def shown(qtbot, text: str) -> GraphView:
    view = GraphView()
    qtbot.addWidget(view)
    view.resize(900, 640)
    view.show()
    qtbot.waitExposed(view)
    show(view, parse(text))
    qtbot.waitUntil(lambda: not view.viewport().backingStore().paintDevice().isNull())  # (first painted)
    return view


def unlike_pixels(a: QImage, b: QImage) -> int:
    """How many pixels differ by more than anti-aliasing does. (A long edge repainted
    piece by piece over a small area blends its ends a few levels differently from one
    drawn whole; anything stale differs by far more.)"""
    import numpy as np

    assert a.size() == b.size() and a.format() == b.format()
    pixels = [np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
              for image in (a, b)]
    return int((np.abs(pixels[0].astype(int) - pixels[1].astype(int)) > 24).sum())


def repainted_afresh(view: GraphView) -> QImage:
    """The view painted whole, every box drawn anew (no cached picture of it kept)."""
    for item in view.scene().items():
        mode = item.cacheMode()
        if mode != QGraphicsItem.CacheMode.NoCache:
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
            item.setCacheMode(mode)
    view.viewport().repaint()
    return screen(view)


# Qt's dasher places the dashes of a curve by the area being painted, so a dashed (mount)
# edge repainted over part of its length is dashed a little differently: the screen test
# leaves mounts out.
SOLID_TEXT = TEXT.replace("RUN --mount=type=bind,from=build,target=/m ls /m", "RUN ls /m")
SOLID_PIECES = [p for p in PIECES if "mount" not in p]


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), st.sampled_from(SOLID_PIECES)), min_size=1, max_size=5))
def test_what_was_repainted_is_what_painting_it_all_afresh_shows(qtbot, edits):
    view = shown(qtbot, SOLID_TEXT)
    doc = parse(SOLID_TEXT)
    for at, length, piece in edits:
        doc = edited(doc, at, length, piece)
        show(view, doc)
        settle(qtbot, view)
        assert unlike_pixels(screen(view), repainted_afresh(view)) == 0
    view.close()


def test_typing_in_a_row_repaints_that_row_not_its_box(qtbot):
    view = shown(qtbot, TEXT)
    at = TEXT.index("/src\nRUN") + len("/src")
    doc = reparse(parse(TEXT), TextEdit(at, at, "x"))
    show(view, doc)  # (the first update after a graph is shown may still repaint a box whole, once)
    settle(qtbot, view)
    box = view.stage_nodes()[0]
    row = next(k for k, r in enumerate(box.rows.shown) if r.keyword == "WORKDIR")
    repaints = Repaints(view.viewport())
    show(view, reparse(doc, TextEdit(at + 1, at + 1, "y")))
    settle(qtbot, view)
    row_rect = box.mapRectToScene(QRectF(0, box.rows.top(row), box.box_rect().width(), T.ROW_H))
    on_screen = view.mapFromScene(row_rect).boundingRect().adjusted(-3, -3, 3, 3)  # (and anti-aliasing)
    assert box.instructions[0][1] == "WORKDIR /srcxy"
    assert repaints.regions
    assert all(on_screen.contains(region) for region in repaints.regions), (on_screen, repaints.regions)


def test_an_edit_that_changes_nothing_drawn_repaints_nothing_of_the_graph(qtbot):
    view = shown(qtbot, TEXT)
    doc = parse(TEXT)
    settle(qtbot, view)
    repaints = Repaints(view.viewport())
    at = doc.text.index("echo five")  # (the build box shows its first rows only)
    doc = reparse(doc, TextEdit(at, at, "x"))
    assert all("five" not in text for _, text in view.stage_nodes()[0].instructions[:len(view.stage_nodes()[0].rows.shown) - 1])
    at = doc.text.index("\nFROM build")
    show(view, reparse(doc, TextEdit(at, at, "\n")))  # (and every line below moves)
    settle(qtbot, view)
    assert repaints.regions == []


SPECIAL = {"\n": Qt.Key.Key_Return, "\b": Qt.Key.Key_Backspace}


def test_typing_in_the_window_keeps_the_scene_a_fresh_parse_gives(open_window, qtbot):
    window, _ = open_window(TEXT)
    editor = window.editor
    for line, keys in ((5, "x"), (14, "\n"), (3, "y"), (20, "\b"), (9, "\n\b")):
        cursor = editor.textCursor()
        cursor.setPosition(editor.document().findBlockByNumber(line - 1).position() + 2)
        editor.setTextCursor(cursor)
        for key in keys:
            QTest.keyClick(editor, SPECIAL.get(key, key))
        window.controller.sync_now()
        fresh = GraphView()
        qtbot.addWidget(fresh)
        fresh.scene().set_row_limit(window.graph_view.scene().row_limit)  # (as many rows as Fit chose)
        controller = window.controller
        fresh.set_graph(controller.graph, diagnostics_by_stage(controller.graph, controller.diagnostics),
                        text=controller.document.text)
        assert_consistent(window.graph_view)
        assert scene_state(window.graph_view) == scene_state(fresh)
