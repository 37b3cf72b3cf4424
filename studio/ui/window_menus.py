"""The main window's menus and their standard shortcuts. Edit actions always act on the
text document, so Ctrl+Z undoes graph gestures and typing alike from either pane."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu

if TYPE_CHECKING:
    from studio.ui.main_window import MainWindow

Key = QKeySequence.StandardKey


def _add(window: MainWindow, menu: QMenu, name: str, text: str, slot, shortcut=None, tip: str = "") -> QAction:
    action = QAction(text, window)
    action.setObjectName(f"action_{name}")
    if shortcut is not None:
        action.setShortcuts(QKeySequence.keyBindings(shortcut) if isinstance(shortcut, Key) else [QKeySequence(shortcut)])
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    window.actions_by_name[name] = action
    return action


def build_menus(window: MainWindow) -> None:
    bar = window.menuBar()
    editor = window.editor
    file_menu = bar.addMenu("&File")
    _add(window, file_menu, "new", "&New", lambda: window.new_file(""), Key.New)
    _add(window, file_menu, "new_from_example", "New from &Example…", window.new_from_example, "Ctrl+Shift+N",
         "Start from one of the bundled example Dockerfiles")
    _add(window, file_menu, "open", "&Open…", window.open_dialog, Key.Open)
    window.recent_menu = file_menu.addMenu("Open &Recent")
    window._refresh_recent_menu()
    file_menu.addSeparator()
    _add(window, file_menu, "save", "&Save", window.save, Key.Save)
    _add(window, file_menu, "save_as", "Save &As…", window.save_as, "Ctrl+Shift+S")
    _add(window, file_menu, "revert", "Re&vert to Saved", window.revert, tip="Reload the file from disk (undoable)")
    file_menu.addSeparator()
    _add(window, file_menu, "export_png", "Export Graph as &PNG…", lambda: window.export_graph("png"))
    _add(window, file_menu, "export_svg", "Export Graph as S&VG…", lambda: window.export_graph("svg"))
    file_menu.addSeparator()
    _add(window, file_menu, "quit", "&Quit", window.close, Key.Quit)

    edit_menu = bar.addMenu("&Edit")
    undo = _add(window, edit_menu, "undo", "&Undo", editor.undo, Key.Undo)
    redo = _add(window, edit_menu, "redo", "&Redo", editor.redo, Key.Redo)
    undo.setEnabled(False)
    redo.setEnabled(False)
    editor.document().undoAvailable.connect(undo.setEnabled)
    editor.document().redoAvailable.connect(redo.setEnabled)
    edit_menu.addSeparator()
    _add(window, edit_menu, "cut", "Cu&t", editor.cut, Key.Cut)
    _add(window, edit_menu, "copy", "&Copy", editor.copy, Key.Copy)
    _add(window, edit_menu, "paste", "&Paste", editor.paste, Key.Paste)
    _add(window, edit_menu, "select_all", "Select &All", editor.selectAll, Key.SelectAll)
    edit_menu.addSeparator()
    _add(window, edit_menu, "find", "&Find…", lambda: window.find_bar.open_find(False), Key.Find)
    _add(window, edit_menu, "replace", "R&eplace…", lambda: window.find_bar.open_find(True), "Ctrl+H")
    _add(window, edit_menu, "find_next", "Find &Next", window.find_bar.find_next, "F3")
    _add(window, edit_menu, "find_previous", "Find Pre&vious", window.find_bar.find_previous, "Shift+F3")
    _add(window, edit_menu, "go_to_line", "&Go to Line…", window.ask_go_to_line, "Ctrl+G")
    _add(window, edit_menu, "toggle_comment", "Toggle &Comment", editor.toggle_comment, "Ctrl+/")

    view_menu = bar.addMenu("&View")
    graph = window.graph_view
    _add(window, view_menu, "fit", "&Fit Graph", graph.fit_to_view, "Ctrl+Shift+F",
         "Show the whole graph (F with the graph focused)")
    _add(window, view_menu, "actual_size", "&Actual Size", graph.reset_zoom, "Ctrl+0")
    _add(window, view_menu, "zoom_in", "Zoom &In", lambda: _zoom(window, 1.2), Key.ZoomIn)
    _add(window, view_menu, "zoom_out", "Zoom &Out", lambda: _zoom(window, 1 / 1.2), Key.ZoomOut)
    view_menu.addSeparator()
    for name, text, widget, shortcut in (("show_graph", "Show &Graph", graph, "Ctrl+1"),
                                         ("show_text", "Show &Text", window.text_pane, "Ctrl+2")):
        action = _add(window, view_menu, name, text, lambda: None, shortcut)
        action.setCheckable(True)
        action.setChecked(True)
        action.toggled.connect(lambda on, w=widget: _toggle_pane(window, w, on))
    window.panels_menu = view_menu.addMenu("&Panels")
    window.panels_menu.addAction(window.problems_dock.toggleViewAction())
    window.view_menu = view_menu

    graph_menu = bar.addMenu("&Graph")
    _add(window, graph_menu, "add_stage", "&Add Stage…", lambda: _ask_add_stage(window), "Ctrl+Shift+A")
    _add(window, graph_menu, "rename_stage", "&Rename Stage…", lambda: _ask_rename(window), "F2")
    _add(window, graph_menu, "set_base", "Set &Base Image…", lambda: _ask_set_base(window))
    _add(window, graph_menu, "set_target", "Set as Build &Target", lambda: _with_stage(window, window.controller.set_target),
         "Ctrl+T")
    graph_menu.addSeparator()
    _add(window, graph_menu, "remove_stage", "Remove &Stage", lambda: _with_stage(window, window.controller.remove_stage))
    _add(window, graph_menu, "remove_edge", "Remove &Edge at Cursor", lambda: _remove_edge(window))
    window.graph_menu = graph_menu


def _zoom(window: MainWindow, factor: float) -> None:
    if window.editor.hasFocus():
        window.editor.zoomIn(1 if factor > 1 else -1)
    elif factor > 1:
        window.graph_view.zoom_in()
    else:
        window.graph_view.zoom_out()


def _toggle_pane(window: MainWindow, widget, on: bool) -> None:
    widget.setVisible(on)
    if not window.graph_view.isVisible() and not window.text_pane.isVisible():
        # Never hide both: bring the other one back.
        other = window.text_pane if widget is window.graph_view else window.graph_view
        other.setVisible(True)
        name = "show_text" if other is window.text_pane else "show_graph"
        window.actions_by_name[name].setChecked(True)


def current_stage(window: MainWindow):
    """The stage under the text cursor (selecting a node in the graph puts it there)."""
    window.controller.sync_now()
    return window.controller.document.stage_at_line(window.editor.current_line())


def _with_stage(window: MainWindow, slot) -> None:
    stage = current_stage(window)
    if stage is None:
        window.statusBar().showMessage("Put the cursor in a stage (or select one in the graph) first.", 6000)
        return
    slot(stage.index)


def _ask(window: MainWindow, title: str, label: str, default: str = "") -> str | None:
    text, ok = QInputDialog.getText(window, title, label, text=default)
    return text.strip() if ok and text.strip() else None


def _ask_add_stage(window: MainWindow) -> None:
    name = _ask(window, "Add Stage", "Stage name:")
    if name is None:
        return
    base = _ask(window, "Add Stage", f"Base image (or stage) for '{name}':", "scratch")
    if base is None:
        return
    stage = current_stage(window)
    window.controller.add_stage(name, base, stage.index if stage is not None else -1)


def _ask_rename(window: MainWindow) -> None:
    node = window.graph_view.selected_stage() if window.graph_view.hasFocus() else None
    if node is not None:  # in the graph: rename in place on the box
        window.graph_view.interaction.start_rename(node)
        return
    stage = current_stage(window)
    if stage is None:
        return _with_stage(window, lambda _i: None)
    name = _ask(window, "Rename Stage", "New name:", stage.name or "")
    if name is not None:
        window.controller.rename_stage(stage.index, name)


def _ask_set_base(window: MainWindow) -> None:
    stage = current_stage(window)
    if stage is None:
        return _with_stage(window, lambda _i: None)
    image = _ask(window, "Set Base Image", f"Base for {stage.label}:", stage.base)
    if image is not None:
        window.controller.set_base(stage.index, image)


def _remove_edge(window: MainWindow) -> None:
    window.controller.sync_now()
    line = window.editor.current_line()
    if not any(edge.line == line for edge in window.controller.graph.edges):
        window.statusBar().showMessage("No edge on this line: put the cursor on a COPY --from, "
                                       "RUN --mount=from= or FROM <stage> line.", 6000)
        return
    window.controller.remove_edge(line)
