"""The graph scene: turns a StageGraph into items and keeps them in step, in place.

Items are keyed by identity (stage key, image reference, edge endpoints + kind +
ordinal), so after a re-parse an unchanged stage keeps its item object and position
and only the differences are touched. Given the document text, a box keeps its
instruction rows while its stage's slice of the text stays the same (``rows.py``).
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from studio.core.model import Diagnostic, Edge, Stage, StageGraph
from studio.ui.graph import theme as T
from studio.ui.graph.edge_item import EdgeItem
from studio.ui.graph.image_node import ImageNode
from studio.ui.graph.labels import badge, base_text, diagnostics_by_line, stage_keys
from studio.ui.graph.layout import LayoutOptions, layered_layout
from studio.ui.graph.rows import StageRows, header_source
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
        self._header: str | None = None  # the text before the first FROM, as last seen
        self._nodes_rect: QRectF | None = None  # dropped when a box moves, comes, goes or resizes
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.selectionChanged.connect(self._focus_selection)

    def helpEvent(self, event) -> None:
        """Edges write their tooltips only when asked (see EdgeItem.toolTip): the ones
        under the pointer are brought up to date before Qt shows the first it finds."""
        for item in self.items(event.scenePos()):
            if isinstance(item, EdgeItem):
                item.toolTip()
        super().helpEvent(event)

    def _focus_selection(self) -> None:
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
        self.graph = graph
        header = header_source(graph.stages, text)
        if header != self._header:  # e.g. a new escape character: every row may read differently
            for node in self.stage_items.values():
                node.row_source.forget()
            self._header = header
        if diagnostics is None:
            diagnostics = diagnostics_by_line(graph)
        reachable = set(graph.reachable)
        new: list = []
        self.new_edges: list[EdgeItem] = []  # links this update made (see make_room_for_new_edges)
        linked = {(id(e.source_item), id(e.target_item), e.kind) for e in self.edge_map.values()}
        keys = stage_keys(graph.stages)
        live_stages: dict[str, StageNode] = {}
        self.by_index = {}
        reuse = self._reuse(graph.stages, keys)
        for st, key in zip(graph.stages, keys):
            node = self.stage_items.get(key) if key not in reuse else reuse[key]
            if node is not None and node.key != key:
                node.key = key
            if node is None:
                node = StageNode(self.theme, st.index, key)
                node.set_row_limit(self.row_limit)
                node.row_source = StageRows()
                self._add(node)
                new.append(node)
            node.index = st.index
            live_stages[key] = node
            self.by_index[st.index] = node
            self._fill_stage(node, st, graph, reachable, diagnostics.get(st.index, []), text)
        live_images: dict[str, ImageNode] = {}
        for ref in graph.external_images:
            item = self.image_items.get(ref)
            if item is None:
                item = ImageNode(self.theme, ref)
                self._add(item)
                new.append(item)
            live_images[ref] = item
        live_edges: dict[tuple, EdgeItem] = {}
        ordinals: dict[tuple, int] = {}
        for edge in graph.edges:
            src = self._source_item(edge, live_images)
            tgt = self.by_index.get(edge.target)
            if src is None or tgt is None:
                continue
            base_key = (src.key, tgt.key, edge.kind)
            n = ordinals.get(base_key, 0)
            ordinals[base_key] = n + 1
            key = (*base_key, n)
            item = self.edge_map.get(key)
            if item is None or item.source_item is not src or item.target_item is not tgt:
                if item is not None:
                    self._remove_edge(item)
                item = EdgeItem(self.theme, src, tgt, edge.kind, edge.line)
                self.addItem(item)
                if (id(src), id(tgt), edge.kind) not in linked:  # (not just a renamed or renumbered one)
                    self.new_edges.append(item)
            live_edges[key] = item
            item.set_info(edge.line, list(edge.sources), edge.dest)
            if item.sibling != n:
                item.sibling, item._at = n, None  # (its label moves)
                item.adjust()
            item.set_dimmed(edge.target not in reachable)
        for key, item in self.edge_map.items():
            if live_edges.get(key) is not item:
                self._remove_edge(item)
        alive = {id(n) for n in live_stages.values()}  # a reused box may have a new key
        gone = [n for n in self.stage_items.values() if id(n) not in alive]
        gone += [i for r, i in self.image_items.items() if live_images.get(r) is not i]
        for item in gone:
            self.departed[item.key] = (item.pos().x(), item.pos().y())
            self.removeItem(item)
        self.stage_items, self.image_items, self.edge_map = live_stages, live_images, live_edges
        if new or gone:
            self._nodes_rect = None
        for item in live_images.values():
            consumers = [e.target_item for e in item.edges]
            item.set_dimmed(bool(consumers) and all(c.is_skipped for c in consumers))
        self._warn_images(graph, diagnostics, live_images)
        self._focus_selection()
        return new

    @staticmethod
    def _warn_images(graph: StageGraph, diagnostics: dict[int, list[Diagnostic]],
                     images: dict[str, ImageNode]) -> None:
        """An image that lint thinks is a mistyped stage name carries that warning."""
        warned: dict[str, str] = {}
        for edge in graph.edges:
            if isinstance(edge.source, str) and edge.source in images:
                for d in diagnostics.get(edge.target, ()):
                    if d.code == "MistypedStageName" and d.line == edge.line:
                        warned.setdefault(edge.source, d.message)
        for ref, item in images.items():
            item.set_warning(warned.get(ref))

    def _reuse(self, stages: list[Stage], keys: list[str]) -> dict[str, StageNode]:
        """Boxes to keep for stages whose key changed. A renamed stage keeps its box
        (same index, new name); unnamed stages, keyed by an index that shifts when a
        stage above comes or goes, pair up with the leftover unnamed boxes in order."""
        wanted = set(keys)
        old = [n for k, n in self.stage_items.items() if k not in wanted]
        new = [(st, k) for st, k in zip(stages, keys) if k not in self.stage_items]
        out: dict[str, StageNode] = {}
        by_index = {n.index: n for n in old}
        for st, key in new:
            node = by_index.get(st.index)
            if node is not None and (st.name is not None) == (not node.title.startswith("#")):
                out[key] = node
                old.remove(node)
        rest_old = [n for n in old if n.title.startswith("#")]
        rest_new = [k for st, k in new if k not in out and st.name is None]
        out.update(zip(rest_new, rest_old))
        return out

    def _add(self, item: QGraphicsItem) -> None:
        if not self.cache_items:
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        self.addItem(item)

    def _source_item(self, edge: Edge, images: dict[str, ImageNode]):
        if isinstance(edge.source, int):
            return self.by_index.get(edge.source)
        return images.get(edge.source)

    def _remove_edge(self, item: EdgeItem) -> None:
        item.detach()
        if item.scene() is self:
            self.removeItem(item)

    def _fill_stage(self, node: StageNode, st: Stage, graph: StageGraph, reachable: set[int],
                    diags: list[Diagnostic], text: str | None) -> None:
        node.set_title(st.label)
        node.set_line(st.line)
        shown, tip = base_text(st, graph.stages)
        node.set_base(shown, tip)
        texts = node.row_source.update(st, text)
        if texts is not None:  # (None: the very same instructions as last time)
            node.set_rows([ins.line for ins in st.instructions], texts)
        node.set_target(graph.target == st.index)
        node.set_skipped(st.index not in reachable)
        badge(node, diags)

    def set_row_limit(self, rows: int) -> None:
        self.row_limit = rows
        for node in self.by_index.values():
            node.set_row_limit(rows)

    def apply_diagnostics(self, diagnostics: dict[int, list[Diagnostic]]) -> None:
        """Update only the diagnostic badges (the shape stays as it is)."""
        for index, node in self.by_index.items():
            badge(node, diagnostics.get(index, []))
        if self.graph is not None:
            self._warn_images(self.graph, diagnostics, self.image_items)

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
        anchors = {n.key: (T.HEADER_H / 2 if isinstance(n, StageNode) else T.IMAGE_H / 2) for n in nodes}
        edges = [(e.source_item.key, e.target_item.key, e.entry_offset()) for e in self.edge_map.values()]
        routes: dict = {}
        pos = layered_layout([n.key for n in nodes], edges, sizes, fixed, anchors, LayoutOptions(), routes)
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
        todo = [e for e in getattr(self, "new_edges", []) if isinstance(e.source_item, StageNode)
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
            self._nodes_rect = None
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

    def node_moved(self, item) -> None:
        self._nodes_rect = None
        self.sig_nodes_moved.emit()

    def node_resized(self, item) -> None:
        self._nodes_rect = None

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
    room = 0.0 if node.marks.has_footer else T.FOOTER_H
    return room + (0.0 if node.error else T.ROW_H)
