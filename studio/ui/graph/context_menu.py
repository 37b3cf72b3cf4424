"""The graph's right-click menu: what can be done with the thing under the mouse. Every
entry either changes the view (fit, arrange, expand) or asks the interaction controller
to emit an intent; none edits anything itself."""
from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from studio.ui.graph.edge_item import EdgeItem
from studio.ui.graph.image_node import ImageNode
from studio.ui.graph.stage_node import StageNode


def build_context_menu(interaction, pos: QPoint) -> QMenu:
    """The menu for whatever is under ``pos`` (viewport coordinates)."""
    view = interaction.view
    item, part, line = interaction.hit(pos)
    menu = QMenu(view)

    def add(text: str, slot, shortcut: str | None = None, enabled: bool = True) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(lambda _checked=False: slot())  # (not triggered's bool as an argument)
        action.setEnabled(enabled)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        return action

    if isinstance(item, StageNode) and part == "row":
        node, rows = item, [ln for ln, _ in item.instructions]
        at = rows.index(line)
        add("Show in text", lambda: interaction.sig_line_activated.emit(line))
        add("Move up", lambda: interaction.request_move(node, line, node, at - 1), enabled=at > 0)
        add("Move down", lambda: interaction.request_move(node, line, node, at + 2), enabled=at + 1 < len(rows))
        menu.addSeparator()
    if isinstance(item, StageNode):
        node = item
        add("Rename…", lambda: interaction.start_rename(node), "F2")
        add("Change base…", lambda: interaction.ask_set_base(node))
        add("Build this stage (set as target)", lambda: interaction.sig_set_target_requested.emit(node.key),
            enabled=not node.is_target)
        if node.collapsible:
            add("Collapse" if node.expanded else "Show all instructions", lambda: view.toggle_expanded(node))
        menu.addSeparator()
        add("Remove stage", lambda: interaction.sig_remove_stage_requested.emit(node.key), "Del")
    elif isinstance(item, EdgeItem):
        edge = item
        if edge.kind == "from":
            add("Change base…", lambda: interaction.ask_set_base(edge.target_item))
        else:
            add("Remove this dependency", lambda: interaction.request_edge_removal(edge), "Del")
    elif isinstance(item, ImageNode):
        ref = item.ref
        add("New stage from this image…", lambda: interaction.request_add_stage(base=ref))
    else:
        add("Add stage here…", lambda: interaction.request_add_stage(after=interaction.stage_left_of(pos)))
        menu.addSeparator()
        add("Fit to view", view.fit_to_view, "F")
        add("Arrange automatically", view.relayout)
    for extend in interaction.menu_extensions:
        extend(menu, item, part, line)
    return menu
