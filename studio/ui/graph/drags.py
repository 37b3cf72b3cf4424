"""The two drags that make intents: from an output port to a stage (copy files) and an
instruction row to a place in a box (move it). While they run, a ghost follows the
mouse; the drop decides what, if anything, is emitted."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsPathItem, QGraphicsSimpleTextItem

from studio.ui.graph.stage_node import StageNode


class DragMixin:
    """Mixed into GraphView through GestureMixin; uses its scene and sig_* signals."""

    _ghost = None  # temporary item while dragging a connection or a row
    _drop_line = None  # where a dragged row would land
    _over_port = False

    def _stage_at(self, pos: QPoint) -> StageNode | None:
        for item in self.scene().items(self.mapToScene(pos)):
            if isinstance(item, StageNode):
                return item
        return None

    def _connect_target(self, pos: QPoint, source: StageNode | None = None) -> StageNode | None:
        source = source or (self._press or {}).get("node")
        node = self._stage_at(pos)
        if node is None or source is None or node is source or node.index <= source.index:
            return None
        return node

    def _start_ghost(self, start: QPointF) -> None:
        self._ghost = QGraphicsPathItem()
        self._ghost.setZValue(10)
        self._ghost_start = start
        self.scene().addItem(self._ghost)

    def _drag_ghost(self, end: QPointF, valid: bool) -> None:
        th = self.scene().theme
        path = QPainterPath(self._ghost_start)
        dx = max(40.0, abs(end.x() - self._ghost_start.x()) / 2)
        path.cubicTo(self._ghost_start + QPointF(dx, 0), end - QPointF(dx, 0), end)
        pen = QPen(th.edge_copy if valid else th.dim_text, 2, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self._ghost.setPen(pen)
        self._ghost.setPath(path)

    def _start_row_ghost(self, node: StageNode, line: int) -> None:
        text = next((t for ln, t in node.instructions if ln == line), "")
        ghost = QGraphicsSimpleTextItem(text[:60])
        ghost.setFont(self.scene().theme.mono_font)
        ghost.setBrush(QColor(self.scene().theme.accent))
        ghost.setZValue(10)
        self.scene().addItem(ghost)
        self._ghost = ghost

    def _show_drop_line(self, pos: QPoint) -> None:
        """A line in the box under the mouse where the dragged row would land."""
        target = self._stage_at(pos)
        if self._drop_line is None:
            self._drop_line = QGraphicsLineItem()
            pen = QPen(self.scene().theme.accent, 2)
            pen.setCosmetic(True)
            self._drop_line.setPen(pen)
            self._drop_line.setZValue(10)
            self.scene().addItem(self._drop_line)
        if target is None:
            self._drop_line.hide()
            return
        position = target.drop_position(target.mapFromScene(self.mapToScene(pos)).y())
        y = target.drop_line_y(position)
        a, b = target.mapToScene(QPointF(6, y)), target.mapToScene(QPointF(target.box_rect().width() - 6, y))
        self._drop_line.setLine(a.x(), a.y(), b.x(), b.y())
        self._drop_line.show()

    def _hover_cursor(self, pos: QPoint) -> None:
        """A cross over an output port says "drag from here to copy files"."""
        item, part, _ = self._hit(pos)
        over_port = isinstance(item, StageNode) and part == "out_port"
        if over_port != self._over_port:
            self._over_port = over_port
            if over_port:
                self.viewport().setCursor(Qt.CursorShape.CrossCursor)
            else:
                self.viewport().unsetCursor()

    def _cancel_drag(self) -> None:
        for name in ("_ghost", "_drop_line"):
            item = getattr(self, name)
            if item is not None:
                if item.scene() is self.scene():
                    self.scene().removeItem(item)
                setattr(self, name, None)

    def _finish_connect(self, source: StageNode, target: StageNode) -> None:
        answer = self.ask_copy(self, source.title, target.title)
        if answer:
            paths, dest = answer
            self.sig_add_copy_requested.emit(source.index, target.index, list(paths), dest)

    def _finish_row_drop(self, source: StageNode, line: int, pos: QPoint) -> None:
        target = self._stage_at(pos)
        if target is None:
            return
        gap = target.drop_position(target.mapFromScene(self.mapToScene(pos)).y())
        self.emit_move(source, line, target, gap)

    def emit_move(self, source: StageNode, line: int, target: StageNode, gap: int) -> None:
        """Ask to move the row ``line`` of ``source`` into the ``gap`` (the index of the
        row it goes before, as the box shows now) of ``target``. The signal carries the
        index the instruction will have afterwards (0 = right after FROM), as the core's
        move_instruction expects; a move onto itself emits nothing."""
        position = gap
        if target is source:
            current = next((i for i, (ln, _) in enumerate(source.instructions) if ln == line), -1)
            if gap > current:
                position -= 1  # the row leaves its old place above the gap
            if position == current:
                return
        self.sig_move_instruction_requested.emit(line, target.index, position)
