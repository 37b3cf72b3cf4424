"""Mouse and keyboard gestures of the graph view, turned into intent signals.

Kept apart from view.py so the public API stays readable. Gestures: pan (middle drag
or space+drag), Ctrl+wheel zoom, drag from an output port to a stage (copy), drag an
instruction row (move), chevron (expand), double-click title / F2 (rename), double-click
base line (set base), Delete (remove), arrow keys (walk), context menus. The two
drags that create intents live in drags.py.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu

from studio.ui.graph.dialogs import STAGE_NAME, name_validator
from studio.ui.graph.drags import DragMixin
from studio.ui.graph.edge_item import EdgeItem
from studio.ui.graph.image_node import ImageNode
from studio.ui.graph.stage_node import StageNode

ARROWS = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down)


class InlineEditor(QLineEdit):
    """The rename box laid over a stage title; Escape cancels, Enter or focus-out commits."""

    sig_cancelled = Signal()

    def event(self, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ShortcutOverride and event.key() == Qt.Key.Key_Escape:
            event.accept()  # Esc is ours while renaming: the window's Esc (cancel a build) must not take it
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Escape:
            self.sig_cancelled.emit()
            return
        super().keyPressEvent(event)


class GestureMixin(DragMixin):
    """Mixed into GraphView (a QGraphicsView with the sig_* signals)."""

    def init_gestures(self) -> None:
        self._pan_from: QPoint | None = None
        self._space = False
        self._press: dict | None = None  # what the left button went down on
        self._move_start: dict = {}
        self.removing_edge_source: int | str | None = None  # set while a removal request is handled
        self._editor = InlineEditor(self.viewport())
        self._editor.setObjectName("graphRenameEditor")
        self._editor.setValidator(name_validator(self._editor))
        self._editor.hide()
        self._editor_index = -1
        self._editor.editingFinished.connect(self._commit_rename)
        self._editor.sig_cancelled.connect(self._cancel_rename)

    # ----- helpers ----------------------------------------------------------------
    def _hit(self, pos: QPoint):
        """(item, part, line) under a viewport position."""
        scene_pos = self.mapToScene(pos)
        for item in self.scene().items(scene_pos):
            if isinstance(item, StageNode):
                part, line = item.part_at(item.mapFromScene(scene_pos))
                return item, part, line
            if isinstance(item, (ImageNode, EdgeItem)):
                return item, "body", None
        return None, "background", None

    def _select_only(self, item) -> None:
        scene = self.scene()
        scene.blockSignals(True)
        scene.clearSelection()
        scene.blockSignals(False)
        item.setSelected(True)

    # ----- rename -----------------------------------------------------------------
    def start_rename(self, node: StageNode) -> None:
        """Show the inline editor over ``node``'s title."""
        rect = self.mapFromScene(node.mapToScene(node.title_rect())).boundingRect()
        self._editor_index = node.index
        self._editor.setFont(self.scene().theme.title_font)
        self._editor.setText(node.title if not node.title.startswith("#") else "")
        self._editor.setGeometry(rect.adjusted(-2, -2, 2, 2))
        self._editor.setMinimumHeight(24)
        self._editor.show()
        self._editor.selectAll()
        self._editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _commit_rename(self) -> None:
        if not self._editor.isVisible():
            return
        text = self._editor.text().strip()
        index = self._editor_index
        self._editor.hide()
        self.setFocus()
        node = self.scene().by_index.get(index)
        if node is not None and STAGE_NAME.match(text) and text != node.title:
            self.sig_rename_requested.emit(index, text)

    def _cancel_rename(self) -> None:
        self._editor.hide()
        self.setFocus()

    # ----- context menu -------------------------------------------------------------
    def build_context_menu(self, pos: QPoint) -> QMenu:
        """The menu for whatever is under ``pos`` (viewport coordinates)."""
        item, part, line = self._hit(pos)
        menu = QMenu(self)

        def add(text: str, slot, shortcut: str | None = None, enabled: bool = True) -> QAction:
            action = menu.addAction(text)
            action.triggered.connect(slot)
            action.setEnabled(enabled)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            return action

        if isinstance(item, StageNode) and part == "row":
            node, rows = item, [ln for ln, _ in item.instructions]
            at = rows.index(line)
            add("Show in text", lambda: self.sig_line_activated.emit(line))
            add("Move up", lambda: self.emit_move(node, line, node, at - 1), enabled=at > 0)
            add("Move down", lambda: self.emit_move(node, line, node, at + 2), enabled=at + 1 < len(rows))
            menu.addSeparator()
        if isinstance(item, StageNode):
            node = item
            add("Rename…", lambda: self.start_rename(node), "F2")
            add("Change base…", lambda: self._ask_base(node))
            add("Build this stage (set as target)", lambda: self.sig_set_target_requested.emit(node.index),
                enabled=not node.is_target)
            if node.collapsible:
                add("Collapse" if node.expanded else "Show all instructions", lambda: self.toggle_expanded(node))
            menu.addSeparator()
            add("Remove stage", lambda: self.sig_remove_stage_requested.emit(node.index), "Del")
        elif isinstance(item, EdgeItem):
            edge = item
            if edge.kind == "from":
                add("Change base…", lambda: self._ask_base(edge.target_item))
            else:
                add("Remove this dependency", lambda: self.request_edge_removal(edge), "Del")
        elif isinstance(item, ImageNode):
            ref = item.ref
            add("New stage from this image…", lambda: self.request_add_stage(base=ref))
        else:
            add("Add stage…", lambda: self.request_add_stage())
            menu.addSeparator()
            add("Fit to view", self.fit_to_view, "F")
            add("Arrange automatically", self.relayout)
        return menu

    def contextMenuEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.build_context_menu(event.pos()).exec(event.globalPos())

    def request_add_stage(self, after: int = -1, base: str = "") -> None:
        """Ask a name and base, then emit sig_add_stage_requested (toolbar / menu)."""
        taken = {n.title.lower() for n in self.scene().by_index.values()}
        answer = self.ask_new_stage(self, taken, base)
        if answer:
            self.sig_add_stage_requested.emit(answer[0], answer[1], after)

    def _ask_base(self, node: StageNode) -> None:
        answer = self.ask_base(self, node.title, node.base)
        if answer and answer != node.base:
            self.sig_set_base_requested.emit(node.index, answer)

    # ----- keyboard -----------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif ctrl and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif ctrl and key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif ctrl and key == Qt.Key.Key_0:
            self.reset_zoom()
        elif key == Qt.Key.Key_F and not ctrl:
            self.fit_to_view()
        elif key == Qt.Key.Key_F2 and self.selected_stage() is not None:
            self.start_rename(self.selected_stage())
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected_stage() is not None:
            self.sig_line_activated.emit(self.selected_stage().line)
        elif key in ARROWS and not ctrl and self.selected_stage() is not None:
            self._step_selection(key)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self._delete_selected()
        elif key == Qt.Key.Key_Escape:
            self._cancel_drag()
            self.scene().clearSelection()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def keyReleaseEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.viewport().unsetCursor()
        super().keyReleaseEvent(event)

    def _step_selection(self, key) -> None:
        """Arrow keys walk the graph: left to a producer, right to a consumer, up and
        down to the nearest box above or below."""
        node = self.selected_stage()
        here = node.sceneBoundingRect().center()
        if key == Qt.Key.Key_Left:
            options = [e.source_item for e in node.edges if e.target_item is node]
        elif key == Qt.Key.Key_Right:
            options = [e.target_item for e in node.edges if e.source_item is node]
        else:
            below = key == Qt.Key.Key_Down
            options = [n for n in self.scene().by_index.values() if n is not node
                       and (n.sceneBoundingRect().center().y() > here.y()) == below
                       and n.sceneBoundingRect().center().y() != here.y()]
        options = [n for n in options if isinstance(n, StageNode)]
        if not options:
            return
        best = min(options, key=lambda n: (n.sceneBoundingRect().center() - here).manhattanLength())
        self._select_only(best)
        self.reveal(best.sceneBoundingRect())

    def _delete_selected(self) -> None:
        node, edge = self.selected_stage(), self.selected_edge()
        if node is not None:
            self.sig_remove_stage_requested.emit(node.index)
        elif edge is not None and edge.kind != "from":
            self.request_edge_removal(edge)

    def request_edge_removal(self, edge) -> None:
        """Ask to remove ``edge``. While the request is handled, ``removing_edge_source``
        names its producer (stage index or image), so a RUN that mounts from several
        stages loses just this one mount."""
        producer = edge.source_item
        self.removing_edge_source = producer.index if hasattr(producer, "index") else getattr(producer, "ref", None)
        try:
            self.sig_remove_edge_requested.emit(edge.line)
        finally:
            self.removing_edge_source = None

    def wheelEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120.0
            self.set_zoom(self.zoom() * (1.15 ** steps), anchor_under_mouse=True)
            event.accept()
            return
        super().wheelEvent(event)

    # ----- mouse --------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        pos = event.position().toPoint()
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (button == Qt.MouseButton.LeftButton and self._space):
            self._pan_from = pos
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if button == Qt.MouseButton.LeftButton:
            item, part, line = self._hit(pos)
            if isinstance(item, StageNode) and part == "out_port":
                self._press = {"kind": "connect", "node": item, "pos": pos}
                self._start_ghost(item.out_port())
                event.accept()
                return
            if isinstance(item, StageNode) and part == "chevron":
                self.toggle_expanded(item)
                event.accept()
                return
            if isinstance(item, StageNode) and part == "row":
                self._select_only(item)
                self._press = {"kind": "row", "node": item, "line": line, "pos": pos, "dragging": False}
                event.accept()
                return
        super().mousePressEvent(event)
        if button == Qt.MouseButton.LeftButton and self.scene().mouseGrabberItem() is not None:
            self._move_start = {i: i.pos() for i in self.scene().selectedItems()
                                if isinstance(i, (StageNode, ImageNode))}

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt override)
        pos = event.position().toPoint()
        if self._pan_from is not None:
            delta = pos - self._pan_from
            self._pan_from = pos
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            event.accept()
            return
        press = self._press
        if press and press["kind"] == "connect":
            self._drag_ghost(self.mapToScene(pos), self._connect_target(pos) is not None)
            event.accept()
            return
        if press and press["kind"] == "row":
            if not press["dragging"] and (pos - press["pos"]).manhattanLength() >= QApplication.startDragDistance():
                press["dragging"] = True
                self._start_row_ghost(press["node"], press["line"])
            if press["dragging"]:
                self._ghost.setPos(self.mapToScene(pos) + QPointF(8, 4))
                self._show_drop_line(pos)
            event.accept()
            return
        if not event.buttons() and not self._space:
            self._hover_cursor(pos)
        if self._move_start and not self.scene().dragging:
            self.scene().set_dragging(True, list(self._move_start))
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt override)
        pos = event.position().toPoint()
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self._space else Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        press, self._press = self._press, None
        if press and press["kind"] == "connect":
            self._cancel_drag()
            target = self._connect_target(pos, press["node"])
            if target is not None:
                self._finish_connect(press["node"], target)
            event.accept()
            return
        if press and press["kind"] == "row":
            self._cancel_drag()
            if press["dragging"]:
                self._finish_row_drop(press["node"], press["line"], pos)
            event.accept()
            return
        super().mouseReleaseEvent(event)
        moved = [i for i, p in self._move_start.items() if i.scene() is self.scene() and i.pos() != p]
        self._move_start = {}
        self.scene().set_dragging(False)
        if moved:
            self._update_scene_rect()
            self._refresh_minimap()
            self.sig_positions_changed.emit()

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 (Qt override)
        item, part, line = self._hit(event.position().toPoint())
        if isinstance(item, ImageNode) and item.edges:
            self.sig_line_activated.emit(min(e.line for e in item.edges))  # where it is first used
            event.accept()
            return
        if isinstance(item, StageNode):
            if part == "title":
                self.start_rename(item)
            elif part == "base":
                self._ask_base(item)
            elif part == "row" and line is not None:
                self.sig_line_activated.emit(line)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)
