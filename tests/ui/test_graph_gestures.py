"""Every intent signal of the graph view fires with the right ids for its gesture."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from graph_samples import BUILD_ESSENTIAL as BE
from graph_samples import shown_view
from studio.core import parse
from studio.ui.graph import theme as T
from studio.ui.graph.view import GraphView



@pytest.fixture
def view(qtbot):
    v = shown_view(qtbot, 1200, 700)
    v.set_graph(parse(BE).graph())
    v.reset_zoom()
    v.fit_to_view()
    return v


def at(view: GraphView, node, x: float, y: float) -> QPoint:
    """Viewport point of a position inside ``node``'s box."""
    return view.mapFromScene(node.mapToScene(x, y))


def record(signal) -> list:
    got: list = []
    signal.connect(lambda *args: got.append(args))
    return got


def test_f2_renames_with_real_keys(view, qtbot):
    got = record(view.interaction.sig_rename_requested)
    view.select_stage(1)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = view.findChild(type(view.interaction.rename.editor), "graphRenameEditor")
    assert editor.isVisible() and editor.text() == "foo"
    qtbot.keyClicks(editor, "compile foo!")  # the space and "!" are refused by the validator
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert got == [("foo", "compilefoo")]
    assert not editor.isVisible()


def test_escape_cancels_rename_and_same_name_emits_nothing(view, qtbot):
    got = record(view.interaction.sig_rename_requested)
    node = view.stage_nodes()[2]
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at(view, node, 40, 16))
    editor = view.interaction.rename.editor
    assert editor.isVisible() and editor.text() == "bar"
    qtbot.keyClicks(editor, "zzz")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible() and got == []
    view.interaction.start_rename(node)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert got == []


def test_delete_key_removes_selected_stage_or_edge(view, qtbot):
    stages = record(view.interaction.sig_remove_stage_requested)
    edges = record(view.interaction.sig_remove_edge_requested)
    view.select_stage(2)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert stages == [("bar",)] and edges == []
    view.select_edge(22)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert edges == [(22, "bar")]  # the producer is named: a RUN may mount from several
    view.select_edge(12)  # a FROM edge cannot be deleted on its own
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    assert edges == [(22, "bar")] and stages == [("bar",)]


def test_clicking_an_edge_selects_it(view, qtbot):
    got = record(view.sig_edge_selected)
    edge = next(e for e in view.edge_items() if e.line == 21)
    point = view.mapFromScene(edge.path().pointAtPercent(0.25))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert got == [(21,)]


def test_drag_from_output_port_to_a_later_stage_asks_paths(view, qtbot):
    got = record(view.interaction.sig_add_copy_requested)
    asked = []

    def answer(parent, source, target):
        asked.append((source, target))
        return ["/src/foo", "/src/extra"], "/opt/"

    view.interaction.ask_copy = answer
    src, dst = view.stage_nodes()[1], view.stage_nodes()[3]
    port = at(view, src, T.NODE_WIDTH, T.HEADER_H / 2)
    qtbot.mouseMove(view.viewport(), pos=port)
    assert view.viewport().cursor().shape() == Qt.CursorShape.CrossCursor  # "drag from here"
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=port)
    qtbot.mouseMove(view.viewport(), pos=at(view, dst, 60, 60))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=at(view, dst, 60, 60))
    assert asked == [("foo", "#3")]
    assert got == [("foo", "stage-3", ["/src/foo", "/src/extra"], "/opt/")]
    # dropping on an earlier stage (or cancelling the dialog) emits nothing
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=port)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=at(view, view.stage_nodes()[0], 60, 40))
    view.interaction.ask_copy = lambda *a: None
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=port)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=at(view, dst, 60, 60))
    assert len(got) == 1 and len(asked) == 1


def test_drag_instruction_row_to_another_stage(view, qtbot):
    got = record(view.interaction.sig_move_instruction_requested)
    src, dst = view.stage_nodes()[1], view.stage_nodes()[2]
    src_pos = src.pos()
    row_y = T.HEADER_H + T.BASE_H + T.ROW_H * 1.5  # "RUN make foo" (line 14), the second row
    start = at(view, src, 60, row_y)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.viewport(), pos=start + QPoint(30, 30))
    drop = at(view, dst, 60, T.HEADER_H + T.BASE_H + 2)  # top half of bar's first row
    qtbot.mouseMove(view.viewport(), pos=drop)
    line = view.interaction.drag.drop_line
    assert line is not None and line.isVisible()
    assert abs(line.line().y1() - dst.mapToScene(0, T.HEADER_H + T.BASE_H).y()) < 0.5  # above bar's first row
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=drop)
    assert got == [(14, "bar", 0)]
    assert line.scene() is None  # the indicator goes away with the drag
    # dropping a row back where it is emits nothing
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.viewport(), pos=start + QPoint(0, 8))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=start + QPoint(0, 8))
    assert len(got) == 1
    assert src.pos() == src_pos  # dragging a row never moves the box
    # within a box: COPY (line 13, row 0) dropped below RUN (row 1) ends up as row 1
    first = at(view, src, 60, T.HEADER_H + T.BASE_H + T.ROW_H / 2)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.mouseMove(view.viewport(), pos=first + QPoint(0, 12))
    bottom = at(view, src, 60, T.HEADER_H + T.BASE_H + T.ROW_H * 1.9)
    qtbot.mouseMove(view.viewport(), pos=bottom)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=bottom)
    assert got[-1] == (13, "foo", 1)


def test_double_click_base_and_row(view, qtbot):
    bases = record(view.interaction.sig_set_base_requested)
    lines = record(view.interaction.sig_line_activated)
    view.interaction.ask_base = lambda parent, stage, current: "alpine:3.21" if current == "alpine:3.20" else None
    node = view.stage_nodes()[3]
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at(view, node, 80, T.HEADER_H + 10))
    assert bases == [("stage-3", "alpine:3.21")]
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton,
                      pos=at(view, node, 80, T.HEADER_H + T.BASE_H + T.ROW_H * 2.5))
    assert lines == [(23,)]
    view.select_stage(2)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert lines == [(23,), (16,)]  # Enter reveals the stage's FROM line
    image = view.image_nodes()["alpine:3.20"]
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at(view, image, 40, 16))
    assert lines[-1] == (20,)  # an image reveals the line that uses it


def test_context_menus_emit_intents(view):
    targets = record(view.interaction.sig_set_target_requested)
    removed = record(view.interaction.sig_remove_stage_requested)
    edges = record(view.interaction.sig_remove_edge_requested)
    added = record(view.interaction.sig_add_stage_requested)

    def trigger(pos, text):
        menu = view.interaction.build_context_menu(pos)
        action = next(a for a in menu.actions() if a.text().startswith(text))
        action.trigger()

    node = view.stage_nodes()[1]
    trigger(at(view, node, 100, 60), "Build this stage")
    trigger(at(view, node, 100, 60), "Remove stage")
    assert targets == [("foo",)] and removed == [("foo",)]
    edge = next(e for e in view.edge_items() if e.line == 22)
    trigger(view.mapFromScene(edge.path().pointAtPercent(0.3)), "Remove this dependency")
    assert edges == [(22, "bar")]
    row = at(view, node, 100, T.HEADER_H + T.BASE_H + T.ROW_H / 2)  # foo's first row, line 13
    moves = record(view.interaction.sig_move_instruction_requested)
    menu = view.interaction.build_context_menu(row)
    assert not next(a for a in menu.actions() if a.text() == "Move up").isEnabled()
    trigger(row, "Move down")
    assert moves == [(13, "foo", 1)]
    second = at(view, node, 100, T.HEADER_H + T.BASE_H + T.ROW_H * 1.5)
    trigger(second, "Move up")
    assert moves[-1] == (14, "foo", 0)
    view.interaction.ask_new_stage = lambda parent, taken, base="": ("test", base or "busybox") if "foo" in taken else None
    trigger(QPoint(3, 3), "Add stage")
    assert added == [("test", "busybox", "")]  # left of every box: the default place
    right_of_foo = view.mapFromScene(view.stage_nodes()[1].sceneBoundingRect().topRight()) + QPoint(20, -30)
    trigger(right_of_foo, "Add stage here")
    assert added[-1] == ("test", "busybox", "bar")  # after the last stage left of the click
    del added[-1]
    image = view.image_nodes()["alpine:3.20"]
    trigger(view.mapFromScene(image.mapToScene(image.box_rect().center())), "New stage from this image")
    assert added[-1] == ("test", "alpine:3.20", "")


def test_dragging_a_box_reports_positions_changed(view, qtbot):
    got = record(view.sig_positions_changed)
    node = view.stage_nodes()[0]
    before = node.pos()
    start = at(view, node, 120, T.HEADER_H / 2)  # grab the title bar
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(view.viewport(), pos=start + QPoint(10 * step, 6 * step))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=start + QPoint(50, 30))
    assert node.pos() != before
    assert got == [()]
    assert view.positions()["build-essential"] == (round(node.pos().x(), 1), round(node.pos().y(), 1))



def test_pan_with_middle_button_and_space_drag(view, qtbot):
    view.reset_zoom()
    view.centerOn(view.stage_nodes()[1])
    h = view.horizontalScrollBar()
    start = h.value()
    middle = view.viewport().rect().center()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.MiddleButton, pos=middle)
    qtbot.mouseMove(view.viewport(), pos=middle + QPoint(-120, 0))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.MiddleButton, pos=middle + QPoint(-120, 0))
    assert h.value() == start + 120
    positions = view.positions()
    qtbot.keyPress(view, Qt.Key.Key_Space)
    spot = at(view, view.stage_nodes()[1], 100, 60)  # even on a box, space+drag pans
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    qtbot.mouseMove(view.viewport(), pos=spot + QPoint(50, 0))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=spot + QPoint(50, 0))
    qtbot.keyRelease(view, Qt.Key.Key_Space)
    assert h.value() == start + 70
    assert view.positions() == positions  # nothing moved


def test_ctrl_wheel_zooms_plain_wheel_scrolls(view, qtbot):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    view.reset_zoom()

    def wheel(delta: int, mods) -> None:
        centre = QPointF(view.viewport().rect().center())
        event = QWheelEvent(centre, QPointF(view.viewport().mapToGlobal(centre.toPoint())), QPoint(0, 0),
                            QPoint(0, delta), Qt.MouseButton.NoButton, mods, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(view.viewport(), event)

    wheel(120, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == pytest.approx(1.15)
    wheel(-240, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == pytest.approx(1.15 / 1.15 ** 2)
    v = view.verticalScrollBar().value()
    wheel(-120, Qt.KeyboardModifier.NoModifier)
    assert view.verticalScrollBar().value() > v and view.zoom() == pytest.approx(1 / 1.15)


def test_arrow_keys_walk_the_graph(view, qtbot):
    got = record(view.sig_stage_selected)
    view.select_stage(1)  # foo
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Left)  # back to the nearest producer of the final stage
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Left)  # build-essential's producer is an image: stays
    assert [g[0] for g in got] == [3, 1, 0]
    view.select_stage(1)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert got[-1] == (2,) and view.selected_stage().index == 2


def test_escape_in_the_rename_box_is_not_the_windows_cancel(open_window, qtbot):
    """Esc is Build > Cancel window-wide; while the rename box is open it only closes the box."""
    window, _ = open_window("FROM scratch AS base\nFROM base AS app\n")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    cancel = window.build.bar.cancel_action
    cancel.setEnabled(True)  # as while a build runs
    fired = []
    cancel.triggered.connect(lambda *_: fired.append(True))
    view = window.graph_view
    view.interaction.start_rename(view.stage_nodes()[1])
    editor = view.interaction.rename.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "x")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()
    assert fired == []
    qtbot.keyClick(view, Qt.Key.Key_Escape)  # with the box closed, Esc is the window's again
    assert fired == [True]
