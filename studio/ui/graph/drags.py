"""The drags that make intents: from an output port to a stage (copy files) and an
instruction row to a place in a box (move it). Each drag is an object that lives from
press to release: while it runs a ghost follows the mouse, and its ``finish`` decides
what, if anything, the interaction controller is asked to emit. New drags (re-pointing
an edge, say) follow the same shape: ``move(pos)``, ``finish(pos)``, ``cancel()``."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import (
    QApplication, QGraphicsItem, QGraphicsLineItem, QGraphicsPathItem, QGraphicsSimpleTextItem, QGraphicsView,
)

from studio.ui.graph.stage_node import StageNode


def stage_at(view: QGraphicsView, pos: QPoint) -> StageNode | None:
    """The stage box under a viewport position."""
    return next((i for i in view.scene().items(view.mapToScene(pos)) if isinstance(i, StageNode)), None)


class Drag:
    """Temporary items in the scene that go away with the drag."""

    def __init__(self, interaction) -> None:
        self.interaction = interaction
        self.view: QGraphicsView = interaction.view
        self._items: list[QGraphicsItem] = []

    def _add(self, item: QGraphicsItem) -> QGraphicsItem:
        item.setZValue(10)
        self.view.scene().addItem(item)
        self._items.append(item)
        return item

    def cancel(self) -> None:
        scene = self.view.scene()
        for item in self._items:
            if item.scene() is scene:
                scene.removeItem(item)
        self._items.clear()

    def draw_curve(self, ghost: QGraphicsPathItem, start: QPointF, end: QPointF, valid: bool) -> None:
        """A dashed edge-like curve from ``start`` to ``end``: coloured where a drop would
        work, grey where it would not."""
        th = self.view.scene().theme
        path = QPainterPath(start)
        dx = max(40.0, abs(end.x() - start.x()) / 2)
        path.cubicTo(start + QPointF(dx, 0), end - QPointF(dx, 0), end)
        pen = QPen(th.edge_copy if valid else th.dim_text, 2, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        ghost.setPen(pen)
        ghost.setPath(path)

    def move(self, pos: QPoint) -> None:  # pragma: no cover - every drag has its own
        raise NotImplementedError

    def finish(self, pos: QPoint) -> None:  # pragma: no cover - every drag has its own
        raise NotImplementedError


class ConnectDrag(Drag):
    """From ``source``'s output port to a later stage: copy files from it."""

    def __init__(self, interaction, source: StageNode) -> None:
        super().__init__(interaction)
        self.source = source
        self._start = source.out_port()
        self.ghost = self._add(QGraphicsPathItem())

    def target(self, pos: QPoint) -> StageNode | None:
        node = stage_at(self.view, pos)
        if node is None or node is self.source or node.index <= self.source.index:
            return None
        return node

    def move(self, pos: QPoint) -> None:
        self.draw_curve(self.ghost, self._start, self.view.mapToScene(pos), self.target(pos) is not None)

    def finish(self, pos: QPoint) -> None:
        target = self.target(pos)
        self.cancel()
        if target is not None:
            self.interaction.request_copy(self.source, target)


class RowDrag(Drag):
    """An instruction row (``line`` of ``source``) to a gap in some box: move it there.
    Nothing shows until the mouse travels the platform's drag distance."""

    def __init__(self, interaction, source: StageNode, line: int, pos: QPoint) -> None:
        super().__init__(interaction)
        self.source, self.line, self._press = source, line, pos
        self.dragging = False
        self.ghost: QGraphicsSimpleTextItem | None = None
        self.drop_line: QGraphicsLineItem | None = None  # where the row would land

    def move(self, pos: QPoint) -> None:
        if not self.dragging and (pos - self._press).manhattanLength() >= QApplication.startDragDistance():
            self.dragging = True
            self._start_ghost()
        if self.dragging:
            self.ghost.setPos(self.view.mapToScene(pos) + QPointF(8, 4))
            self._show_drop_line(pos)

    def _start_ghost(self) -> None:
        theme = self.view.scene().theme
        text = next((t for ln, t in self.source.instructions if ln == self.line), "")
        self.ghost = QGraphicsSimpleTextItem(text[:60])
        self.ghost.setFont(theme.mono_font)
        self.ghost.setBrush(QColor(theme.accent))
        self._add(self.ghost)

    def _show_drop_line(self, pos: QPoint) -> None:
        """A line in the box under the mouse where the dragged row would land."""
        target = stage_at(self.view, pos)
        if self.drop_line is None:
            self.drop_line = QGraphicsLineItem()
            pen = QPen(self.view.scene().theme.accent, 2)
            pen.setCosmetic(True)
            self.drop_line.setPen(pen)
            self._add(self.drop_line)
        if target is None:
            self.drop_line.hide()
            return
        y = target.rows.drop_line_y(self._gap(target, pos))
        a, b = target.mapToScene(QPointF(6, y)), target.mapToScene(QPointF(target.box_rect().width() - 6, y))
        self.drop_line.setLine(a.x(), a.y(), b.x(), b.y())
        self.drop_line.show()

    def _gap(self, target: StageNode, pos: QPoint) -> int:
        return target.rows.drop_position(target.mapFromScene(self.view.mapToScene(pos)).y())

    def finish(self, pos: QPoint) -> None:
        self.cancel()
        target = stage_at(self.view, pos) if self.dragging else None
        if target is not None:
            self.interaction.request_move(self.source, self.line, target, self._gap(target, pos))


class RepointDrag(Drag):
    """The source end of ``edge`` (FROM, COPY --from or a mount from a stage), dragged to
    another stage: point that one reference there. Only an earlier stage is a valid
    drop (the ghost says so in grey); the core refuses the rest with the reason."""

    def __init__(self, interaction, edge) -> None:
        super().__init__(interaction)
        self.edge = edge
        self._end = edge.path().pointAtPercent(1.0)
        self.ghost = self._add(QGraphicsPathItem())

    def target(self, pos: QPoint) -> StageNode | None:
        node = stage_at(self.view, pos)
        consumer = self.edge.target_item
        if node is None or node is self.edge.source_item or node is consumer:
            return None
        return node

    def move(self, pos: QPoint) -> None:
        node = self.target(pos)
        valid = node is not None and node.index < self.edge.target_item.index
        self.draw_curve(self.ghost, self.view.mapToScene(pos), self._end, valid)

    def finish(self, pos: QPoint) -> None:
        target = self.target(pos)
        self.cancel()
        if target is not None:
            self.interaction.request_repoint(self.edge, target)
