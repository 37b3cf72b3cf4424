"""The main window's menus and their standard shortcuts. Edit actions always act on the
text document, so Ctrl+Z undoes graph gestures and typing alike from either pane.

``build_menus(window)`` returns a WindowMenus that the window keeps (``window.menus``);
parts composed later (the build panel, the teaching features) add their own menus to
the menu bar and register their actions in ``window.actions_by_name``."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu, QMainWindow

Key = QKeySequence.StandardKey


@dataclass
class WindowMenus:
    file: QMenu
    recent: QMenu
    edit: QMenu
    view: QMenu
    panels: QMenu
    graph: QMenu


def _add(window: QMainWindow, menu: QMenu, name: str, text: str, slot, shortcut=None, tip: str = "") -> QAction:
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


def build_menus(window: QMainWindow) -> WindowMenus:
    bar = window.menuBar()
    editor, files = window.editor, window.files
    file_menu = bar.addMenu("&File")
    _add(window, file_menu, "new", "&New", lambda: files.new_file(""), Key.New)
    _add(window, file_menu, "new_from_example", "New from &Example…", files.new_from_example, "Ctrl+Shift+N",
         "Start from one of the bundled example Dockerfiles")
    _add(window, file_menu, "open", "&Open…", files.open_dialog, Key.Open)
    recent = files.recent_menu = file_menu.addMenu("Open &Recent")
    recent.aboutToShow.connect(files.refresh_recent_menu)  # another window may have saved since
    files.refresh_recent_menu()
    file_menu.addSeparator()
    _add(window, file_menu, "save", "&Save", files.save, Key.Save)
    _add(window, file_menu, "save_as", "Save &As…", files.save_as, "Ctrl+Shift+S")
    _add(window, file_menu, "revert", "Re&vert to Saved", files.revert, tip="Reload the file from disk (undoable)")
    _add(window, file_menu, "close_file", "&Close", files.close_file, Key.Close,
         "Close this file; the window stays open with an empty text")
    file_menu.addSeparator()
    _add(window, file_menu, "export_png", "Export Graph as &PNG…", lambda: files.export_graph("png"))
    _add(window, file_menu, "export_svg", "Export Graph as S&VG…", lambda: files.export_graph("svg"))
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
    _add(window, edit_menu, "go_to_line", "&Go to Line…", lambda: _ask_go_to_line(window), "Ctrl+G")
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
    panels = view_menu.addMenu("&Panels")
    panels.addAction(window.problems_dock.toggleViewAction())

    graph_menu = bar.addMenu("&Graph")
    _add(window, graph_menu, "add_stage", "&Add Stage…", lambda: _ask_add_stage(window), "Ctrl+Shift+A")
    _add(window, graph_menu, "rename_stage", "&Rename Stage…", lambda: _ask_rename(window), "F2")
    _add(window, graph_menu, "set_base", "Set &Base Image…", lambda: _ask_set_base(window))
    _add(window, graph_menu, "set_target", "Set as Build &Target", lambda: _with_stage(window, window.controller.set_target),
         "Ctrl+T")
    graph_menu.addSeparator()
    _add(window, graph_menu, "remove_stage", "Remove &Stage", lambda: _with_stage(window, window.edits.remove_stage))
    _add(window, graph_menu, "remove_edge", "Remove &Edge at Cursor", lambda: _remove_edge(window))
    return WindowMenus(file_menu, recent, edit_menu, view_menu, panels, graph_menu)


def _ask_go_to_line(window: QMainWindow) -> None:
    editor = window.editor
    line, ok = QInputDialog.getInt(window, "Go to Line", f"Line (1–{editor.blockCount()}):",
                                   editor.current_line(), 1, max(1, editor.blockCount()))
    if ok:
        window.go_to_line(line)


def _zoom(window: QMainWindow, factor: float) -> None:
    if window.editor.hasFocus():
        window.editor.zoomIn(1 if factor > 1 else -1)
    elif factor > 1:
        window.graph_view.zoom_in()
    else:
        window.graph_view.zoom_out()


def _toggle_pane(window: QMainWindow, widget, on: bool) -> None:
    widget.setVisible(on)
    if not window.graph_view.isVisible() and not window.text_pane.isVisible():
        # Never hide both: bring the other one back.
        other = window.text_pane if widget is window.graph_view else window.graph_view
        other.setVisible(True)
        name = "show_text" if other is window.text_pane else "show_graph"
        window.actions_by_name[name].setChecked(True)


def current_stage(window: QMainWindow):
    """The stage under the text cursor (selecting a node in the graph puts it there)."""
    window.controller.sync_now()
    return window.controller.document.stage_at_line(window.editor.current_line())


def _with_stage(window: QMainWindow, slot) -> None:
    stage = current_stage(window)
    if stage is None:
        window.statusBar().showMessage("Put the cursor in a stage (or select one in the graph) first.", 6000)
        return
    slot(stage.index)


def _ask(window: QMainWindow, title: str, label: str, default: str = "") -> str | None:
    text, ok = QInputDialog.getText(window, title, label, text=default)
    return text.strip() if ok and text.strip() else None


def _ask_add_stage(window: QMainWindow) -> None:
    """Name and base in one dialog; the name is checked as typed, by the same rule the
    edit applies (so it is refused there, with the reason, never after the dialog)."""
    from studio.core.edits_base import EditError, check_new_name

    stage = current_stage(window)  # (brings the document up to date)
    document = window.controller.document

    def name_problem(name: str) -> str | None:
        try:
            check_new_name(document, name)
        except EditError as exc:
            return str(exc)
        return None

    taken = {s.name.lower() for s in document.stages if s.name}
    answer = window.graph_view.interaction.ask_new_stage(window, taken, "scratch", name_problem=name_problem)
    if answer is not None:
        window.edits.add_stage(answer[0], answer[1], stage.index if stage is not None else -1)


def _ask_rename(window: QMainWindow) -> None:
    node = window.graph_view.selected_stage() if window.graph_view.hasFocus() else None
    if node is not None:  # in the graph: rename in place on the box
        window.graph_view.interaction.start_rename(node)
        return
    stage = current_stage(window)
    if stage is None:
        return _with_stage(window, lambda _i: None)
    name = _ask(window, "Rename Stage", "New name:", stage.name or "")
    if name is not None:
        window.edits.rename_stage(stage.index, name)


def _ask_set_base(window: QMainWindow) -> None:
    stage = current_stage(window)
    if stage is None:
        return _with_stage(window, lambda _i: None)
    image = _ask(window, "Set Base Image", f"Base for {stage.label}:", stage.base)
    if image is not None:
        window.edits.set_base(stage.index, image)


def _remove_edge(window: QMainWindow) -> None:
    window.controller.sync_now()
    line = window.editor.current_line()
    if not any(edge.line == line for edge in window.controller.graph.edges):
        window.statusBar().showMessage("No edge on this line: put the cursor on a COPY --from, "
                                       "RUN --mount=from= or FROM <stage> line.", 6000)
        return
    window.edits.remove_edge(line)
