"""GraphView: items from a StageGraph, in-place updates, badges, selection, zoom, minimap."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from graph_samples import BUILD_ESSENTIAL as BE
from graph_samples import shown_view
from studio.core import parse
from studio.ui.graph.image_node import ImageNode
from studio.ui.graph.stage_node import StageNode
from studio.ui.graph.view import GraphView, readable_zoom
from studio.ui.graph.stage_paint import footer_texts

MOUNTS = """FROM busybox AS tools
RUN echo hi > /t
FROM scratch AS data
COPY --from=tools /t /t
FROM tools AS final
RUN --mount=type=bind,from=data,source=/t,target=/x cat /x
COPY --from=nginx:1.27 /etc/nginx /etc/nginx
"""


@pytest.fixture
def view(qtbot):
    return shown_view(qtbot)


def show(view: GraphView, text: str, target=None) -> None:
    view.set_graph(parse(text).graph(target))


def test_one_node_per_stage_images_and_edges(view):
    show(view, BE)
    nodes = view.stage_nodes()
    assert view.objectName() == "graphView"
    assert sorted(nodes) == [0, 1, 2, 3]
    assert all(isinstance(n, StageNode) for n in nodes.values())
    assert [nodes[i].title for i in range(4)] == ["build-essential", "foo", "bar", "#3"]
    assert nodes[1].base == "build-essential" and nodes[3].base == "alpine:3.20"
    assert [t for _, t in nodes[0].instructions][1] == "WORKDIR /src"
    assert set(view.image_nodes()) == {"debian:bookworm-slim", "alpine:3.20"}
    kinds = sorted((e.line, e.kind, e.source_item.key, e.target_item.key) for e in view.edge_items())
    assert kinds == [
        (6, "from", "image:debian:bookworm-slim", "build-essential"), (12, "from", "build-essential", "foo"),
        (16, "from", "build-essential", "bar"), (20, "from", "image:alpine:3.20", "stage-3"),
        (21, "copy", "foo", "stage-3"), (22, "copy", "bar", "stage-3"),
    ]
    by_line = {e.line: e for e in view.edge_items()}
    assert by_line[21].kind == "copy" and by_line[21].source_item is nodes[1] and by_line[21].target_item is nodes[3]
    assert by_line[12].kind == "from" and by_line[12].source_item is nodes[0] and by_line[12].target_item is nodes[1]
    assert isinstance(by_line[6].source_item, ImageNode) and by_line[6].target_item is nodes[0]
    assert len(view.edge_items()) == 6
    # arrows go producer -> consumer: the curve starts at the producer's output port
    assert by_line[21].path().pointAtPercent(0) == nodes[1].out_port()
    assert nodes[0].pos().x() < nodes[1].pos().x() < nodes[3].pos().x()


def test_a_new_edge_between_boxes_that_stay_put_is_drawn(view):
    show(view, "FROM busybox AS a\nFROM busybox AS b\n")
    show(view, "FROM busybox AS a\nFROM a AS b\n")  # no box moves, one FROM edge appears
    (edge,) = [e for e in view.edge_items() if e.kind == "from" and e.source_item.key == "a"]
    assert not edge.path().isEmpty() and "line 2" in edge.toolTip()
    assert edge.path().pointAtPercent(1).x() < view.stage_nodes()[1].pos().x()


def test_long_edges_follow_their_route_until_an_end_moves(view):
    show(view, "FROM busybox AS tools\nFROM scratch AS data\nCOPY --from=tools /t /t\n"
               "FROM tools AS final\nCOPY --from=data /t /t\n")
    nodes = view.stage_nodes()
    (edge,) = [e for e in view.edge_items() if e.kind == "from" and e.target_item is nodes[2]]
    assert edge.has_route()
    box = nodes[1].sceneBoundingRect()
    samples = [edge.path().pointAtPercent(k / 50) for k in range(51)]
    assert not any(box.contains(p) for p in samples)  # it goes around "data", not through it
    nodes[2].setPos(nodes[2].pos().x() + 40, nodes[2].pos().y() + 300)
    assert not edge.has_route()
    assert edge.path().pointAtPercent(1).y() == pytest.approx(nodes[2].in_anchor().y())


def test_mount_and_image_copy_edges(view):
    show(view, MOUNTS)
    nodes = view.stage_nodes()
    edges = {(e.kind, e.line): e for e in view.edge_items()}
    assert edges[("mount", 6)].source_item is nodes[1] and edges[("mount", 6)].target_item is nodes[2]
    assert isinstance(edges[("copy", 7)].source_item, ImageNode)
    assert edges[("copy", 7)].source_item.ref == "nginx:1.27"
    assert nodes[1].base == "scratch" and "scratch" not in view.image_nodes()
    assert "/etc/nginx" in edges[("copy", 7)].toolTip() and edges[("copy", 4)].label == "t"


def test_update_in_place_keeps_items_and_positions(view):
    show(view, BE)
    before = view.stage_nodes()
    edges_before = {e.line: e for e in view.edge_items()}
    before[1].setPos(before[1].pos().x() + 33, before[1].pos().y() - 50)  # the user moved foo
    pos_before = {i: n.pos() for i, n in before.items()}
    # a comment line shifts every later line by one; one instruction changes
    show(view, "# hello\n" + BE.replace("RUN make bar", "RUN make bar baz"))
    after = view.stage_nodes()
    for i in range(4):
        assert after[i] is before[i]
        assert after[i].pos() == pos_before[i]
    assert "RUN make bar baz" in [t for _, t in after[2].instructions]
    assert {e.line for e in view.edge_items()} == {line + 1 for line in edges_before}
    assert edges_before[21] in view.edge_items()  # same copy edge object, new line number
    # add a stage and remove one
    text = BE.replace("FROM build-essential AS bar\nCOPY bar/ ./\nRUN make bar\n", "")
    text = text.replace("COPY --from=bar /src/bar /usr/local/bin/bar\n", "")
    text += "\nFROM busybox AS extra\nRUN true\n"
    show(view, text)
    after = view.stage_nodes()
    assert after[0] is before[0] and after[1] is before[1]
    assert after[2] is before[3] and after[2].index == 2  # the final stage, re-indexed
    assert after[3] not in before.values() and after[3].title == "extra"
    assert before[2].scene() is None  # bar's box is gone
    assert after[0].pos() == pos_before[0] and after[2].pos() == pos_before[3]
    assert "busybox" in view.image_nodes()
    assert len(view.edge_items()) == 5


def test_a_removed_stage_that_comes_back_returns_to_its_place(view):
    show(view, BE)
    bar = view.stage_nodes()[2]
    bar.setPos(-700, 900)
    without = BE.replace("FROM build-essential AS bar\nCOPY bar/ ./\nRUN make bar\n", "")
    show(view, without.replace("COPY --from=bar /src/bar /usr/local/bin/bar\n", ""))
    assert "bar" not in view.positions()
    show(view, BE)  # undo
    assert view.positions()["bar"] == (-700.0, 900.0)


def test_an_unnamed_stage_keeps_its_box_when_a_stage_above_goes(view):
    show(view, "FROM busybox AS a\nFROM scratch\n")
    box = view.stage_nodes()[1]
    show(view, "FROM scratch\n")
    assert view.stage_nodes()[0] is box and box.scene() is view.scene()
    assert view.positions().keys() == {"stage-0"}


def test_a_renamed_stage_keeps_its_box(view):
    show(view, BE)
    foo = view.stage_nodes()[1]
    foo.setPos(777, 888)
    show(view, BE.replace("AS foo", "AS compile").replace("--from=foo", "--from=compile"))
    assert view.stage_nodes()[1] is foo and foo.title == "compile" and foo.pos().x() == 777
    assert view.positions()["compile"] == (777.0, 888.0) and "foo" not in view.positions()
    assert {e.line for e in view.edge_items() if e.source_item is foo or e.target_item is foo} == {12, 21}


def test_target_skipped_and_diagnostic_badges(view):
    show(view, BE, target="foo")
    nodes = view.stage_nodes()
    assert nodes[1].is_target and not nodes[3].is_target
    assert nodes[2].is_skipped and nodes[3].is_skipped and not nodes[0].is_skipped
    assert nodes[2].opacity() < 1.0 and nodes[0].opacity() == 1.0
    assert view.image_nodes()["alpine:3.20"].is_dimmed
    assert not view.image_nodes()["debian:bookworm-slim"].is_dimmed
    assert "skipped" in nodes[2].toolTip().lower()
    show(view, "FROM busybox AS a\nFROM busybox AS A\nCOPY --from=nowhere /x /y\n")
    nodes = view.stage_nodes()
    assert nodes[1].diagnostics, "the duplicate stage name is badged"
    assert any("line 2" in d for d in nodes[1].diagnostics)
    assert nodes[1].diagnostics[0].split(": ", 1)[1] in nodes[1].toolTip()
    view.set_target(0)
    assert nodes[0].is_target and not nodes[1].is_target


def test_explicit_diagnostics_by_stage_and_build_setters(view):
    from studio.core.model import Diagnostic

    show(view, BE)
    graph = parse(BE).graph()
    view.set_graph(graph, {2: [Diagnostic("error", "x", 17, "boom")]})
    node = view.stage_nodes()[2]
    assert node.diagnostics == ["line 17: boom"]
    assert view.stage_nodes()[0].diagnostics == []
    h = node.height
    node.set_build(state="running")
    node.set_build(progress=(1, 3))
    node.set_build(elapsed=2.5)
    node.set_build(size=("12 MB", "+4 MB"))
    node.set_build(active_line=18)
    assert node.build_state == "running" and node.height > h
    node.set_build(error="make: *** [bar] Error 2")
    node.set_build(final=True)
    assert node.error and node.height > h
    node.set_build(state="nonsense")
    assert node.build_state == "idle"
    view.grab()  # paints every state without error


def test_a_graph_of_text_with_errors_is_drawn_with_a_banner(view):
    from studio.core.model import Diagnostic

    show(view, BE)
    nodes = view.stage_nodes()
    broken = parse(BE.replace("FROM alpine:3.20", "FROM")).graph()
    view.set_graph(broken, {1: [Diagnostic("error", "x", 13, "half-typed")]}, stale=True, banner="Error on line 13")
    assert view.graph() is broken and view.stage_nodes()[0] is nodes[0]  # drawn in place
    banner = view.findChild(type(view.overlays.banner), "graphStaleBanner")
    assert banner.isVisible() and banner.text() == "Error on line 13"
    assert view.stage_nodes()[1].diagnostics == ["line 13: half-typed"]
    assert view.stage_nodes()[1].error_lines == {13}
    view.grab()  # paints the marked row
    show(view, BE)
    assert not view.overlays.banner.isVisible() and not view.stage_nodes()[1].error_lines


def test_selecting_a_stage_fades_unrelated_edges(view):
    show(view, BE)
    view.select_stage(1)
    faded = {e.line for e in view.edge_items() if e.opacity() < 0.5}
    assert faded == {6, 16, 20, 22}  # foo's own edges (12 in, 21 out) stay clear
    view.select_stage(None)
    assert all(e.opacity() == 1.0 for e in view.edge_items())


def test_empty_graph_shows_a_hint(view):
    show(view, "# nothing yet\n")
    assert view.stage_nodes() == {}
    assert view.overlays.empty.isVisible()


def test_programmatic_selection_emits_nothing_user_selection_does(view, qtbot):
    show(view, BE)
    got = []
    view.sig_stage_selected.connect(got.append)
    view.sig_edge_selected.connect(lambda line: got.append(("edge", line)))
    view.select_stage(2)
    view.select_edge(21)
    assert got == []
    assert [e.line for e in view.edge_items() if e.isSelected()] == [21]
    node = view.stage_nodes()[1]
    point = view.mapFromScene(node.mapToScene(node.title_rect().center()))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert got == [1]
    assert node.isSelected()


def test_expand_collapse_long_stages(view, qtbot):
    text = "FROM busybox AS long\n" + "".join(f"RUN echo {i}\n" for i in range(12))
    show(view, text)
    node = view.stage_nodes()[0]
    assert node.collapsible and not node.expanded
    short = node.height
    chevron = view.mapFromScene(node.mapToScene(node.title_rect().right() - 2, 16))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=chevron)
    assert node.expanded and node.height > short
    show(view, text + "RUN echo more\n")
    assert view.stage_nodes()[0].expanded  # survives updates


def test_zoom_keys_wheel_and_fit(view, qtbot):
    show(view, BE)
    view.reset_zoom()
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == pytest.approx(1.2)
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() < 1.0
    qtbot.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == pytest.approx(1.0)
    view.set_zoom(3.0)
    qtbot.keyClick(view, Qt.Key.Key_F)
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    fits = all(seen.contains(node.sceneBoundingRect()) for node in view.stage_nodes().values())
    assert fits or view.zoom() == pytest.approx(readable_zoom(view.scene().theme))  # never below readable
    view.resize(1900, 1000)
    qtbot.keyClick(view, Qt.Key.Key_F)
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    for node in view.stage_nodes().values():
        assert seen.contains(node.sceneBoundingRect())
    for _ in range(40):
        view.zoom_out()
    assert view.zoom() >= 0.03


def test_zoom_bar_buttons_and_level(view, qtbot):
    show(view, BE)
    bar = view.findChild(type(view.zoom_bar), "graphZoomBar")
    view.reset_zoom()
    assert bar.isVisible() and bar.level_button.text() == "100%"
    qtbot.mouseClick(bar.in_button, Qt.MouseButton.LeftButton)
    assert view.zoom() == pytest.approx(1.2) and bar.level_button.text() == "120%"
    qtbot.mouseClick(bar.level_button, Qt.MouseButton.LeftButton)
    assert view.zoom() == pytest.approx(1.0)
    qtbot.mouseClick(bar.out_button, Qt.MouseButton.LeftButton)
    assert bar.level_button.text() == "83%"
    assert view.viewport().geometry().contains(bar.geometry())


def test_minimap_appears_for_large_graphs_and_click_moves_the_view(view, qtbot):
    text = "".join(f"FROM busybox AS s{i}\nRUN true\n" + (f"COPY --from=s{i - 1} /a /a\n" if i else "")
                   for i in range(30))
    show(view, text)
    view.reset_zoom()
    view.centerOn(view.stage_nodes()[0])
    qtbot.waitUntil(view.minimap.isVisible, timeout=2000)
    before = view.mapToScene(view.viewport().rect().center())
    qtbot.mouseClick(view.minimap, Qt.MouseButton.LeftButton, pos=view.minimap.rect().center()
                     + type(view.minimap.rect().center())(view.minimap.width() // 3, 0))
    after = view.mapToScene(view.viewport().rect().center())
    assert after.x() > before.x() + 100


def test_positions_round_trip_and_saved_positions_for_later_boxes(view):
    show(view, BE)
    pos = view.positions()
    assert set(pos) == {"build-essential", "foo", "bar", "stage-3", "image:debian:bookworm-slim",
                        "image:alpine:3.20"}
    moved = dict(pos, foo=(1234.0, 567.0), later=(5.0, 6.0))
    view.set_positions(moved)
    assert view.stage_nodes()[1].pos().x() == 1234.0
    show(view, BE + "FROM busybox AS later\n")
    assert view.positions()["later"] == (5.0, 6.0)


def test_opening_another_file_lays_it_out_afresh(view):
    view.resize(1900, 1000)  # room for the whole graph at a readable size
    show(view, BE)
    view.stage_nodes()[1].setPos(5000, 5000)  # foo was far away in the old file
    other = BE.replace("AS bar", "AS baz").replace("--from=bar", "--from=baz")
    show(view, other)  # the new file also has a "foo": its box is reused...
    view.set_positions({})  # ...but the new file has no saved arrangement
    fresh = GraphView()
    fresh.set_graph(parse(other).graph())
    assert view.positions() == fresh.positions()
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    assert all(seen.contains(n.sceneBoundingRect()) for n in view.stage_nodes().values())
    fresh.deleteLater()
    zoom = view.zoom()
    view.set_positions(view.positions())  # after a save the same arrangement comes back: no jump
    assert view.zoom() == zoom


def test_clear_forgets_everything(view):
    show(view, BE)
    view.clear()
    assert view.stage_nodes() == {} and view.edge_items() == [] and view.graph() is None
    show(view, BE)
    assert len(view.stage_nodes()) == 4


def test_theme_follows_light_and_dark_palettes(qapp):
    from PySide6.QtGui import QColor, QPalette

    from studio.ui.graph.theme import make_theme

    light, dark = QPalette(), QPalette()
    light.setColor(QPalette.ColorRole.Window, QColor("#f4f4f4"))
    light.setColor(QPalette.ColorRole.WindowText, QColor("#111111"))
    light.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    dark.setColor(QPalette.ColorRole.Window, QColor("#2b2d31"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#e6e6e6"))
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1f22"))
    a, b = make_theme(light), make_theme(dark)
    assert not a.dark and b.dark
    assert a.node_fill.lightnessF() > 0.8 > 0.3 > b.node_fill.lightnessF()
    for theme in (a, b):  # text stays readable on its card
        assert abs(theme.text.lightnessF() - theme.node_fill.lightnessF()) > 0.5


def test_build_footer_shortens_instead_of_overlapping(view):
    """A size with its change against the baseline and a long state line do not fit a box
    side by side: the footer drops the step count, then the time, then the change."""
    from PySide6.QtGui import QFontMetricsF

    from studio.ui.graph import theme as T

    show(view, BE)
    node = view.stage_nodes()[0]
    node.set_build(state="cached")
    node.set_build(progress=(12, 12))
    node.set_build(elapsed=123.4)
    fm = QFontMetricsF(node.theme.small_font)
    gap = fm.horizontalAdvance("  ")
    widths = []
    for delta in (None, "+1.02 MB · -1.5 s", "+102.45 kB · +10,000.0 s · much longer than any box is wide"):
        node.set_build(size=("5.06 MB", delta))
        width = T.NODE_WIDTH - 2 * T.PAD - 4  # the footer's text rectangle
        left, right = footer_texts(node, fm, width)
        assert fm.horizontalAdvance(left) + gap + fm.horizontalAdvance(right) <= width
        assert right.startswith("5.06 MB") and left.startswith("cached")
        widths.append((left, right))
    assert widths[0] == ("cached  12/12  123.4s", "5.06 MB")  # everything fits
    assert widths[1][1] == "5.06 MB  (+1.02 MB · -1.5 s)" and "12/12" not in widths[1][0]
    assert widths[2][1] == "5.06 MB"  # the change that can never fit is left to the tooltip and charts
    view.grab()


def test_labels_of_edges_between_the_same_boxes_do_not_cover_each_other(view):
    text = ("FROM busybox AS build\nRUN make\n\nFROM scratch\n"
            "COPY --from=build /bin/busybox /bin/busybox\nCOPY --from=build /out/ /app/\n")
    show(view, text)
    copies = sorted((e for e in view.edge_items() if e.kind == "copy"), key=lambda e: e.line)
    assert [e.label for e in copies] == ["busybox", "out"]
    first, second = (e.mapToScene(e._label_rect).boundingRect() for e in copies)
    assert not first.intersects(second)


def text_px_on_screen(view) -> float:
    from PySide6.QtGui import QFontInfo

    return QFontInfo(view.scene().theme.mono_font).pixelSize() * view.zoom()


def test_fit_fills_the_view_up_to_200_percent_and_keeps_text_readable(qtbot):
    """Issue 14: at 1920x1080 the boxes' text is at least 11 px high after Fit."""
    from studio.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitExposed(window)
    window.files.new_file(BE)
    view = window.graph_view
    qtbot.waitUntil(lambda: view.zoom() != 1.0)
    assert text_px_on_screen(view) >= 11
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    assert all(seen.contains(n.sceneBoundingRect()) for n in view.stage_nodes().values())
    # a resize fits again, until the user zooms by hand
    fitted = view.zoom()
    window.splitter.setSizes([1500, 420])
    qtbot.waitUntil(lambda: view.zoom() > fitted)
    view.zoom_out()
    zoom = view.zoom()
    width = view.viewport().width()
    window.splitter.setSizes([1300, 620])
    qtbot.waitUntil(lambda: view.viewport().width() < width)  # the view has had its resize
    assert view.zoom() == zoom
    # a small graph fills the view: larger than 100 %, at most 200 %
    window.files.new_file("FROM busybox AS build\nRUN make\n\nFROM scratch\nCOPY --from=build /a /a\n")
    qtbot.waitUntil(lambda: view.zoom() > 1.0)
    assert view.zoom() <= 2.0


def test_a_graph_too_big_to_read_whole_shows_fewer_rows_not_smaller_text(view):
    many = "".join(f"FROM busybox AS s{i}\n" + "".join(f"RUN echo {i}.{k}\n" for k in range(9)) + "\n"
                   for i in range(12))
    show(view, many)
    view.fit_to_view()
    assert text_px_on_screen(view) >= 11
    assert all(len(n.rows.shown) == 3 for n in view.stage_nodes().values())  # two rows and "7 more…"
    view.resize(300, 200)
    view.fit_to_view()
    assert text_px_on_screen(view) >= 11


def test_an_unnamed_stage_says_so_and_explains_it(view):
    show(view, BE)
    final = view.stage_nodes()[3]
    assert final.title == "#3" and final.unnamed and not view.stage_nodes()[1].unnamed
    assert final._title_text == "#3 (unnamed)"  # as drawn: there is room for it
    assert "stage-3" in final.toolTip() and "--from=3" in final.toolTip()
