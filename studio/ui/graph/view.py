"""GraphView: the viewer of the node-graph pane. Public API for the main window lives here.

The viewer shows a GraphScene, keeps it in step with each parsed StageGraph (in place),
zooms, fits, and keeps the overlays (banner, minimap, zoom bar) in place. What the
mouse and keyboard mean is decided by its interaction controller
(``interaction.GraphInteraction``, at ``view.interaction``), which emits intent signals
carrying stage keys; neither of them ever edits text.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QFontInfo, QPainter
from PySide6.QtWidgets import QFrame, QGraphicsView, QWidget

from studio.core.model import Diagnostic, StageGraph
from studio.ui.graph import theme as T
from studio.ui.graph.edge_item import EdgeItem
from studio.ui.graph.image_node import ImageNode
from studio.ui.graph.overlays import OWN_BANNER, GraphOverlays
from studio.ui.graph.scene import GraphScene
from studio.ui.graph.stage_node import StageNode

MIN_ZOOM, MAX_ZOOM = 0.03, 3.0
MAX_FIT = 2.0  # Fit fills the view up to 200 %
READABLE_PX = 11.0  # instruction text is at least this high on screen after Fit
COMPACT_ROWS = 3  # rows a collapsed box shows when the whole graph cannot be readable
ZOOM_STEP = 1.2
EMPTY_GRAPH = StageGraph([], [], None, [], [], [])


class GraphView(QGraphicsView):
    sig_stage_selected = Signal(int)  # -1 = none (a selection made by the user, never by code)
    sig_edge_selected = Signal(int)  # the edge's line
    sig_positions_changed = Signal()  # boxes were moved or laid out afresh

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("graphView")
        self.setAccessibleName("Stage graph")
        self.setAccessibleDescription("Each build stage is a box; arrows show FROM, COPY --from and "
                                      "RUN --mount dependencies. Arrow keys move between stages.")
        self._scene = GraphScene(self)  # (``scene()`` returns it)
        self.setScene(self._scene)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self._graph: StageGraph | None = None
        self._saved: dict[str, tuple[float, float]] = {}
        self._expanded: set[str] = set()
        self._quiet = 0
        self._fit_pending = False
        self._overlays_state: tuple | None = None  # what the overlays were last brought up to date for
        self.auto_fit = True  # Fit again after a resize, until the user zooms by hand
        self.keep_readable = True  # False: Fit shows the whole graph however small (an overview)
        self.text_scale = 1.0  # Large Fonts: the readable minimum grows with it
        self.overlays = GraphOverlays(self)
        self.minimap, self.zoom_bar = self.overlays.minimap, self.overlays.zoom_bar
        self._overlay_timer = QTimer(self, singleShot=True, interval=40)
        self._overlay_timer.timeout.connect(self.refresh_overlays)
        self._scene.sig_nodes_moved.connect(self._overlay_timer.start)
        self._scene.selectionChanged.connect(self._on_selection)
        from studio.ui.graph.interaction import GraphInteraction  # (it imports this module's types)

        self.interaction = GraphInteraction(self)

    # ----- graph -----------------------------------------------------------------
    def set_graph(self, graph: StageGraph, diagnostics_by_stage: dict[int, list[Diagnostic]] | None = None,
                  stale: bool = False, text: str | None = None, banner: str = "") -> None:
        """Show ``graph``, updating items in place. ``stale``: the text has errors; the
        graph shows what can be read of it and a banner says so (``banner``, if given).
        ``text``: the document text ``graph`` was made from; with it, boxes whose stage
        text did not change keep their rows (typing stays fast in big files)."""
        self.overlays.show_banner((banner or OWN_BANNER) if stale else None)
        first = self._graph is None or not self._scene.by_index
        self._graph = graph
        self._quiet += 1
        try:
            new = self._scene.apply_graph(graph, diagnostics_by_stage, text)
            for item in new:
                if isinstance(item, StageNode) and item.key in self._expanded:
                    item.set_expanded(True)
            self._scene.place(new, self._saved)
            if not first and self._scene.make_room_for_new_edges(new):
                self.sig_positions_changed.emit()
        finally:
            self._quiet -= 1
        self.overlays.empty.setVisible(not graph.stages)
        rect = self.update_scene_rect()
        if first and graph.stages:
            self._fit_pending = True
            if self.isVisible() and self.viewport().width() > 50:
                self.fit_to_view()
        if first:
            self.refresh_overlays(rect)
        else:  # while typing: once typing pauses, and only if a box moved, came, went or grew
            self._overlay_timer.start()

    def graph(self) -> StageGraph | None:
        return self._graph

    def stage_nodes(self) -> dict[int, StageNode]:
        return dict(self._scene.by_index)

    def image_nodes(self) -> dict[str, ImageNode]:
        return dict(self._scene.image_items)

    def edge_items(self) -> list[EdgeItem]:
        return list(self._scene.edge_map.values())

    def set_target(self, index: int | None) -> None:
        for i, node in self._scene.by_index.items():
            node.set_target(i == index)
        self._scene.diff.forget()  # (the boxes no longer show the last graph's target)

    def relayout(self) -> None:
        """Lay every box out afresh (menu: Arrange)."""
        self._scene.relayout()
        self.update_scene_rect()
        self.refresh_overlays()
        self.sig_positions_changed.emit()

    def toggle_expanded(self, node: StageNode) -> None:
        node.set_expanded(not node.expanded)
        (self._expanded.add if node.expanded else self._expanded.discard)(node.key)
        self.update_scene_rect()

    def clear(self) -> None:
        """Forget the shown graph (before showing another file): the next set_graph lays
        everything out afresh and fits it."""
        self._scene.apply_graph(EMPTY_GRAPH)
        self._scene.departed.clear()
        self._graph = None
        self._saved = {}
        self._expanded.clear()
        self.overlays.show_banner(None)

    # ----- selection (programmatic selection emits nothing) ----------------------
    def select_stage(self, index: int | None) -> None:
        self._quiet += 1
        try:
            self._scene.clearSelection()
            node = self._scene.by_index.get(index) if index is not None else None
            if node is not None:
                node.setSelected(True)
                self.reveal(node.sceneBoundingRect())
        finally:
            self._quiet -= 1

    def select_edge(self, line: int | None) -> None:
        self._quiet += 1
        try:
            self._scene.clearSelection()
            for item in self._scene.edge_map.values():
                if line is not None and item.line == line:
                    item.setSelected(True)
        finally:
            self._quiet -= 1

    def selected_stage(self) -> StageNode | None:
        return next((i for i in self._scene.selectedItems() if isinstance(i, StageNode)), None)

    def selected_edge(self) -> EdgeItem | None:
        return next((i for i in self._scene.selectedItems() if isinstance(i, EdgeItem)), None)

    def _on_selection(self) -> None:
        if self._quiet:
            return
        edge, node = self.selected_edge(), self.selected_stage()
        if node is not None:
            self.sig_stage_selected.emit(node.index)
        elif edge is not None:
            self.sig_edge_selected.emit(edge.line)
        else:
            self.sig_stage_selected.emit(-1)

    def reveal(self, rect: QRectF, margin: int = 40) -> None:
        """Scroll ``rect`` into view, but only when some of it is out of view: a box that
        is already visible must not push its neighbours off the edge."""
        if not self.mapToScene(self.viewport().rect()).boundingRect().contains(rect):
            self.ensureVisible(rect, margin, margin)

    # ----- positions -------------------------------------------------------------
    def positions(self) -> dict[str, tuple[float, float]]:
        """Box positions keyed by stage key (``build``, ``stage-2``) or image reference."""
        return {n.key: (round(n.pos().x(), 1), round(n.pos().y(), 1)) for n in self._scene.all_nodes()}

    def set_positions(self, positions: dict[str, tuple[float, float]]) -> None:
        """A file's saved arrangement: boxes named in it move there, the others are laid
        out around them, and keys not shown yet wait for their boxes. If anything moved,
        the view fits the graph (a newly opened file is seen whole)."""
        self._saved = {str(k): (float(v[0]), float(v[1])) for k, v in positions.items()}
        nodes = self._scene.all_nodes()
        self._scene.departed.clear()  # another file's arrangement: nothing comes back
        before = [(n.pos().x(), n.pos().y()) for n in nodes]
        for node in nodes:
            if node.key in self._saved:
                node.setPos(QPointF(*self._saved[node.key]))
        self._scene.place([n for n in nodes if n.key not in self._saved], self._saved)
        self.update_scene_rect()
        if nodes and before != [(n.pos().x(), n.pos().y()) for n in nodes]:
            self.fit_to_view()
        self.refresh_overlays()

    def export(self, kind: str, path: str, **options) -> bool:
        """The graph as the user arranged it, to a PNG or SVG (False if it could not be written)."""
        from studio.ui.graph import export, png_export

        if kind == "svg":
            writer, options = export.export_svg, {"colors": self._scene.theme.colors, **options}
        else:
            writer = png_export.export_png
        expanded = {n.key for n in self._scene.by_index.values() if n.expanded}
        return writer(self._graph if self._graph is not None else EMPTY_GRAPH, path, positions=self.positions(),
                      expanded=expanded, routes=self._scene.routes(), **options)

    # ----- zoom and fit --------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float, anchor_under_mouse: bool = False, by_user: bool = True) -> None:
        """Zoom to ``factor``; a zoom ``by_user`` ends fitting after each resize."""
        self.auto_fit = self.auto_fit and not by_user
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        old = self.transformationAnchor()
        if not anchor_under_mouse:
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.scale(factor / self.zoom(), factor / self.zoom())
        self.setTransformationAnchor(old)
        self.refresh_overlays()

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / ZOOM_STEP)

    def reset_zoom(self) -> None:
        self.set_zoom(1.0)

    def fit_to_view(self, readable: bool | None = None) -> None:
        """Fill the view with the graph, up to 200 %, never below readable text: a graph
        too big for that shows fewer rows per box, then scrolls (the minimap shows where).
        Until the user zooms by hand, the view fits again whenever it is resized.
        ``readable=False`` (default: ``keep_readable``): the whole graph, however small."""
        self._fit_pending = False
        self.auto_fit = True
        if self._scene.nodes_rect().isEmpty():
            return

        def fitting() -> tuple[float, QRectF]:
            rect = self._scene.nodes_rect().adjusted(-30, -40, 30, 30)
            view = self.viewport().rect()
            return min(view.width() / max(1.0, rect.width()), view.height() / max(1.0, rect.height())), rect

        keep = self.keep_readable if readable is None else readable
        readable = min(MAX_FIT, readable_zoom(self._scene.theme) * self.text_scale) if keep else MIN_ZOOM
        scene = self._scene
        zoom, rect = fitting()
        if scene.row_limit != T.MAX_ROWS and zoom >= readable:  # room enough: try every row again
            scene.set_row_limit(T.MAX_ROWS)
            zoom, rect = fitting()
        if scene.row_limit != COMPACT_ROWS and zoom < readable:  # (each change lays out every box)
            scene.set_row_limit(COMPACT_ROWS)
            zoom, rect = fitting()
        self.set_zoom(max(readable, min(MAX_FIT, zoom)), by_user=False)
        self.centerOn(rect.center())
        if zoom < readable:  # it does not all fit: start where the build starts (top left)
            seen = self.mapToScene(self.viewport().rect()).boundingRect()
            self.centerOn(rect.left() + seen.width() / 2, rect.top() + seen.height() / 2)
        self.refresh_overlays()

    # ----- scene rectangle and overlays -----------------------------------------------
    def update_scene_rect(self) -> QRectF:
        """Room around the boxes to scroll in; returns the boxes' rectangle."""
        nodes = rect = self._scene.nodes_rect()
        if rect.isEmpty():
            rect = QRectF(0, 0, 400, 300)
        rect = rect.adjusted(-600, -400, 600, 400)
        if rect != self.sceneRect():  # (setting the same one still repaints the scroll bars)
            self.setSceneRect(rect)
        return nodes

    def refresh_overlays(self, rect: QRectF | None = None) -> None:
        """Bring the overlays up to date (if anything they show changed since the last
        time). ``rect``: the boxes' rectangle, if just measured."""
        seen = self.mapToScene(self.viewport().rect()).boundingRect()
        state = (self._scene.geometry_version, self.zoom(), seen.getRect(), self.viewport().geometry().getRect())
        if state == self._overlays_state:
            return
        self._overlays_state = state
        self.overlays.refresh(self.zoom(), self._scene.nodes_rect() if rect is None else rect, seen)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fit_pending or (self.auto_fit and self._graph is not None and self.isVisible()):
            self.fit_to_view()
        self.refresh_overlays()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._fit_pending:
            QTimer.singleShot(0, self.fit_to_view)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if self.minimap.isVisible():
            self.minimap.update()


def readable_zoom(theme) -> float:
    """The zoom at which the boxes' instruction text is READABLE_PX high on screen."""
    return READABLE_PX / max(1, QFontInfo(theme.mono_font).pixelSize())
