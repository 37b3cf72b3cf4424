"""Designing in the boxes: the gestures that add, change, remove and duplicate
instructions, re-point edges and start refactorings, turned into intent signals.

It sits beside ``GraphInteraction`` (installed after it, so it sees events first) and
claims only its own gestures: a click on a "+" (shown on hover at the end of a box and
between rows), a double-click on a row (edit in place), Del and Ctrl+D on a clicked
row, and a drag that starts on the source half of an edge (re-point it). Everything
else passes on unchanged. Intents carry stage keys and lines, never text offsets; the
window's design controller resolves them and makes the core edit. Questions (the
palette, names, paths) go through replaceable ``ask_*`` attributes, as in
``GraphInteraction``, and the answers the text pane would give come through ``check``.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem

from studio.ui.graph import design_dialogs
from studio.ui.graph import theme as T
from studio.ui.graph.drags import RepointDrag
from studio.ui.graph.edge_item import EdgeItem
from studio.ui.graph.instruction_palette import ask_instruction
from studio.ui.graph.plus_item import PlusItem
from studio.ui.graph.row_editor import RowEditor
from studio.ui.graph.stage_node import StageNode

_NEAR_ROW_GAP = 5.0  # scene units from a row boundary that show the between-rows "+"


class DesignInteraction(QObject):
    """Design gestures over one GraphView (``window.design.interaction``)."""

    _viewport = view = None  # (events can arrive while the view is torn down)

    sig_add_instruction_requested = Signal(str, int, str)  # stage key, position, text
    sig_set_instruction_requested = Signal(int, str)  # line, text
    sig_remove_instruction_requested = Signal(int)
    sig_duplicate_instruction_requested = Signal(int)
    sig_repoint_requested = Signal(int, str, str)  # line, producer key now, stage key to use
    sig_duplicate_stage_requested = Signal(str, str)  # stage key, new name
    sig_insert_stage_requested = Signal(str, str, str)  # name, base, key of the stage it goes before
    sig_extract_requested = Signal(str, int, int, str, list)  # stage key, first line, last line, name, paths
    sig_slim_requested = Signal(str, str, list)  # stage key, image, paths
    sig_inline_requested = Signal(str)  # stage key

    def __init__(self, view) -> None:
        super().__init__(view)
        self.view = view
        scene = view.scene()
        self.end_plus = PlusItem(scene.theme, "end")
        self.gap_plus = PlusItem(scene.theme, "gap")
        scene.addItem(self.end_plus)
        scene.addItem(self.gap_plus)
        self.row_mark = QGraphicsRectItem()
        self.row_mark.setPen(QPen(scene.theme.accent, 1.5))
        self.row_mark.setBrush(QColor(scene.theme.accent.red(), scene.theme.accent.green(),
                                      scene.theme.accent.blue(), 40))
        self.row_mark.setZValue(8)
        self.row_mark.hide()
        scene.addItem(self.row_mark)
        self.editor = RowEditor(view)
        self.editor.sig_committed.connect(self.sig_set_instruction_requested)
        self.selected_row: tuple[str, int] | None = None  # (stage key, line)
        self.drag: RepointDrag | None = None
        # answers from the window's design controller (plain values, never the document)
        self.check = lambda key, position, line, text: []
        self.instruction_text = lambda line: ""
        self.stage_from = lambda key: None  # (base as written, name, platform) of a stage's FROM
        self.ask_instruction = ask_instruction
        self.ask_name = design_dialogs.ask_name
        self.ask_insert_stage = design_dialogs.ask_insert_stage
        self.ask_extract = design_dialogs.ask_extract
        self.ask_slim = design_dialogs.ask_slim
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)
        view.installEventFilter(self)
        view.interaction.menu_extensions.append(self.extend_menu)

    # ----- events ----------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if watched is self._viewport:
            handler = {QEvent.Type.MouseButtonPress: self._press, QEvent.Type.MouseMove: self._move,
                       QEvent.Type.MouseButtonRelease: self._release,
                       QEvent.Type.MouseButtonDblClick: self._double_click}.get(kind)
        elif watched is self.view and kind == QEvent.Type.KeyPress:
            handler = self._key
        else:
            handler = None
        if handler is None or not handler(event):
            return False
        event.accept()
        return True

    def _press(self, event) -> bool:
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        pos = event.position().toPoint()
        scene_pos = self.view.mapToScene(pos)
        for plus in (self.gap_plus, self.end_plus):
            if plus.hit(scene_pos):
                self.request_add(plus.key, plus.position)
                return True
        item, part, line = self.view.interaction.hit(pos)
        if isinstance(item, StageNode) and part == "row" and line is not None:
            self.select_row(item, line)
            return False  # the interaction selects the box and may start moving the row
        self.clear_row()
        edge = self._edge_near_source(pos)
        if edge is not None:
            self.drag = RepointDrag(self, edge)
            return True
        return False

    def _move(self, event) -> bool:
        pos = event.position().toPoint()
        if self.drag is not None:
            self.drag.move(pos)
            return True
        if not event.buttons():
            self._hover(self.view.mapToScene(pos))
        return False

    def _release(self, event) -> bool:
        drag, self.drag = self.drag, None
        if drag is None:
            return False
        drag.finish(event.position().toPoint())
        return True

    def _double_click(self, event) -> bool:
        item, part, line = self.view.interaction.hit(event.position().toPoint())
        if isinstance(item, StageNode) and part == "row" and line is not None:
            # after the click sequence ends: the release must not land in the new editor
            QTimer.singleShot(0, lambda: self.edit_row(item, line))
            return True
        return False

    def _key(self, event) -> bool:
        key, ctrl = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        node = self.view.selected_stage()
        row = self.selected_row if node is not None and self.selected_row and self.selected_row[0] == node.key else None
        if row is not None and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.clear_row()
            self.sig_remove_instruction_requested.emit(row[1])
            return True
        if ctrl and key == Qt.Key.Key_D and row is not None:
            self.sig_duplicate_instruction_requested.emit(row[1])
            return True
        if ctrl and key == Qt.Key.Key_D and node is not None:
            self.request_duplicate_stage(node)
            return True
        return False

    # ----- hover "+" ---------------------------------------------------------------------
    def _hover(self, scene_pos: QPointF) -> None:
        if self.end_plus.hit(scene_pos) or self.gap_plus.hit(scene_pos):
            return
        node = next((n for n in self.view.stage_nodes().values()
                     if n.sceneBoundingRect().adjusted(-10, 0, 0, 14).contains(scene_pos)), None)
        if node is None:
            self.end_plus.hide()
            self.gap_plus.hide()
            return
        count = len(node.instructions)
        self.end_plus.show_at(node.mapToScene(QPointF(T.NODE_WIDTH / 2, node.height + 10)), node.key, count)
        local = node.mapFromScene(scene_pos)
        position = node.rows.drop_position(local.y())
        gap_y = node.rows.drop_line_y(position)
        rows_top = T.HEADER_H + T.BASE_H
        if local.y() >= rows_top - _NEAR_ROW_GAP and abs(local.y() - gap_y) <= _NEAR_ROW_GAP and position < count:
            self.gap_plus.show_at(node.mapToScene(QPointF(0, gap_y)), node.key, position, T.NODE_WIDTH)
        else:
            self.gap_plus.hide()

    # ----- rows ---------------------------------------------------------------------------
    def select_row(self, node: StageNode, line: int) -> None:
        self.selected_row = (node.key, line)
        rect = self.row_rect(node, line)
        self.row_mark.setRect(node.mapRectToScene(rect))
        self.row_mark.show()

    def clear_row(self) -> None:
        self.selected_row = None
        self.row_mark.hide()

    def graph_changed(self) -> None:
        """The boxes were redrawn from a new parse: row marks and hover buttons are stale."""
        self.clear_row()
        self.end_plus.hide()
        self.gap_plus.hide()

    @staticmethod
    def row_rect(node: StageNode, line: int) -> QRectF:
        lines = [ln for ln, _ in node.instructions]
        top = node.rows.drop_line_y(lines.index(line)) if line in lines else T.HEADER_H + T.BASE_H
        return QRectF(2, top, T.NODE_WIDTH - 4, T.ROW_H)

    def edit_row(self, node: StageNode, line: int) -> None:
        """Open the in-place editor on the row of ``line``."""
        rect = self.view.mapFromScene(node.mapRectToScene(self.row_rect(node, line))).boundingRect()
        self.editor.start(rect, line, self.instruction_text(line),
                          lambda text: self.check(node.key, None, line, text))

    # ----- requests -------------------------------------------------------------------------
    def request_add(self, key: str, position: int) -> None:
        node = next((n for n in self.view.stage_nodes().values() if n.key == key), None)
        title = node.title if node is not None else key
        text = self.ask_instruction(self.view, f"Add an instruction to {title}",
                                    lambda t: self.check(key, position, None, t), self.stage_from(key))
        if text:
            self.sig_add_instruction_requested.emit(key, position, text)

    def request_repoint(self, edge: EdgeItem, node: StageNode) -> None:
        self.sig_repoint_requested.emit(edge.line, edge.source_item.key, node.key)

    def request_duplicate_stage(self, node: StageNode) -> None:
        taken = {n.title.lower() for n in self.view.stage_nodes().values()}
        name = self.ask_name(self.view, f"Duplicate {node.title}", "Name of the copy:",
                             f"{node.title}-copy" if not node.title.startswith("#") else "copy", taken)
        if name:
            self.sig_duplicate_stage_requested.emit(node.key, name)

    def request_insert_stage(self, node: StageNode) -> None:
        taken = {n.title.lower() for n in self.view.stage_nodes().values()}
        answer = self.ask_insert_stage(self.view, node.title, node.base, taken)
        if answer:
            self.sig_insert_stage_requested.emit(answer[0], answer[1], node.key)

    def request_extract(self, node: StageNode, line: int) -> None:
        rows = [(ln, text) for ln, text in node.instructions]
        taken = {n.title.lower() for n in self.view.stage_nodes().values()}
        answer = self.ask_extract(self.view, node.title, rows, line, taken)
        if answer:
            first, last, name, paths = answer
            self.sig_extract_requested.emit(node.key, first, last, name, list(paths))

    def request_slim(self, node: StageNode) -> None:
        answer = self.ask_slim(self.view, node.title)
        if answer:
            self.sig_slim_requested.emit(node.key, answer[0], list(answer[1]))

    def _edge_near_source(self, pos) -> EdgeItem | None:
        """An edge pressed on its source half (where its producer end can be dragged)."""
        scene_pos = self.view.mapToScene(pos)
        for item in self.view.scene().items(scene_pos):
            if isinstance(item, StageNode):
                return None  # boxes and ports keep their own gestures
            if isinstance(item, EdgeItem) and item.line > 0:
                path = item.path()
                nearest = min(range(51), key=lambda i: (path.pointAtPercent(i / 50) - scene_pos).manhattanLength())
                if nearest <= 20:
                    return item
        return None

    # ----- context menu ------------------------------------------------------------------------
    def extend_menu(self, menu, item, part, line) -> None:
        """Design entries for the thing under the mouse (GraphInteraction's menu calls this)."""
        def add(text: str, slot, shortcut: str = "") -> None:
            action = menu.addAction(text)
            action.triggered.connect(slot)
            if shortcut:
                action.setShortcut(shortcut)

        if not isinstance(item, StageNode):
            return
        node = item
        menu.addSeparator()
        if part == "row" and line is not None:
            index = [ln for ln, _ in node.instructions].index(line)
            add("Edit instruction", lambda: self.edit_row(node, line))
            add("Duplicate instruction", lambda: self.sig_duplicate_instruction_requested.emit(line), "Ctrl+D")
            add("Delete instruction", lambda: self.sig_remove_instruction_requested.emit(line), "Del")
            add("Insert instruction above…", lambda: self.request_add(node.key, index))
            add("Extract into a builder stage…", lambda: self.request_extract(node, line))
        add("Add instruction…", lambda: self.request_add(node.key, len(node.instructions)))
        add("Duplicate stage…", lambda: self.request_duplicate_stage(node))
        add("Insert stage before this one…", lambda: self.request_insert_stage(node))
        add("Slim this stage…", lambda: self.request_slim(node))
        add("Inline into the stage that copies from it…", lambda: self.sig_inline_requested.emit(node.key))
