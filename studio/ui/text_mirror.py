"""The editor's text as a Python string, brought up to date from the span the document
says changed, so a keystroke does not copy the whole text out of Qt (reading a
230,000-character file whole took half a millisecond, every keystroke).

Every change to a QTextDocument is reported by ``contentsChange(position, removed,
added)``, in the positions of the text as it is then (its own layout is driven by the
same reports). The changes since the text was last read are merged into one span of the
old text and its replacement in the new; reading the new text reads only that span.
A text with characters beyond the BMP (Qt counts them twice) and any answer whose length
disagrees with the document's are read whole instead.
"""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QTextCursor, QTextDocument

BMP_END = "\U00010000"


def raw_text(document: QTextDocument) -> str:
    """The document's text exactly (toPlainText would turn no-break spaces into spaces)."""
    return document.toRawText().replace("\u2029", "\n")


class TextMirror(QObject):
    """``text()``: ``document``'s text, read whole only when it must be."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.document = document
        self._text: str | None = None  # as last read (None: read it whole next time)
        self._span: tuple[int, int, int] | None = None  # changed since: old[lo:old_end] is now [lo:new_end]
        document.contentsChange.connect(self._changed)

    def text(self) -> str:
        text, span = self._text, self._span
        if text is not None and span is not None:
            lo, old_end, new_end = span
            count = self.document.characterCount() - 1  # (without the end's paragraph separator)
            piece = _read(self.document, min(lo, count), min(new_end, count))
            text = text[:lo] + piece + text[old_end:]
            if len(text) != count or not (piece.isascii() or max(piece, default="") < BMP_END):
                text = None
        if text is None:
            text = raw_text(self.document)
            if not (text.isascii() or max(text) < BMP_END):  # positions would not be offsets
                self._text, self._span = None, None
                return text
        self._text, self._span = text, None
        return text

    def _changed(self, position: int, removed: int, added: int) -> None:
        if self._text is None:
            return
        if self._span is None:
            self._span = (position, position + removed, position + added)
            return
        lo, old_end, new_end = self._span
        end = position + removed  # in the text as it is now; past new_end it maps back by the shift
        shift = new_end - old_end
        self._span = (min(lo, position), max(old_end, end - shift), max(new_end, end) + added - removed)


def _read(document: QTextDocument, start: int, end: int) -> str:
    if end <= start:
        return ""
    cursor = QTextCursor(document)
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText().replace("\u2029", "\n")
