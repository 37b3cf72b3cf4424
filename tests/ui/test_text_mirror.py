"""The sync controller's copy of the editor's text (text_mirror.py) is the editor's text
exactly, whatever changed it: typing, deleting, replacing, pasting lines, undo, redo,
loading a file, the highlighter re-colouring blocks, characters Qt counts twice."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor

from studio.ui.editor.highlighter import DockerfileHighlighter
from studio.ui.editor.text_editor import TextEditor
from studio.ui.text_mirror import TextMirror, raw_text

START = "# syntax=docker/dockerfile:1\nFROM busybox AS a\nRUN echo a && \\\n    echo b\nCOPY <<EOF /x\nhi\nEOF\n"
PIECES = ["x", "\n", " \\\n", "FROM a AS b\n", "<<EOF\n", "EOF\n", "\u00a0", "\u2028", "\t", "é", "😀", "", "# c\n"]
OPS = st.tuples(st.sampled_from(["insert", "remove", "replace", "undo", "redo", "block", "load"]),
                st.floats(0, 1), st.integers(0, 12), st.sampled_from(PIECES))


def apply(editor: TextEditor, op: str, at: float, length: int, piece: str) -> None:
    doc = editor.document()
    count = doc.characterCount() - 1
    cursor = QTextCursor(doc)
    start = int(at * count)
    cursor.setPosition(start)
    if op == "insert":
        cursor.insertText(piece)
    elif op in ("remove", "replace"):
        cursor.setPosition(min(count, start + length), QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText() if op == "remove" else cursor.insertText(piece * 2)
    elif op == "undo":
        doc.undo()
    elif op == "redo":
        doc.redo()
    elif op == "block":  # several changes in one undo step, far apart
        cursor.beginEditBlock()
        cursor.insertText(piece)
        cursor.setPosition(doc.characterCount() - 1)
        cursor.insertText("RUN end\n" + piece)
        cursor.setPosition(0)
        cursor.insertText(piece)
        cursor.endEditBlock()
    else:
        editor.setPlainText(START + piece)


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(OPS, min_size=1, max_size=12), st.integers(0, 3))
def test_the_mirror_reads_as_the_editor(qtbot, monkeypatch, ops, read_every):
    from studio.ui import text_mirror

    editor = TextEditor()
    qtbot.addWidget(editor)
    DockerfileHighlighter(editor.document())
    editor.setPlainText(START)
    mirror = TextMirror(editor.document())
    assert mirror.text() == raw_text(editor.document())
    whole = []  # reads of the whole text: only while it holds a character Qt counts twice
    monkeypatch.setattr(text_mirror, "raw_text", lambda document: whole.append(1) or raw_text(document))
    twice = False
    for k, (op, at, length, piece) in enumerate(ops):
        apply(editor, op, at, length, piece)
        twice = twice or "😀" in raw_text(editor.document())
        if read_every == 0 or k % read_every == 0:  # (several changes may come between two reads)
            assert mirror.text() == raw_text(editor.document())
    assert mirror.text() == raw_text(editor.document())
    assert twice or not whole


def test_a_keystroke_reads_only_what_changed(qtbot, monkeypatch):
    from studio.ui import text_mirror

    editor = TextEditor()
    qtbot.addWidget(editor)
    DockerfileHighlighter(editor.document())
    big = START * 2000
    editor.setPlainText(big)
    mirror = TextMirror(editor.document())
    assert mirror.text() == big
    whole = []
    monkeypatch.setattr(text_mirror, "raw_text", lambda document: whole.append(1) or raw_text(document))
    cursor = QTextCursor(editor.document())
    cursor.setPosition(len(big) // 2)
    cursor.insertText("\n")
    assert mirror.text() == big[:len(big) // 2] + "\n" + big[len(big) // 2:]
    assert whole == []
