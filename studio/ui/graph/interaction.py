"""The graph's interaction controller: what the mouse and keyboard mean over the view.

It watches the view's events (an event filter; the viewer itself knows nothing of
gestures) and turns gestures into intent signals that carry stage keys (``build``,
``stage-2``, as ``Stage.key`` and the scene name them), never indexes or text: the
window's edit controller resolves a key against the document it shows and makes the
core edit. Gestures: pan (middle drag or space+drag), Ctrl+wheel zoom, drag from an
output port (copy), drag an instruction row (move), chevron (expand), double-click
title or F2 (rename), double-click base line (set base), Delete (remove), arrow keys
(walk), Enter (show in text), context menus (``context_menu.py``).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal

from studio.ui.graph import dialogs
from studio.ui.graph.context_menu import build_context_menu
from studio.ui.graph.drags import ConnectDrag, Drag, RowDrag
from studio.ui.graph.edge_item import EdgeItem
from studio.ui.graph.image_node import ImageNode
from studio.ui.graph.rename import InlineRename
from studio.ui.graph.stage_node import StageNode

ARROWS = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down)
_MOUSE = {QEvent.Type.MouseButtonPress: "_press", QEvent.Type.MouseMove: "_move",
          QEvent.Type.MouseButtonRelease: "_release", QEvent.Type.MouseButtonDblClick: "_double_click",
          QEvent.Type.Wheel: "_wheel", QEvent.Type.ContextMenu: "_context_menu"}
_KEYS = {QEvent.Type.KeyPress: "_key_press", QEvent.Type.KeyRelease: "_key_release"}


class GraphInteraction(QObject):
    """Gestures over one GraphView (``view.interaction``). Stage keys in every intent."""

    sig_rename_requested = Signal(str, str)  # stage key, new name
    sig_add_copy_requested = Signal(str, str, list, str)  # producer key, consumer key, paths, dest
    sig_remove_edge_requested = Signal(int, str)  # the edge's line, its producer (stage key or image)
    sig_remove_stage_requested = Signal(str)
    sig_add_stage_requested = Signal(str, str, str)  # name, base, stage key to insert after ("": default)
    sig_set_base_requested = Signal(str, str)  # stage key, image
    sig_move_instruction_requested = Signal(int, str, int)  # line, stage key, its index there afterwards
    sig_set_target_requested = Signal(str)
    sig_line_activated = Signal(int)  # show this line in the text
    _viewport = view = None  # (events can arrive while the view is torn down)

    def __init__(self, view) -> None:
        super().__init__(view)
        self.view = view
        self.ask_copy = dialogs.ask_copy  # replaceable (tests answer without a modal dialog)
        self.ask_new_stage = dialogs.ask_new_stage
        self.ask_base = dialogs.ask_base
        self.menu_extensions: list = []  # (menu, item, part, line) -> None: more entries (design gestures)
        self.rename = InlineRename(view)
        self.rename.sig_renamed.connect(self.sig_rename_requested)
        self.drag: Drag | None = None  # from press to release
        self._pan_from: QPoint | None = None
        self._space = False
        self._over_port = False
        self._move_start: dict | None = None  # boxes under a move, and where they were
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)
        view.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        name = _MOUSE.get(kind) if watched is self._viewport else _KEYS.get(kind) if watched is self.view else None
        if name is None:
            return False
        handled = bool(getattr(self, name)(event))
        if handled:
            event.accept()
        return handled

    # ----- what is where -------------------------------------------------------------
    def hit(self, pos: QPoint):
        """(item, part, line) under a viewport position."""
        scene_pos = self.view.mapToScene(pos)
        for item in self.view.scene().items(scene_pos):
            if isinstance(item, StageNode):
                part, line = item.part_at(item.mapFromScene(scene_pos))
                return item, part, line
            if isinstance(item, (ImageNode, EdgeItem)):
                return item, "body", None
        return None, "background", None

    def select_only(self, item) -> None:
        scene = self.view.scene()
        scene.blockSignals(True)
        scene.clearSelection()
        scene.blockSignals(False)
        item.setSelected(True)

    def build_context_menu(self, pos: QPoint):
        return build_context_menu(self, pos)

    # ----- intents that need a question or a translation first -----------------------
    def start_rename(self, node: StageNode) -> None:
        self.rename.start(node)

    def ask_set_base(self, node: StageNode) -> None:
        answer = self.ask_base(self.view, node.title, node.base)
        if answer and answer != node.base:
            self.sig_set_base_requested.emit(node.key, answer)

    def request_add_stage(self, after: str = "", base: str = "") -> None:
        """Ask a name and base, then emit sig_add_stage_requested (toolbar / menu)."""
        taken = {n.title.lower() for n in self.view.stage_nodes().values()}
        answer = self.ask_new_stage(self.view, taken, base)
        if answer:
            self.sig_add_stage_requested.emit(answer[0], answer[1], after)

    def stage_left_of(self, pos: QPoint) -> str:
        """Where a stage added at ``pos`` goes: after the last stage (in file order) whose
        box lies left of the point, as columns run left to right in build order ("" when
        none does: the default place, before the final stage)."""
        x = self.view.mapToScene(pos).x()
        left = [n for n in self.view.stage_nodes().values() if n.sceneBoundingRect().center().x() < x]
        return max(left, key=lambda n: n.index).key if left else ""

    def request_copy(self, source: StageNode, target: StageNode) -> None:
        answer = self.ask_copy(self.view, source.title, target.title)
        if answer:
            paths, dest = answer
            self.sig_add_copy_requested.emit(source.key, target.key, list(paths), dest)

    def request_edge_removal(self, edge: EdgeItem) -> None:
        """Ask to remove ``edge``, naming its producer, so a RUN that mounts from several
        stages loses just this one mount."""
        self.sig_remove_edge_requested.emit(edge.line, edge.source_item.key)

    def request_move(self, source: StageNode, line: int, target: StageNode, gap: int) -> None:
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
        self.sig_move_instruction_requested.emit(line, target.key, position)

    def delete_selected(self) -> None:
        node, edge = self.view.selected_stage(), self.view.selected_edge()
        if node is not None:
            self.sig_remove_stage_requested.emit(node.key)
        elif edge is not None and edge.kind != "from":
            self.request_edge_removal(edge)

    def step_selection(self, key) -> None:
        """Arrow keys walk the graph: left to a producer, right to a consumer, up and
        down to the nearest box above or below."""
        node = self.view.selected_stage()
        here = node.sceneBoundingRect().center()
        if key == Qt.Key.Key_Left:
            options = [e.source_item for e in node.edges if e.target_item is node]
        elif key == Qt.Key.Key_Right:
            options = [e.target_item for e in node.edges if e.source_item is node]
        else:
            below = key == Qt.Key.Key_Down
            options = [n for n in self.view.stage_nodes().values() if n is not node
                       and (n.sceneBoundingRect().center().y() > here.y()) == below
                       and n.sceneBoundingRect().center().y() != here.y()]
        options = [n for n in options if isinstance(n, StageNode)]
        if options:
            best = min(options, key=lambda n: (n.sceneBoundingRect().center() - here).manhattanLength())
            self.select_only(best)
            self.view.reveal(best.sceneBoundingRect())

    # ----- keyboard -------------------------------------------------------------------
    def _key_press(self, event) -> bool:
        view, key = self.view, event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        node = view.selected_stage()
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            view.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif ctrl and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            view.zoom_in()
        elif ctrl and key == Qt.Key.Key_Minus:
            view.zoom_out()
        elif ctrl and key == Qt.Key.Key_0:
            view.reset_zoom()
        elif key == Qt.Key.Key_F and not ctrl:
            view.fit_to_view()
        elif key == Qt.Key.Key_F2 and node is not None:
            self.start_rename(node)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and node is not None:
            self.sig_line_activated.emit(node.line)
        elif key in ARROWS and not ctrl and node is not None:
            self.step_selection(key)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selected()
        elif key == Qt.Key.Key_Escape:
            self._end_drag()
            view.scene().clearSelection()
        else:
            return False
        return True

    def _key_release(self, event) -> bool:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.view.viewport().unsetCursor()
        return False

    def _wheel(self, event) -> bool:
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False
        steps = event.angleDelta().y() / 120.0
        self.view.set_zoom(self.view.zoom() * (1.15 ** steps), anchor_under_mouse=True)
        return True

    def _context_menu(self, event) -> bool:
        self.build_context_menu(event.pos()).exec(event.globalPos())
        return True

    # ----- mouse ----------------------------------------------------------------------
    def _press(self, event) -> bool:
        pos, button = event.position().toPoint(), event.button()
        self._move_start = None
        if button == Qt.MouseButton.MiddleButton or (button == Qt.MouseButton.LeftButton and self._space):
            self._pan_from = pos
            self.view.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            return True
        if button != Qt.MouseButton.LeftButton:
            return False
        item, part, line = self.hit(pos)
        if not isinstance(item, StageNode) or part not in ("out_port", "chevron", "row"):
            return False  # the scene selects and moves boxes
        if part == "out_port":
            self.drag = ConnectDrag(self, item)
        elif part == "chevron":
            self.view.toggle_expanded(item)
        else:
            self.select_only(item)
            self.drag = RowDrag(self, item, line, pos)
        return True

    def _move(self, event) -> bool:
        view, pos = self.view, event.position().toPoint()
        if self._pan_from is not None:
            delta = pos - self._pan_from
            self._pan_from = pos
            view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() - delta.x())
            view.verticalScrollBar().setValue(view.verticalScrollBar().value() - delta.y())
            return True
        if self.drag is not None:
            self.drag.move(pos)
            return True
        if not event.buttons() and not self._space:
            self._hover_cursor(pos)
        scene = view.scene()
        if self._move_start is None and scene.mouseGrabberItem() is not None:
            self._move_start = {i: i.pos() for i in scene.selectedItems() if isinstance(i, (StageNode, ImageNode))}
        if self._move_start and not scene.dragging:
            scene.set_dragging(True, list(self._move_start))
        return False

    def _release(self, event) -> bool:
        view = self.view
        if self._pan_from is not None:
            self._pan_from = None
            view.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self._space else Qt.CursorShape.ArrowCursor)
            return True
        drag, self.drag = self.drag, None
        if drag is not None:
            drag.finish(event.position().toPoint())
            return True
        start, self._move_start = self._move_start or {}, None
        moved = [i for i, p in start.items() if i.scene() is view.scene() and i.pos() != p]
        view.scene().set_dragging(False)
        if moved:
            view.update_scene_rect()
            view.refresh_overlays()
            view.sig_positions_changed.emit()
        return False

    def _double_click(self, event) -> bool:
        item, part, line = self.hit(event.position().toPoint())
        if isinstance(item, ImageNode) and item.edges:
            self.sig_line_activated.emit(min(e.line for e in item.edges))  # where it is first used
            return True
        if not isinstance(item, StageNode):
            return False
        if part == "title":
            self.start_rename(item)
        elif part == "base":
            self.ask_set_base(item)
        elif part == "row" and line is not None:
            self.sig_line_activated.emit(line)
        return True

    def _hover_cursor(self, pos: QPoint) -> None:
        """A cross over an output port says "drag from here to copy files"."""
        item, part, _ = self.hit(pos)
        over_port = isinstance(item, StageNode) and part == "out_port"
        if over_port != self._over_port:
            self._over_port = over_port
            if over_port:
                self.view.viewport().setCursor(Qt.CursorShape.CrossCursor)
            else:
                self.view.viewport().unsetCursor()

    def _end_drag(self) -> None:
        if self.drag is not None:
            self.drag.cancel()
            self.drag = None
