"""An overview of the whole graph in a corner of the view; click or drag to move there.

It draws simplified boxes (no text), so repainting it while a box is dragged costs a
few hundred rectangle fills, not a second render of the scene.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsView, QWidget

from studio.ui.graph.stage_node import StageNode

MAX_W, MAX_H = 210, 140
MARGIN = 6.0


class Minimap(QWidget):
    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view)
        self.setObjectName("graphMinimap")
        self.setAccessibleName("Graph overview")
        self._view = view
        self._rects: list[tuple[QRectF, bool]] = []  # scene rect, is a stage
        self._world = QRectF()
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Overview: click or drag to move the view")
        self.resize(MAX_W, MAX_H)

    def refresh(self) -> None:
        """Re-read the node rectangles from the scene (cheap; call after changes)."""
        scene = self._view.scene()
        items = scene.all_nodes() if hasattr(scene, "all_nodes") else []
        self._rects = [(i.sceneBoundingRect(), isinstance(i, StageNode)) for i in items]
        world = QRectF()
        for rect, _ in self._rects:
            world = world.united(rect)
        self._world = world.adjusted(-40, -40, 40, 40)
        if not world.isEmpty():
            ratio = self._world.width() / max(1.0, self._world.height())
            w = MAX_W if ratio >= MAX_W / MAX_H else max(60, int(MAX_H * ratio))
            h = MAX_H if ratio < MAX_W / MAX_H else max(40, int(MAX_W / ratio))
            if (w, h) != (self.width(), self.height()):
                self.resize(w, h)  # (its owner places it again after each refresh)
        self.update()

    def _scale(self) -> tuple[float, QPointF]:
        inner = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        if self._world.isEmpty():
            return 1.0, QPointF()
        s = min(inner.width() / self._world.width(), inner.height() / self._world.height())
        off = QPointF(inner.left() - self._world.left() * s + (inner.width() - self._world.width() * s) / 2,
                      inner.top() - self._world.top() * s + (inner.height() - self._world.height() * s) / 2)
        return s, off

    def to_scene(self, p: QPointF) -> QPointF:
        s, off = self._scale()
        return QPointF((p.x() - off.x()) / s, (p.y() - off.y()) / s)

    def paintEvent(self, event) -> None:
        scene = self._view.scene()
        theme = scene.theme
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bg = QColor(theme.node_fill)
        bg.setAlpha(230)
        painter.setPen(QPen(theme.border, 1))
        painter.setBrush(bg)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        s, off = self._scale()
        painter.setPen(Qt.PenStyle.NoPen)
        for rect, is_stage in self._rects:
            painter.setBrush(theme.accent if is_stage else theme.dim_text)
            r = QRectF(rect.left() * s + off.x(), rect.top() * s + off.y(), rect.width() * s, rect.height() * s)
            painter.drawRect(r)
        seen = self._view.mapToScene(self._view.viewport().rect()).boundingRect()
        view_rect = QRectF(seen.left() * s + off.x(), seen.top() * s + off.y(), seen.width() * s, seen.height() * s)
        view_rect = view_rect.intersected(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        pen = QPen(theme.text, 1.5)
        painter.setPen(pen)
        fill = QColor(theme.accent)
        fill.setAlpha(40)
        painter.setBrush(fill)
        painter.drawRect(view_rect)

    def mousePressEvent(self, event) -> None:
        self._view.centerOn(self.to_scene(event.position()))
        self.update()
        event.accept()

    def mouseMoveEvent(self, event) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._view.centerOn(self.to_scene(event.position()))
            self.update()
        event.accept()
