"""The "+" shown on hover at the end of a box and between its rows: a click there opens
the instruction palette for that place. It carries the place (stage key, instruction
position); the design interaction decides what a click means."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsItem

RADIUS = 8.0


class PlusItem(QGraphicsItem):
    """A small round "+" button in the scene (never part of a box)."""

    def __init__(self, theme, name: str) -> None:
        super().__init__()
        self.theme = theme
        self.name = name
        self.key = ""  # the stage it adds to
        self.position = 0  # the instruction index the new one takes
        self.line_width = 0.0  # >0: also draw the insertion line this wide, to the right
        self.setZValue(9)
        self.setAcceptHoverEvents(False)
        self.hide()

    def show_at(self, scene_pos: QPointF, key: str, position: int, line_width: float = 0.0) -> None:
        self.prepareGeometryChange()
        self.key, self.position, self.line_width = key, position, line_width
        self.setPos(scene_pos)
        self.show()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return QRectF(-RADIUS - 1, -RADIUS - 1, 2 * RADIUS + 2 + self.line_width, 2 * RADIUS + 2)

    def hit(self, scene_pos: QPointF) -> bool:
        local = self.mapFromScene(scene_pos)
        return self.isVisible() and (local.x() ** 2 + local.y() ** 2) <= (RADIUS + 3) ** 2

    def paint(self, painter, option, widget=None) -> None:
        th = self.theme
        if self.line_width:
            pen = QPen(th.accent, 1.5, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawLine(QPointF(RADIUS, 0), QPointF(self.line_width, 0))
        painter.setPen(QPen(th.accent, 1.5))
        painter.setBrush(th.node_fill)
        painter.drawEllipse(QPointF(0, 0), RADIUS, RADIUS)
        painter.drawLine(QPointF(-4, 0), QPointF(4, 0))
        painter.drawLine(QPointF(0, -4), QPointF(0, 4))
