"""The window around the panes: menus and shortcuts, panes, graph positions per file,
the status bar, and the surface other panels use."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel

from studio.ui.graph import positions as positions_module
from studio.ui.main_window import MainWindow

TEXT = "FROM stage-studio-test/busybox AS build\nRUN echo hi > /out\n\nFROM scratch\nCOPY --from=build /out /out\n"


def menu_titles(window) -> dict[str, list[str]]:
    out = {}
    for action in window.menuBar().actions():
        out[action.text().replace("&", "")] = [a.text().replace("&", "") for a in action.menu().actions() if a.text()]
    return out


def test_menus_and_standard_shortcuts(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    menus = menu_titles(window)
    assert list(menus)[:4] == ["File", "Edit", "View", "Graph"]  # (a Build menu may follow)
    for entry in ("New", "New from Example…", "Open…", "Open Recent", "Save", "Save As…",
                  "Export Graph as PNG…", "Export Graph as SVG…", "Quit"):
        assert entry in menus["File"]
    for entry in ("Undo", "Redo", "Cut", "Copy", "Paste", "Find…", "Replace…", "Go to Line…"):
        assert entry in menus["Edit"]
    assert {"Fit Graph", "Zoom In", "Zoom Out", "Show Graph", "Show Text", "Panels"} <= set(menus["View"])
    assert {"Add Stage…", "Set as Build Target", "Remove Stage", "Remove Edge at Cursor"} <= set(menus["Graph"])
    shortcuts = {name: a.shortcut() for name, a in window.actions_by_name.items()}
    assert shortcuts["save"] == QKeySequence(QKeySequence.StandardKey.Save)
    assert shortcuts["undo"] == QKeySequence(QKeySequence.StandardKey.Undo)
    assert shortcuts["open"] == QKeySequence(QKeySequence.StandardKey.Open)
    assert shortcuts["find"] == QKeySequence(QKeySequence.StandardKey.Find)
    assert shortcuts["replace"] == QKeySequence("Ctrl+H")
    assert window.windowTitle() == "Untitled[*] — Stage Studio"


def test_toggling_panes_never_hides_both(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.actions_by_name["show_graph"].setChecked(False)
    assert not window.graph_view.isVisible() and window.text_pane.isVisible()
    window.actions_by_name["show_text"].setChecked(False)
    assert window.graph_view.isVisible()
    assert window.actions_by_name["show_graph"].isChecked()


def test_graph_menu_acts_on_the_stage_under_the_cursor(open_window):
    window, _ = open_window(TEXT)
    window.go_to_line(2)
    window.actions_by_name["set_target"].trigger()
    assert window.controller.graph.target == 0 and window.current_text() == TEXT
    window.go_to_line(5)
    window.actions_by_name["remove_edge"].trigger()
    assert window.current_text() == TEXT.replace("COPY --from=build /out /out\n", "")


def test_graph_positions_are_kept_per_file(open_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(positions_module, "default_directory", lambda: tmp_path / "positions")
    window, path = open_window(TEXT)
    node = window.graph_view.stage_nodes()[0]
    node.setPos(node.pos().x() + 123, node.pos().y() + 45)
    moved = window.graph_view.positions()
    window.graph_view.sig_positions_changed.emit()  # as the view does at the end of a drag
    assert positions_module.load(path)["build"] == moved["build"]
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    assert second.open_file(path)
    assert second.graph_view.positions()["build"] == moved["build"]


def test_surface_for_other_panels(open_window, qtbot):
    window, path = open_window(TEXT)
    assert window.path == path
    assert window.current_text() == TEXT
    window.go_to_line(window.editor.blockCount())
    qtbot.keyClicks(window.editor, "# x")
    doc = window.current_document()  # parses pending keystrokes first
    assert doc.text == window.current_text() and window.document is doc
    assert window.controller.target_index() == 1
    dock = window.add_dock("Build", QLabel("build panel"), Qt.DockWidgetArea.RightDockWidgetArea)
    assert isinstance(dock, QDockWidget) and dock.toggleViewAction() in window.menus.panels.actions()


def test_status_bar_tells_stages_cursor_and_format(open_window):
    window, _ = open_window(data=TEXT.replace("\n", "\r\n").encode())
    assert window.status.stages_label.text() == "2 stages · target #1"
    assert window.status.format_label.text() == "UTF-8 · CRLF"
    window.go_to_line(4)
    assert window.status.cursor_label.text() == "Ln 4, Col 1"


def test_dropping_a_file_opens_it(open_window, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    window, _ = open_window(TEXT)
    other = tmp_path / "dropped.Dockerfile"
    other.write_text("FROM scratch AS dropped\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(other))])
    assert not window.editor.canInsertFromMimeData(mime)  # not pasted as a path
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    # (a drop without a real drag in progress is not delivered by Qt: hand it over as Qt would)
    assert window.files.eventFilter(window, event)
    assert window.path == other and window.current_text() == "FROM scratch AS dropped\n"


def test_export_graph_from_the_window(open_window, tmp_path):
    window, _ = open_window(TEXT)
    png, svg = tmp_path / "g.png", tmp_path / "g.svg"
    assert window.files.export_graph("png", png) and window.files.export_graph("svg", svg)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in svg.read_bytes() and b"build" in svg.read_bytes()


def test_window_layout_is_restored_next_time(qtbot):
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 500)
    first.splitter.setSizes([300, 700])
    first.problems_dock.hide()
    size = (first.size().width(), first.size().height())
    assert size[1] == 500
    assert first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.restore_layout()
    second.show()
    assert (second.size().width(), second.size().height()) == size
    assert not second.problems_dock.isVisible()
    sizes = second.splitter.sizes()
    assert sizes[0] < sizes[1]


def test_the_status_bar_counts_one_stage_in_the_singular(open_window):
    window, _ = open_window("FROM scratch AS only\n")
    assert window.status.stages_label.text() == "1 stage · target only"


def test_about_names_the_version_the_engine_and_where_settings_and_recovery_live(qtbot):
    from PySide6.QtCore import QSettings

    from studio import __version__
    from studio.ui.about import about_text, show_about
    from studio.ui.files import recovery_dir
    from studio.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    assert "about" in window.actions_by_name
    text = about_text(window)
    assert __version__ in text and "Engine:" in text
    assert QSettings().fileName() in text and str(recovery_dir()) in text
    box = show_about(window)
    assert box.isVisible() and __version__ in box.text()
    box.close()
