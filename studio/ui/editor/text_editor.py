"""The Dockerfile text pane: a plain-text editor with a line-number gutter, the current
line highlighted, diagnostics underlined and a span "revealed" when the graph asks."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor, QFontDatabase, QKeyEvent, QPainter, QPaintEvent, QResizeEvent, QTextCharFormat,
    QTextCursor, QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from studio.core.model import Diagnostic
from studio.ui.editor.editing import newline_with_indent, toggle_comment

SEVERITY_COLORS = {"error": "#d32f2f", "warning": "#ef8f00", "info": "#1e88e5"}


class OffsetMap:
    """Python offsets (code points) to QTextDocument positions (UTF-16 units) and back.
    Identity, and free, for text without characters beyond the BMP."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.identity = text.isascii() or not text or max(text) < "\U00010000"

    def to_qt(self, offset: int) -> int:
        if self.identity:
            return offset
        return len(self.text[:offset].encode("utf-16-le")) // 2  # C speed, even on big texts

    def from_qt(self, position: int) -> int:
        if self.identity:
            return position
        units = self.text.encode("utf-16-le")[: 2 * max(0, position)]
        return len(units.decode("utf-16-le", errors="ignore"))  # a split pair counts as before it


class LineNumberArea(QWidget):
    def __init__(self, editor: TextEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.editor.paint_gutter(event)


class TextEditor(QPlainTextEdit):
    """QPlainTextEdit plus the things a code editor is expected to show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("textEditor")
        self.escape = "\\"  # the file's escape character (``# escape=``), for continuations
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10.0))
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 4)
        self.gutter = LineNumberArea(self)
        self._diagnostic_selections: list[QTextEdit.ExtraSelection] = []
        self._reveal_selections: list[QTextEdit.ExtraSelection] = []
        self._find_selections: list[QTextEdit.ExtraSelection] = []
        self._build_selections: list[QTextEdit.ExtraSelection] = []
        self.blockCountChanged.connect(self._update_gutter_width)
        self.updateRequest.connect(self._update_gutter)
        self.cursorPositionChanged.connect(self._cursor_moved)
        self._update_gutter_width()
        self._refresh_selections()

    def is_dark(self) -> bool:
        return self.palette().base().color().lightness() < 128

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Shift+Enter too: QPlainTextEdit would insert U+2028, which has no place in a Dockerfile
        plain = not (event.modifiers() & ~(Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier))
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain and not self.isReadOnly():
            newline_with_indent(self, self.escape)  # continuation lines indent themselves
            return
        super().keyPressEvent(event)

    def toggle_comment(self) -> None:
        if not self.isReadOnly():
            toggle_comment(self)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        """Dropped files are for the window to open, not paths to paste into the text."""
        if source.hasUrls() and any(url.isLocalFile() for url in source.urls()):
            return False
        return super().canInsertFromMimeData(source)

    # -- gutter ---------------------------------------------------------------------------
    def gutter_width(self) -> int:
        digits = max(3, len(str(max(1, self.blockCount()))))
        return 12 + self.fontMetrics().horizontalAdvance("9") * digits

    def _update_gutter_width(self, *_args) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())
        if rect.contains(self.viewport().rect()):
            self._update_gutter_width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self.gutter.setGeometry(QRect(area.left(), area.top(), self.gutter_width(), area.height()))

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self.gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.alternateBase())
        current = self.textCursor().blockNumber()
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        width = self.gutter.width() - 6
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top():
                number = block.blockNumber()
                color = palette.text().color() if number == current else palette.placeholderText().color()
                painter.setPen(color)
                painter.drawText(0, top, width, height, Qt.AlignmentFlag.AlignRight, str(number + 1))
            block = block.next()
            top = bottom
        painter.end()

    # -- extra selections -----------------------------------------------------------------
    def _refresh_selections(self) -> None:
        line = QTextEdit.ExtraSelection()
        base = self.palette().base().color()
        line.format.setBackground(base.lighter(125) if self.is_dark() else QColor("#f2f5fa"))
        line.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        line.cursor = self.textCursor()
        line.cursor.clearSelection()
        self.setExtraSelections(
            [line, *self._build_selections, *self._reveal_selections, *self._find_selections,
             *self._diagnostic_selections]
        )

    def _cursor_moved(self) -> None:
        self._refresh_selections()
        self.gutter.update()  # the current line's number stands out (nothing else there moves with it)

    def line_cursor(self, line: int, end_line: int | None = None) -> QTextCursor:
        """A cursor selecting 1-based lines ``line..end_line`` (without the last newline)."""
        doc = self.document()
        first = doc.findBlockByNumber(max(0, line - 1))
        last = doc.findBlockByNumber(max(0, (end_line or line) - 1))
        if not first.isValid():
            first = doc.lastBlock()
        if not last.isValid():
            last = doc.lastBlock()
        cursor = QTextCursor(doc)
        cursor.setPosition(first.position())
        cursor.setPosition(last.position() + max(0, last.length() - 1), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def span_cursor(self, start: int, end: int, offsets: OffsetMap | None = None) -> QTextCursor:
        """A cursor selecting the Python-offset span ``start..end`` of the text."""
        offsets = offsets or OffsetMap(self.toPlainText())
        limit = self.document().characterCount() - 1
        cursor = QTextCursor(self.document())
        cursor.setPosition(min(limit, offsets.to_qt(start)))
        cursor.setPosition(min(limit, offsets.to_qt(end)), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def set_diagnostics(self, diagnostics: list[Diagnostic], offsets: OffsetMap | None = None) -> None:
        """Underline each diagnostic's span (wavy, coloured by severity); a diagnostic
        without a span underlines its whole line. Underlines already where they belong
        (their cursors moved with the text as it was typed) are left as they are."""
        offsets = offsets or OffsetMap(self.toPlainText())
        wanted = []
        for diag in diagnostics[:500]:
            if diag.end > diag.start:
                cursor = self.span_cursor(diag.start, diag.end, offsets)
            else:
                cursor = self.line_cursor(diag.line, diag.end_line or diag.line)
            if not cursor.hasSelection():  # an empty line: underline one character of it
                cursor.movePosition(QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor)
            wanted.append((cursor, SEVERITY_COLORS.get(diag.severity, "#d32f2f"),
                           f"{diag.severity}: {diag.message} [{diag.code}]"))
        shown = [(s.cursor.selectionStart(), s.cursor.selectionEnd(), s.format.underlineColor().name(),
                  s.format.toolTip()) for s in self._diagnostic_selections]
        if shown == [(c.selectionStart(), c.selectionEnd(), color, tip) for c, color, tip in wanted]:
            return
        selections = []
        for cursor, color, tip in wanted:
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(QColor(color))
            fmt.setToolTip(tip)
            selection.format = fmt
            selection.cursor = cursor
            selections.append(selection)
        self._diagnostic_selections = selections
        self._refresh_selections()

    def diagnostic_at(self, position: int) -> str:
        """The messages of the underlines covering a document position ('' if none)."""
        return "\n".join(s.format.toolTip() for s in self._diagnostic_selections
                         if s.cursor.selectionStart() <= position < max(s.cursor.selectionEnd(), s.cursor.selectionStart() + 1))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:  # hovering an underline tells what is wrong
            point = self.viewport().mapFromGlobal(event.globalPos())
            text = self.diagnostic_at(self.cursorForPosition(point).position())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def diagnostic_underlines(self) -> list[tuple[int, int, str]]:
        """(start, end, colour name) of every underline shown: what tests look at."""
        return [(s.cursor.selectionStart(), s.cursor.selectionEnd(), s.format.underlineColor().name())
                for s in self._diagnostic_selections]

    def reveal_lines(self, line: int, end_line: int) -> None:
        """Highlight lines ``line..end_line`` and scroll them into view, the cursor put at
        the start of ``line`` (the caller blocks the selection echo)."""
        cursor = self.line_cursor(line, end_line)
        end = cursor.selectionEnd()
        if end < self.document().characterCount() - 1:
            end += 1  # through the newline, so the band spans the last line's full width
        band = QTextCursor(self.document())
        band.setPosition(cursor.selectionStart())
        band.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.format.setBackground(QColor("#fff3c4" if not self.is_dark() else "#4a4120"))
        selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        selection.cursor = band
        self._reveal_selections = [selection]
        for position in (cursor.selectionEnd(), cursor.selectionStart()):  # show all, then the top
            moved = QTextCursor(cursor)
            moved.setPosition(position)
            self.setTextCursor(moved)
            self.ensureCursorVisible()
        self._refresh_selections()

    def clear_reveal(self) -> None:
        if self._reveal_selections:
            self._reveal_selections = []
            self._refresh_selections()

    def revealed_lines(self) -> tuple[int, int] | None:
        if not self._reveal_selections:
            return None
        cursor = self._reveal_selections[0].cursor
        doc = self.document()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        last = doc.findBlock(max(start, end - 1))
        return doc.findBlock(start).blockNumber() + 1, last.blockNumber() + 1

    def set_find_matches(self, cursors: list[QTextCursor]) -> None:
        selections = []
        for cursor in cursors[:2000]:
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(QColor("#ffe08a" if not self.is_dark() else "#6b5a17"))
            selection.cursor = cursor
            selections.append(selection)
        self._find_selections = selections
        self._refresh_selections()

    def set_build_marks(self, active_lines: list[int], failed_line: int | None = None) -> None:
        """Tint the lines a build runs now (blue) and the line it failed on (red)."""
        dark = self.palette().base().color().lightnessF() < 0.5
        active, failed = ("#1f3b5c", "#5c2626") if dark else ("#d6e6fb", "#f9d4d2")
        selections = []
        for line, color in [*((n, active) for n in active_lines[:50]), *(((failed_line, failed),) if failed_line else ())]:
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(QColor(color))
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = self.line_cursor(line)
            selections.append(selection)
        self._build_selections = selections
        self._refresh_selections()

    def build_marks(self) -> list[tuple[int, str]]:
        """(line, colour name) of every build mark shown: what tests look at."""
        return [(s.cursor.block().blockNumber() + 1, s.format.background().color().name())
                for s in self._build_selections]

    def go_to_line(self, line: int) -> None:
        block = self.document().findBlockByNumber(max(0, line - 1))
        if not block.isValid():
            block = self.document().lastBlock()
        cursor = QTextCursor(block)
        self.setTextCursor(cursor)
        self.centerCursor()
        self.setFocus()

    def current_line(self) -> int:
        return self.textCursor().blockNumber() + 1
