"""Designing a Dockerfile in the graph alone: the classic Go example built from an empty
window by gestures (each one undo step), rows edited in place, Del and Ctrl+D, an
edge re-pointed by dragging its source end, and a refactoring previewed then applied."""
from __future__ import annotations

from importlib.resources import files

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication

from studio.core import parse
from studio.core.render import graph_shape
from studio.ui.graph import theme as T
from studio.ui.graph.instruction_palette import InstructionPalette

EXAMPLES = files("studio.resources").joinpath("examples")


def scene_point(view, point: QPointF) -> QPoint:
    return view.mapFromScene(point)


def node_point(view, node, x: float, y: float) -> QPoint:
    return view.mapFromScene(node.mapToScene(QPointF(x, y)))


def by_title(view, title: str):
    return next(n for n in view.stage_nodes().values() if n.title == title)


class Palette:
    """Answers the "+" palette the way a user does: pick a kind, type into its form."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.fill = None
        self.seen: list[str] = []

    def __call__(self, parent, title, check, stage=None):
        palette = InstructionPalette(parent, title, check, stage)
        self.qtbot.addWidget(palette)
        self.fill(palette)
        self.seen.append(palette.problems.text())
        assert palette.can_accept(), palette.problems.text()
        return palette.text()


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def run_body(qtbot, text):
    def fill(p):
        body = p.choose("RUN").body
        for n, line in enumerate(text.split("\n")):
            if n:
                qtbot.keyClick(body, Qt.Key.Key_Return)
            type_into(qtbot, body, line)
    return fill


def copy_form(qtbot, sources, dest):
    def fill(p):
        form = p.choose("COPY")
        type_into(qtbot, form.sources, sources)
        type_into(qtbot, form.dest, dest)
    return fill


def line_form(qtbot, kind, value):
    def fill(p):
        type_into(qtbot, p.choose(kind).value, value)
    return fill


def exec_form(qtbot, kind, *arguments):
    def fill(p):
        form = p.choose(kind)
        for argument in arguments:
            type_into(qtbot, form.entry, argument)
            qtbot.keyClick(form.entry, Qt.Key.Key_Return)
    return fill


def click_plus(window, qtbot, palette: Palette, node, fill, gap: int | None = None) -> None:
    """Hover the box, click its "+" (at the end, or in the gap before row ``gap``)."""
    view, design = window.graph_view, window.design.interaction
    palette.fill = fill
    view.fit_to_view()
    QApplication.processEvents()  # the view replays the last mouse move after scrolling: let it, first
    if gap is None:
        qtbot.mouseMove(view.viewport(), node_point(view, node, 60, node.height - 4))
        plus = design.end_plus
    else:
        y = node.rows.drop_line_y(gap)
        qtbot.mouseMove(view.viewport(), node_point(view, node, 60, y + 1))
        plus = design.gap_plus
    assert plus.isVisible() and plus.key == node.key
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=scene_point(view, plus.scenePos()))


def test_the_go_example_from_an_empty_window_by_gestures_alone(open_window, qtbot):
    window, _ = open_window("")
    view, design = window.graph_view, window.design.interaction
    palette = Palette(qtbot)
    design.ask_instruction = palette
    texts = [window.current_text()]

    def gesture() -> None:  # each gesture leaves the text changed, as one undo step
        window.controller.sync_now()
        assert window.current_text() != texts[-1]
        texts.append(window.current_text())

    new_stages = iter([("build", "golang:1.22-alpine"), ("", "alpine:3.20")])
    view.interaction.ask_new_stage = lambda parent, taken, base="": next(new_stages)
    assert view.overlays.empty.isVisible()
    qtbot.mouseClick(view.overlays.empty.new_stage, Qt.MouseButton.LeftButton)
    gesture()
    view.fit_to_view()
    for fill in (line_form(qtbot, "WORKDIR", "/src"), copy_form(qtbot, "go.mod go.sum", "./"),
                 run_body(qtbot, "go mod download"), copy_form(qtbot, ". .", "."),
                 run_body(qtbot, "CGO_ENABLED=0 go build -o /out/app ./cmd/app")):
        click_plus(window, qtbot, palette, by_title(view, "build"), fill)
        gesture()
    build = by_title(view, "build")
    # the copy of the sources went in as "COPY . . ." : fix it in place (double-click the row)
    line = build.instructions[3][0]
    row = node_point(view, build, 80, design.row_rect(build, line).center().y())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=row)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=row)  # (QTest's double click leaves it down)
    editor = design.editor
    qtbot.waitUntil(editor.is_active)
    assert editor.text() == "COPY . . ."
    editor.box.selectAll()
    qtbot.keyClicks(editor.box, "COPY --from=build . .")
    assert "cannot copy from itself" in editor.problems.text()  # checked as typed, like the text pane
    qtbot.keyClick(editor.box, Qt.Key.Key_Return)
    assert editor.is_active()  # an error is never applied
    editor.box.selectAll()
    qtbot.keyClicks(editor.box, "COPY . .")
    qtbot.keyClick(editor.box, Qt.Key.Key_Return)
    gesture()
    # the final stage, from the graph's own menu
    menu = view.interaction.build_context_menu(QPoint(5, 5))
    next(a for a in menu.actions() if a.text() == "Add stage here…").trigger()
    gesture()
    view.fit_to_view()
    final = view.stage_nodes()[1]
    click_plus(window, qtbot, palette, final, run_body(qtbot, "apk add --no-cache ca-certificates"))
    gesture()
    # COPY --from: drag from build's output port onto the final box
    view.interaction.ask_copy = lambda parent, source, target: (["/out/app"], "/usr/local/bin/app")
    build, final = by_title(view, "build"), view.stage_nodes()[1]
    start = scene_point(view, build.out_port())
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.viewport(), node_point(view, final, 100, 30))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=node_point(view, final, 100, 30))
    gesture()
    final = view.stage_nodes()[1]
    click_plus(window, qtbot, palette, final, line_form(qtbot, "USER", "nobody"))
    gesture()
    click_plus(window, qtbot, palette, view.stage_nodes()[1], exec_form(qtbot, "ENTRYPOINT", "/usr/local/bin/app"))
    gesture()

    hand_written = EXAMPLES.joinpath("go.multi.Dockerfile").read_text(encoding="utf-8")
    assert graph_shape(parse(window.current_text())) == graph_shape(parse(hand_written))
    assert not any(palette.seen)  # no form ever showed a problem on the way
    # one undo per gesture walks it back to empty
    document = window.editor.document()
    for before in reversed(texts[:-1]):
        document.undo()
        assert window.current_text() == before
    assert window.current_text() == "" and not document.isUndoAvailable()


def test_a_row_is_inserted_between_rows_deleted_and_duplicated(open_window, qtbot):
    window, _ = open_window("FROM alpine AS a\nRUN one\nRUN three\n")
    view, design = window.graph_view, window.design.interaction
    palette = Palette(qtbot)
    design.ask_instruction = palette
    node = by_title(view, "a")
    click_plus(window, qtbot, palette, node, run_body(qtbot, "two\n&& two-and-a-half"), gap=1)
    assert window.current_text() == "FROM alpine AS a\nRUN one\nRUN two \\\n    && two-and-a-half\nRUN three\n"
    node = by_title(view, "a")
    row = node_point(view, node, 80, design.row_rect(node, 5).center().y())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=row)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.current_text().endswith("RUN three\nRUN three\n")
    node = by_title(view, "a")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=node_point(view, node, 80, design.row_rect(node, 2).center().y()))
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert window.current_text() == "FROM alpine AS a\nRUN two \\\n    && two-and-a-half\nRUN three\nRUN three\n"
    assert len(view.stage_nodes()) == 1  # Del took the row, not the stage


def test_dragging_an_edge_source_end_repoints_it(open_window, qtbot):
    text = EXAMPLES.joinpath("build-essential-foo-bar.Dockerfile").read_text(encoding="utf-8")
    window, _ = open_window(text)
    view = window.graph_view
    view.fit_to_view()
    failures: list[str] = []
    window.edits.sig_edit_failed.connect(failures.append)
    edge = next(e for e in view.edge_items() if e.kind == "copy" and e.source_item.title == "foo")
    start = scene_point(view, edge.path().pointAtPercent(0.12))
    bar = by_title(view, "bar")
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.viewport(), node_point(view, bar, 100, T.HEADER_H / 2))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=node_point(view, bar, 100, T.HEADER_H / 2))
    assert window.current_text() == text.replace("--from=foo", "--from=bar")
    assert failures == []
    # FROM build-essential of bar, dragged onto foo: fine; onto the later final stage: refused, with why
    edge = next(e for e in view.edge_items() if e.kind == "from" and e.target_item.title == "bar")
    final = view.stage_nodes()[3]
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=scene_point(view, edge.path().pointAtPercent(0.1)))
    qtbot.mouseMove(view.viewport(), node_point(view, final, 100, T.HEADER_H / 2))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=node_point(view, final, 100, T.HEADER_H / 2))
    assert failures and "comes after it" in failures[-1]
    assert window.current_text() == text.replace("--from=foo", "--from=bar")


def test_extract_shows_a_preview_and_applies_as_one_undo_step(open_window, qtbot):
    text = EXAMPLES.joinpath("offline-demo.single.Dockerfile").read_text(encoding="utf-8")
    window, _ = open_window(text)
    view, design = window.graph_view, window.design.interaction
    shown: list = []

    def preview(parent, title, diff, notes, can_compare):
        shown.append((title, diff, notes))
        return True, False

    window.design.ask_preview = preview
    design.ask_extract = lambda parent, stage, rows, first, taken: (first, rows[-2][0], "build", ["/out/"])
    node = view.stage_nodes()[0]
    menu = view.interaction.build_context_menu(node_point(view, node, 80, design.row_rect(node, 12).center().y()))
    next(a for a in menu.actions() if a.text() == "Extract into a builder stage…").trigger()
    title, diff, notes = shown[0]
    assert title == "Extract lines 12-15 into stage 'build'"
    assert "+FROM stage-studio-test/busybox:latest AS build" in diff and "+COPY --from=build /out/ /out/" in diff
    assert [s.name for s in window.current_document().stages] == ["build", None]
    window.editor.document().undo()
    assert window.current_text() == text


def test_empty_graph_offers_the_gallery(open_window, qtbot, monkeypatch):
    window, _ = open_window("")
    opened: list = []
    monkeypatch.setattr(window.files, "new_from_example", lambda path=None: opened.append(path) or True)
    qtbot.mouseClick(window.graph_view.overlays.empty.gallery, Qt.MouseButton.LeftButton)
    assert opened == [None]


def test_stage_menu_duplicates_inserts_slims_and_inlines(open_window, qtbot):
    text = "FROM alpine:3.20 AS build\nRUN make app\n\nFROM build AS test\nRUN make check\n"
    window, _ = open_window(text)
    view, design = window.graph_view, window.design.interaction
    window.design.ask_preview = lambda parent, title, diff, notes, can_compare: (True, False)

    def menu_entry(title: str, label: str) -> None:
        node = by_title(view, title)
        menu = view.interaction.build_context_menu(node_point(view, node, 80, T.HEADER_H / 2))
        next(a for a in menu.actions() if a.text() == label).trigger()

    design.ask_name = lambda parent, title, label, default, taken: "build2"
    menu_entry("build", "Duplicate stage…")
    assert window.current_text() == ("FROM alpine:3.20 AS build\nRUN make app\n\nFROM alpine:3.20 AS build2\n"
                                     "RUN make app\n\nFROM build AS test\nRUN make check\n")
    design.ask_insert_stage = lambda parent, stage, base, taken: ("deps", base)
    menu_entry("test", "Insert stage before this one…")
    assert "FROM build AS deps\n\nFROM deps AS test\n" in window.current_text()
    design.ask_slim = lambda parent, stage: ("busybox:1", ["/out"])
    menu_entry("test", "Slim this stage…")
    doc = window.current_document()
    assert [(s.name, s.base) for s in doc.stages][-2:] == [("build-2", "deps"), ("test", "busybox:1")]
    failures: list[str] = []
    window.edits.sig_edit_failed.connect(failures.append)
    menu_entry("build2", "Inline into the stage that copies from it…")  # nothing copies from it: refused
    assert failures and "no stage uses stage 'build2'" in failures[-1]
    assert [s.name for s in window.current_document().stages] == ["build", "build2", "deps", "build-2", "test"]
    for _ in range(3):
        window.editor.document().undo()
    assert window.current_text() == text
