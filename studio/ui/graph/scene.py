"""The graph scene: turns a StageGraph into items and keeps them in step, in place.

Items are keyed by identity (stage key, image reference, edge endpoints + kind +
ordinal), so after a re-parse an unchanged stage keeps its item object and position
and only the differences are touched (``scene_diff.py``). Given the document text, a
box keeps its instruction rows while its stage's slice of the text stays the same
(``rows.py``).
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from studio.core.model import Diagnostic, StageGraph
from studio.ui.graph import theme as T
from studio.ui.graph.box_geometry import build_room, labels_room, port_y
from studio.ui.graph.edge_item import EdgeItem
from studio.ui.graph.image_node import ImageNode
from studio.ui.graph.labels import badge, short_label
from studio.ui.graph.layout import LayoutOptions, layered_layout
from studio.ui.graph.scene_diff import SceneDiff, warn_images
from studio.ui.graph.stage_node import StageNode
from studio.ui.graph.theme import Theme, make_theme

GRID = 24.0


class GraphScene(QGraphicsScene):
    """Owns the items; ``apply_graph`` diffs a new graph into them."""

    sig_nodes_moved = Signal()

    def __init__(self, parent=None, theme: Theme | None = None, grid: bool = True) -> None:
        super().__init__(parent)
        self.theme = theme or make_theme()
        self.show_grid = grid
        self.cache_items = True
        self.dragging = False
        self._resting_edges: list[EdgeItem] = []  # drawn in the background during a drag
        self.stage_items: dict[str, StageNode] = {}
        self.by_index: dict[int, StageNode] = {}
        self.image_items: dict[str, ImageNode] = {}
        self.edge_map: dict[tuple, EdgeItem] = {}
        self.graph: StageGraph | None = None
        self.row_limit = T.MAX_ROWS  # rows a collapsed box shows (the view lowers it to stay readable)
        self.departed: dict[str, tuple[float, float]] = {}  # last place of removed boxes
        self.new_edges: list[EdgeItem] = []  # links the last update made (see make_room_for_new_edges)
        self.diff = SceneDiff(self)
        self.adjusting_later: list | None = None  # while a graph is applied: boxes whose edges wait
        self._nodes_rect: QRectF | None = None  # dropped when a box moves, comes, goes or resizes
        self.geometry_version = 0  # counts those changes (the overlays redo their work only then)
        # No index (Qt's BSP index would let a repaint ask only the items near it, but with
        # it a run of the window and graph tests crashed in a timer after views were
        # deleted, 2 runs in 3; a repaint asks each item's bounds instead: cheap enough).
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.selectionChanged.connect(self.focus_selection)

    def helpEvent(self, event) -> None:
        """Edges write their tooltips only when asked (see EdgeItem.toolTip): the ones
        under the pointer are brought up to date before Qt shows the first it finds."""
        for item in self.items(event.scenePos()):
            if isinstance(item, EdgeItem):
                item.toolTip()
        super().helpEvent(event)

    def focus_selection(self) -> None:
        """The edges of the selected boxes stand out; the others fade (in a big graph
        this is how one stage's dependencies become readable)."""
        chosen = {id(i) for i in self.selectedItems() if isinstance(i, (StageNode, ImageNode))}
        fade = bool(chosen)
        for edge in self.edge_map.values():
            edge.set_faded(fade and id(edge.source_item) not in chosen and id(edge.target_item) not in chosen)

    # ----- diffing ---------------------------------------------------------------
    def apply_graph(self, graph: StageGraph, diagnostics: dict[int, list[Diagnostic]] | None = None,
                    text: str | None = None) -> list:
        """Bring the items in line with ``graph``; return the items that are new.
        ``text``: the document text ``graph`` was made from (lets boxes keep their rows)."""
        return self.diff.apply(graph, diagnostics, text)

    def add_item(self, item: QGraphicsItem) -> None:
        if not self.cache_items:
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        self.addItem(item)

    def remove_edge(self, item: EdgeItem) -> None:
        item.detach()
        if item.scene() is self:
            self.removeItem(item)

    def set_row_limit(self, rows: int) -> None:
        self.row_limit = rows
        for node in self.by_index.values():
            node.set_row_limit(rows)

    def apply_diagnostics(self, diagnostics: dict[int, list[Diagnostic]]) -> None:
        """Update only the diagnostic badges (the shape stays as it is)."""
        for index, node in self.by_index.items():
            diags = diagnostics.get(index, [])
            badge(node, diags)
            filled = node.row_source.filled
            if filled is not None:
                node.row_source.filled = (filled[0], diags)  # (what the box shows now)
        if self.graph is not None:
            warn_images(self.graph, diagnostics, self.image_items)

    # ----- placement -------------------------------------------------------------
    def all_nodes(self) -> list:
        """Stage and image items in a reading order: each image just before its first consumer."""
        out, seen = [], set()
        for index in sorted(self.by_index):
            node = self.by_index[index]
            for edge in node.edges:
                src = edge.source_item
                if edge.target_item is node and isinstance(src, ImageNode) and src.key not in seen:
                    seen.add(src.key)
                    out.append(src)
            out.append(node)
        out += [i for i in self.image_items.values() if i.key not in seen]
        return out

    def place(self, new_items: list, saved: dict[str, tuple[float, float]] | None = None) -> None:
        """Give new items a position: a saved one if known, else the layered layout's."""
        saved = saved or {}
        pending = []
        for item in new_items:
            # a box that was just removed and comes back (undo) returns to its place
            spot = self.departed.pop(item.key, None) or saved.get(item.key)
            if spot is not None:
                item.setPos(QPointF(*spot))
            else:
                pending.append(item)
        if not pending:
            return
        pending_keys = {i.key for i in pending}
        nodes = self.all_nodes()
        fixed = {n.key: (n.pos().x(), n.pos().y()) for n in nodes if n.key not in pending_keys}
        # Stage boxes grow during a build (a status footer, an error row): lay them out at
        # that height so a build never makes neighbours overlap.
        sizes = {n.key: (n.box_rect().width(), n.box_rect().height() + _build_room(n)) for n in nodes}
        anchors = {n.key: port_y(isinstance(n, StageNode)) for n in nodes}
        edges = [(e.source_item.key, e.target_item.key, e.entry_offset()) for e in self.edge_map.values()]
        # (the labels as the picture has them: the layout's room must not depend on the font)
        room = labels_room((e.target_item.key, e.kind, short_label(e.kind, e.sources)) for e in self.edge_map.values())
        routes: dict = {}
        pos = layered_layout([n.key for n in nodes], edges, sizes, fixed, anchors, LayoutOptions(), routes, room)
        for item in pending:
            item.setPos(QPointF(*pos[item.key]))
        for edge in self.edge_map.values():  # only a full layout gives routes
            route = routes.get((edge.source_item.key, edge.target_item.key))
            if route:
                edge.set_route(route)

    def make_room_for_new_edges(self, placed_now: list) -> list:
        """A new edge between boxes that were already placed (a COPY --from added in the
        graph or typed) may run backwards: move its consumer, and what it feeds in turn,
        right of the producer. Only new edges push, so a box the user dragged somewhere
        stays there while the text changes elsewhere. Returns the boxes moved."""
        fresh = {id(i) for i in placed_now}
        gap = LayoutOptions().layer_gap
        todo = [e for e in self.new_edges if isinstance(e.source_item, StageNode)
                and id(e.source_item) not in fresh and id(e.target_item) not in fresh]
        moved: list = []
        for _ in range(4 * len(self.edge_map) + 4):  # each push may need its consumers pushed
            if not todo:
                break
            edge = todo.pop(0)
            src, tgt = edge.source_item, edge.target_item
            if src is tgt:
                continue
            if tgt.pos().x() >= src.pos().x() + src.box_rect().width():  # it runs forwards: fine
                continue
            room = src.pos().x() + src.box_rect().width() + gap
            y = tgt.pos().y()
            for _ in range(len(self.stage_items) + len(self.image_items)):  # off any box already there
                spot = QRectF(room, y, tgt.box_rect().width(), tgt.box_rect().height())
                hit = [n for n in self.all_nodes() if n is not tgt
                       and n.sceneBoundingRect().intersects(spot.adjusted(-10, -10, 10, 10))]
                if not hit:
                    break
                y = max(n.sceneBoundingRect().bottom() for n in hit) + LayoutOptions().node_gap
            tgt.setPos(QPointF(room, y))
            moved.append(tgt)
            todo += [e for e in tgt.edges if e.source_item is tgt and isinstance(e.target_item, StageNode)]
        if moved:
            self.geometry_changed()
        return moved

    def routes(self) -> dict[tuple, list[tuple[float, float]]]:
        """The layout's waypoints of the edges that still follow them, by edge key."""
        return {key: e.route() for key, e in self.edge_map.items() if e.has_route()}

    def set_routes(self, routes: dict[tuple, list[tuple[float, float]]]) -> None:
        for key, points in routes.items():
            if key in self.edge_map:
                self.edge_map[key].set_route(points)

    def relayout(self) -> None:
        """Forget every position and lay the whole graph out again."""
        self.departed.clear()
        self.place(self.all_nodes(), {})

    def nodes_rect(self) -> QRectF:
        """The rectangle around every box (kept until one moves, comes, goes or resizes:
        each keystroke asks for it, and most keystrokes change none of that)."""
        if self._nodes_rect is None:
            rect = QRectF()
            for items in (self.stage_items, self.image_items):
                for item in items.values():
                    rect = rect.united(item.sceneBoundingRect())
            self._nodes_rect = rect
        return QRectF(self._nodes_rect)

    def geometry_changed(self) -> None:
        """A box moved, came, went or changed size."""
        self._nodes_rect = None
        self.geometry_version += 1

    def node_moved(self, item) -> None:
        self.geometry_changed()
        self.sig_nodes_moved.emit()

    def node_resized(self, item) -> None:
        self.geometry_changed()

    def set_dragging(self, on: bool, moving: list | None = None) -> None:
        """While boxes are dragged, every edge not attached to them is painted once into
        the views' cached background instead of as an item, so each frame repaints only
        the moving boxes and their own edges (the 200-stage file stays above 60 fps)."""
        if on == self.dragging:
            return
        self.dragging = on
        if on:
            still = set(map(id, moving or []))
            self._resting_edges = [e for e in self.edge_map.values() if e.isVisible()
                                   and id(e.source_item) not in still and id(e.target_item) not in still]
            for edge in self._resting_edges:
                edge.setVisible(False)
        else:
            for edge in self._resting_edges:
                if edge.scene() is self:
                    edge.setVisible(True)
            self._resting_edges = []
        for view in self.views():
            view.resetCachedContent()
            view.viewport().update()

    # ----- looks --------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, self.theme.background)
        scale = painter.worldTransform().m11()
        if self.show_grid and scale >= 0.45:
            self._draw_grid(painter, rect)
        if self._resting_edges:
            self._draw_resting_edges(painter, rect)

    def _draw_grid(self, painter: QPainter, rect: QRectF) -> None:
        pen = QPen(self.theme.grid, 2.0)
        pen.setCosmetic(True)
        painter.setPen(pen)
        x0 = int(rect.left() // GRID) * GRID
        y0 = int(rect.top() // GRID) * GRID
        points = []
        y = y0
        while y < rect.bottom():
            x = x0
            while x < rect.right():
                points.append(QPointF(x, y))
                x += GRID
            y += GRID
        painter.drawPoints(points)

    def _draw_resting_edges(self, painter: QPainter, rect: QRectF) -> None:
        lod = painter.worldTransform().m11()
        for edge in self._resting_edges:
            if edge.boundingRect().intersects(rect):
                painter.setOpacity(edge.opacity())
                edge.draw(painter, rect, lod, edge.isSelected())
        painter.setOpacity(1.0)


def _build_room(node) -> float:
    """How much taller ``node`` can get once a build reports on it."""
    if not isinstance(node, StageNode):
        return 0.0
    return build_room(node.marks.has_footer, bool(node.error))
