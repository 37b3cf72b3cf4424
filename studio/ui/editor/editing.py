"""Small editing helpers for Dockerfile text: indentation on Enter that follows line
continuations, and toggling comments. Each change is one undo step."""
from __future__ import annotations

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

CONTINUATION_INDENT = "    "


def leading_space(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def indent_after(line: str, previous: str | None, escape: str = "\\") -> str:
    """The indentation for a new line typed after ``line``: the same as ``line``, plus
    one step when ``line`` starts a continuation (ends with the escape character)."""
    indent = leading_space(line)
    body = line.rstrip()
    continued = body.endswith(escape) and not body.endswith(escape * 2)
    if not continued:
        if previous is not None and _continues(previous, escape) and indent:
            return ""  # the continuation ended on ``line``: back to the instruction's column
        return indent
    if previous is not None and _continues(previous, escape):
        return indent  # already inside a continuation: keep its indentation
    return indent + CONTINUATION_INDENT


def _continues(line: str, escape: str) -> bool:
    body = line.rstrip()
    return body.endswith(escape) and not body.endswith(escape * 2)


def newline_with_indent(editor: QPlainTextEdit, escape: str = "\\") -> None:
    """Insert a line break and the indentation ``indent_after`` chooses."""
    cursor = editor.textCursor()
    block = cursor.block()
    text_before = block.text()[: cursor.positionInBlock()]
    previous = block.previous().text() if block.previous().isValid() else None
    indent = indent_after(text_before, previous, escape)
    cursor.beginEditBlock()
    cursor.insertText("\n" + indent)
    cursor.endEditBlock()
    editor.setTextCursor(cursor)


def toggle_comment(editor: QPlainTextEdit) -> None:
    """Comment the selected lines out with ``# `` (or uncomment them if all are comments)."""
    cursor = editor.textCursor()
    doc = editor.document()
    first = doc.findBlock(cursor.selectionStart())
    last = doc.findBlock(max(cursor.selectionStart(), cursor.selectionEnd() - (1 if cursor.hasSelection() else 0)))
    blocks = []
    block = first
    while block.isValid():
        blocks.append(block)
        if block == last:
            break
        block = block.next()
    texts = [b.text() for b in blocks]
    filled = [t for t in texts if t.strip()]
    uncomment = bool(filled) and all(t.lstrip().startswith("#") for t in filled)
    edit = QTextCursor(doc)
    edit.beginEditBlock()
    for block, text in zip(blocks, texts):
        if not text.strip():
            continue
        column = len(leading_space(text))
        edit.setPosition(block.position() + column)
        if uncomment:
            width = 2 if text[column:column + 2] == "# " else 1
            edit.setPosition(block.position() + column + width, QTextCursor.MoveMode.KeepAnchor)
            edit.removeSelectedText()
        else:
            edit.insertText("# ")
    edit.endEditBlock()
