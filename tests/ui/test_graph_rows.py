"""Stage boxes keep their instruction rows while their stage's text is unchanged, and
read only the rows they show, without the core working out the instructions' details."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF

from graph_samples import shown_view
from studio.core import parse
from studio.core.document import reparse
from studio.core.model import TextEdit
from studio.ui.graph import theme as T


def stage(name: str, runs: int) -> str:
    return f"FROM busybox AS {name}\nWORKDIR /{name}\n" + "".join(f"RUN echo {name} {k}\n" for k in range(runs))


TEXT = stage("a", 3) + stage("b", 9) + stage("c", 2)  # b has 10 instructions: collapsed


@pytest.fixture
def view(qtbot):
    return shown_view(qtbot)


def show(view, doc) -> None:
    view.set_graph(doc.graph(), text=doc.text)


def edit(doc, find: str, new: str, length: int = 0):
    at = doc.text.index(find)
    return reparse(doc, TextEdit(at, at + length, new))


def unread(ins) -> bool:
    """The core has not worked out this instruction's details (flags, arguments)."""
    return "_source" in ins.__dict__


def rows(node) -> list[tuple[int, str]]:
    return [(r.line, r.keyword + " " + r.rest) for r in node.rows.shown if r.index >= 0]


def test_a_collapsed_box_reads_only_the_rows_it_shows(view):
    doc = parse(TEXT)
    show(view, doc)
    b = view.stage_nodes()[1]
    assert b.collapsible and not b.expanded
    shown = T.MAX_ROWS - 1
    instructions = doc.stages[1].instructions
    assert [unread(i) for i in instructions[shown:]] == [True] * (len(instructions) - shown)
    assert b.row_source.texts.read() == shown
    assert rows(b)[1] == (8, "RUN echo b 0")  # a: lines 1-5, b: FROM 6, WORKDIR 7
    b.set_expanded(True)  # now every row is shown, so read
    assert [t for _, t in b.instructions][-1] == "RUN echo b 8"
    assert b.row_source.texts.read() == len(instructions)
    assert all(unread(i) for i in instructions)  # (a row needs only --from and the arguments)


def test_typing_elsewhere_keeps_a_boxs_rows_and_reads_nothing_of_it(view):
    doc = parse(TEXT)
    show(view, doc)
    b, c = view.stage_nodes()[1], view.stage_nodes()[2]
    kept_b, kept_c = b.row_source.texts, c.row_source.texts
    before = rows(c)
    new = edit(doc, "echo a 1", "x")  # same line count: nothing below moves
    show(view, new)
    assert new.stages[2].instructions is not doc.stages[2].instructions  # the core made new objects
    assert b.row_source.texts is kept_b and c.row_source.texts is kept_c
    assert rows(c) == before
    assert all(unread(i) for i in new.stages[1].instructions + new.stages[2].instructions)
    assert [t for _, t in view.stage_nodes()[0].instructions][2] == "RUN xecho a 1"


def test_overwriting_a_character_at_the_same_length_updates_the_row(view):
    doc = parse(TEXT)
    show(view, doc)
    c = view.stage_nodes()[2]
    kept = c.row_source.texts
    new = edit(doc, "echo c 1", "echo c 7", len("echo c 1"))
    assert len(new.text) == len(doc.text)
    show(view, new)
    assert c.row_source.texts is not kept
    assert [t for _, t in c.instructions][-1] == "RUN echo c 7"
    assert rows(c)[-1][1] == "RUN echo c 7"


def test_a_new_line_above_shifts_the_row_lines_not_the_texts(view):
    doc = parse(TEXT)
    show(view, doc)
    c = view.stage_nodes()[2]
    kept, old_rows = c.row_source.texts, rows(c)
    new = edit(doc, "RUN echo a 1", "RUN echo new\n")
    show(view, new)
    assert c.row_source.texts is kept
    assert rows(c) == [(line + 1, text) for line, text in old_rows]
    assert [line for line, _ in c.instructions] == [ins.line for ins in new.stages[2].instructions]
    assert c.line == new.stages[2].line
    # hit tests answer with the new lines
    local = QPointF(20, c.rows.top(1) + T.ROW_H / 2)
    assert c.part_at(local) == ("row", new.stages[2].instructions[1].line)


def test_the_edited_stage_gets_new_rows_and_the_edge_rows_follow(view):
    text = stage("a", 1) + "FROM busybox AS b\nRUN echo 1\nCOPY --from=a /x /x\n"
    doc = parse(text)
    show(view, doc)
    b = view.stage_nodes()[1]
    copy_edge = next(e for e in view.edge_items() if e.kind == "copy")
    new = edit(doc, "RUN echo 1", "RUN echo 0\n")  # the COPY moves one line down
    show(view, new)
    assert rows(b) == [(5, "RUN echo 0"), (6, "RUN echo 1"), (7, "COPY --from=a /x /x")]  # b: FROM 4
    assert copy_edge.line == 7
    assert copy_edge.path().pointAtPercent(1).y() == pytest.approx(b.in_anchor(7).y())


def test_a_changed_header_forgets_every_kept_row(view):
    doc = parse(TEXT)
    show(view, doc)
    c = view.stage_nodes()[2]
    kept = c.row_source.texts
    new = parse("# escape=`\n" + TEXT)
    show(view, new)
    assert c.row_source.texts is not kept
    assert rows(c)[0][0] == new.stages[2].instructions[0].line


def test_without_the_text_a_new_instruction_list_recomputes_rows(view):
    doc = parse(TEXT)
    view.set_graph(doc.graph())
    c = view.stage_nodes()[2]
    kept = c.row_source.texts
    view.set_graph(doc.graph())  # the same lists: nothing to do
    assert c.row_source.texts is kept
    view.set_graph(parse(TEXT).graph())  # new lists, the same texts (all read to tell)
    assert c.row_source.texts is kept
    new = edit(doc, "echo c 1", "echo c 7", len("echo c 1"))
    view.set_graph(new.graph())
    assert [t for _, t in c.instructions][-1] == "RUN echo c 7"


def test_typing_in_the_window_passes_the_text(open_window, qtbot):
    window, _ = open_window(TEXT)
    c = window.graph_view.stage_nodes()[2]
    kept = c.row_source.texts
    cursor = window.editor.textCursor()
    cursor.setPosition(TEXT.index("echo a 1"))
    window.editor.setTextCursor(cursor)
    window.editor.setFocus()
    qtbot.keyClicks(window.editor, "x")
    qtbot.waitUntil(lambda: "xecho" in window.controller.document.text, timeout=2000)
    window.controller.sync_now()
    assert c.row_source.texts is kept
    assert [t for _, t in window.graph_view.stage_nodes()[0].instructions][2] == "RUN xecho a 1"


def test_editing_a_meta_arg_keeps_the_rows(view):
    text = "# syntax=docker/dockerfile:1\nARG BASE=busybox\n" + TEXT.replace("FROM busybox", "FROM ${BASE}")
    doc = parse(text)
    show(view, doc)
    c = view.stage_nodes()[2]
    kept = c.row_source.texts
    at = text.index("busybox")
    show(view, reparse(doc, TextEdit(at, at, "my-")))
    assert view.stage_nodes()[2].base == "my-busybox"
    assert c.row_source.texts is kept


def test_a_new_base_redoes_only_the_base_line(view):
    text = "ARG BASE=busybox\n" + TEXT.replace("FROM busybox AS c", "FROM ${BASE} AS c")
    doc = parse(text)
    show(view, doc)
    c = view.stage_nodes()[2]
    laid_out, height = c.rows.shown, c.height
    at = text.index("busybox")
    show(view, reparse(doc, TextEdit(at, at, "my-")))
    assert c.base == "my-busybox" and c._base_text == "my-busybox"
    assert "FROM ${BASE} → my-busybox" in c.toolTip()
    assert c.rows.shown is laid_out and c.height == height  # rows not laid out again
