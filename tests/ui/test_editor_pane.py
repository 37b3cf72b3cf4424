"""The text pane: highlighting (with heredoc and directive state), line numbers,
current line, diagnostic underlines, find/replace and go to line."""
from __future__ import annotations

from PySide6.QtCore import Qt

from studio.core.model import Diagnostic
from studio.ui.editor.text_editor import OffsetMap

TEXT = """# syntax=docker/dockerfile:1
# escape=\\
FROM stage-studio-test/busybox AS build
# a comment
RUN --mount=type=cache,target=/root echo "hello $NAME" && \\
    echo ${OTHER}
COPY <<EOF /etc/conf
FROM not-an-instruction
EOF
RUN echo done
"""


def formats_of(window, line: int) -> dict[str, str]:
    """Map each highlighted token of a line to the colour it was given."""
    block = window.editor.document().findBlockByNumber(line - 1)
    text = block.text()
    return {text[f.start:f.start + f.length]: f.format.foreground().color().name()
            for f in block.layout().formats()}


def color(window, kind: str) -> str:
    return window.highlighter.formats[kind].foreground().color().name()


def test_highlighting_follows_dockerfile_structure(open_window):
    window, _ = open_window(TEXT)
    assert formats_of(window, 1) == {"# syntax=docker/dockerfile:1": color(window, "directive")}
    assert formats_of(window, 3)["FROM"] == color(window, "keyword")
    assert formats_of(window, 3)["AS"] == color(window, "as")
    assert formats_of(window, 4) == {"# a comment": color(window, "comment")}
    run = formats_of(window, 5)
    assert run["RUN"] == color(window, "keyword")
    assert run["--mount=type=cache,target=/root"] == color(window, "flag")
    assert run['"hello '] == color(window, "string")  # a variable inside a string is a variable
    assert run["$NAME"] == color(window, "var")
    assert formats_of(window, 6) == {"${OTHER}": color(window, "var")}  # continuation: no keyword
    # looks like FROM, but is heredoc content
    assert formats_of(window, 8) == {"FROM not-an-instruction": color(window, "heredoc")}
    assert formats_of(window, 10)["RUN"] == color(window, "keyword")  # after the terminator


def test_heredoc_state_updates_when_the_opener_is_edited(open_window):
    window, _ = open_window(TEXT)
    cursor = window.editor.line_cursor(7)
    cursor.insertText("COPY conf /etc/conf")  # no heredoc any more
    assert formats_of(window, 8)["FROM"] == color(window, "keyword")


def test_gutter_and_current_line(open_window):
    window, _ = open_window(TEXT)
    assert window.editor.gutter.width() >= window.editor.gutter_width() > 0
    window.go_to_line(5)
    assert window.editor.current_line() == 5
    assert window.status.cursor_label.text() == "Ln 5, Col 1"
    selections = window.editor.extraSelections()
    assert selections[0].cursor.blockNumber() == 4  # the current-line highlight


def test_diagnostics_are_underlined_by_severity(open_window):
    window, _ = open_window("FROM stage-studio-test/busybox AS b\nRU x\n")
    assert window.editor.diagnostic_underlines() == [(36, 38, "#d32f2f")]  # "RU": error, red
    assert "Unknown instruction" in window.editor.diagnostic_at(37)  # the hover tooltip
    assert window.editor.diagnostic_at(10) == ""


def test_find_next_previous_and_case(open_window, qtbot):
    window, _ = open_window(TEXT)
    bar = window.find_bar
    window.actions_by_name["find"].trigger()
    assert bar.isVisible() and not bar.replace_edit.isVisible()
    qtbot.keyClicks(bar.find_edit, "echo")
    assert bar.status.text() == "3 found"
    cursor = window.editor.textCursor()
    assert cursor.selectedText() == "echo" and cursor.blockNumber() == 4
    assert bar.find_next()
    assert window.editor.textCursor().blockNumber() == 5
    assert bar.find_previous()
    assert window.editor.textCursor().blockNumber() == 4
    bar.case_box.setChecked(True)
    bar.find_edit.setText("ECHO")
    assert bar.status.text() == "No matches"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Escape)
    assert not bar.isVisible() and window.focusWidget() is window.editor


def test_replace_all_is_one_undo_step(open_window):
    window, _ = open_window(TEXT)
    window.actions_by_name["replace"].trigger()
    bar = window.find_bar
    assert bar.replace_edit.isVisible()
    bar.find_edit.setText("echo")
    bar.replace_edit.setText("printf")
    assert bar.replace_all() == 3
    assert window.current_text() == TEXT.replace("echo", "printf")
    window.editor.undo()
    assert window.current_text() == TEXT


def test_replace_one_updates_the_graph(open_window, qtbot):
    window, _ = open_window(TEXT)
    bar = window.find_bar
    bar.open_find(replace=True)
    bar.find_edit.setText("build")
    bar.replace_edit.setText("compile")
    bar.replace_one()
    assert window.current_text() == TEXT.replace("AS build", "AS compile")
    qtbot.waitUntil(lambda: window.controller.graph.stages[0].name == "compile", timeout=2000)


def test_offsets_beyond_the_bmp():
    text = "a😀b\nc"
    offsets = OffsetMap(text)
    assert [offsets.to_qt(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 5, 6]
    assert [offsets.from_qt(q) for q in (0, 1, 3, 4, 5, 6)] == [0, 1, 2, 3, 4, 5]


def test_graph_edit_after_an_emoji_lands_on_the_right_bytes(open_window):
    text = "# 😀 emoji first\nFROM stage-studio-test/busybox AS build\nFROM scratch\nCOPY --from=build /a /a\n"
    window, _ = open_window(text)
    window.graph_view.interaction.sig_rename_requested.emit("build", "compile")
    assert window.current_text() == text.replace("build", "compile")


def test_go_to_line_clamps(open_window):
    window, _ = open_window(TEXT)
    window.go_to_line(999)
    assert window.editor.current_line() == window.editor.blockCount()
    assert window.editor.textCursor().position() == window.editor.document().lastBlock().position()


def test_enter_indents_continuations(open_window, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor

    window, _ = open_window("FROM stage-studio-test/busybox\n")
    cursor = window.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)
    qtbot.keyClicks(window.editor, "RUN echo a && \\")
    qtbot.keyClick(window.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(window.editor, "echo b && \\")
    qtbot.keyClick(window.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(window.editor, "echo c")
    qtbot.keyClick(window.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(window.editor, "USER nobody")
    assert window.current_text() == ("FROM stage-studio-test/busybox\nRUN echo a && \\\n    echo b && \\\n"
                                     "    echo c\nUSER nobody")


def test_indentation_rules():
    from studio.ui.editor.editing import indent_after

    assert indent_after("RUN a \\", None) == "    "
    assert indent_after("    b \\", "RUN a \\") == "    "
    assert indent_after("    c", "    b \\") == ""
    assert indent_after("  # note", None) == "  "
    assert indent_after("RUN a `", None, escape="`") == "    "
    assert indent_after("RUN a \\\\", None) == ""  # an escaped escape does not continue


def test_toggle_comment_is_one_undo_step(open_window):
    from PySide6.QtGui import QTextCursor

    text = "FROM a AS b\n  RUN x\n\nRUN y\n"
    window, _ = open_window(text)
    cursor = window.editor.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(len("FROM a AS b\n  RUN x\n\nRU"), QTextCursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)
    window.actions_by_name["toggle_comment"].trigger()
    assert window.current_text() == "# FROM a AS b\n  # RUN x\n\n# RUN y\n"
    window.actions_by_name["toggle_comment"].trigger()
    assert window.current_text() == text
    window.editor.undo()
    assert window.current_text() == "# FROM a AS b\n  # RUN x\n\n# RUN y\n"
    window.editor.undo()
    assert window.current_text() == text


def test_dark_backgrounds_get_their_own_colours(qtbot):
    from PySide6.QtGui import QColor, QPalette

    from studio.ui.editor.highlighter import DockerfileHighlighter
    from studio.ui.editor.text_editor import TextEditor

    editor = TextEditor()
    qtbot.addWidget(editor)
    palette = editor.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    editor.setPalette(palette)
    assert editor.is_dark()
    light = DockerfileHighlighter(editor.document()).formats["keyword"].foreground().color()
    dark = DockerfileHighlighter(editor.document(), dark=True).formats["keyword"].foreground().color()
    assert dark.lightness() > light.lightness()


def test_new_diagnostics_repaint_the_text_not_the_line_numbers(open_window, qtbot):
    """A line typed above moves every underline below: the gutter shows no underline, so
    only the lines that changed repaint there (the cursor's line, whose number stands
    out, repaints it all)."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    window, _ = open_window(TEXT)
    editor = window.editor

    class Paints(QObject):
        regions: list = []

        def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                self.regions.append(event.region().boundingRect())
            return False

    paints = Paints(editor.gutter)
    editor.gutter.installEventFilter(paints)
    QApplication.processEvents()
    paints.regions = []
    at = TEXT.index("echo done")
    editor.set_diagnostics([Diagnostic("warning", "test", 10, "a message", at, at + 4, 10)])
    QApplication.processEvents()
    line = editor.fontMetrics().height()
    assert editor.diagnostic_underlines()
    assert all(region.height() <= 2 * line for region in paints.regions), paints.regions  # its line at most
    cursor = editor.textCursor()
    cursor.setPosition(editor.document().findBlockByNumber(4).position())
    editor.setTextCursor(cursor)
    qtbot.waitUntil(lambda: any(region.height() > 2 * line for region in paints.regions))
