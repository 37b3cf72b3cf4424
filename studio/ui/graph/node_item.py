"""What stage boxes and image pills share: identity, attached edges, move handling."""
from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QGraphicsItem

from studio.ui.graph.theme import Theme


class NodeItem(QGraphicsItem):
    """A movable box that edges attach to. ``key`` is its identity for the scene and
    the positions store; edges are re-routed whenever it moves."""

    def __init__(self, theme: Theme, key: str) -> None:
        super().__init__()
        self.theme = theme
        self.key = key
        self.edges: list = []  # EdgeItems attached to this node (kept by the scene)
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(2)

    def out_port_local(self) -> QPointF:
        raise NotImplementedError

    def out_port(self) -> QPointF:
        return self.mapToScene(self.out_port_local())

    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for edge in self.edges:
                edge.adjust()
            scene = self.scene()
            if scene is not None and hasattr(scene, "node_moved"):
                scene.node_moved(self)
        return value  # what the base class returns; calling it from Python leaks a bool ref
