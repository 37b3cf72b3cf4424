"""How a stage box lays out its instruction rows: which rows show (a long stage shows the first
few and a "more" row until it is expanded), their elided texts, and what lies where
(hit tests, drop positions, edge anchors). Plain geometry in the box's coordinates;
the box feeds it lines and texts and asks it questions. Which rows show and where edges
enter come from box_geometry.py, which the Qt-free SVG export reads too."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF

from studio.ui.graph import theme as T
from studio.ui.graph.box_geometry import HEADER_ANCHOR, entry_anchors, more_text, row_top, shown_rows


@dataclass
class Row:
    line: int
    keyword: str
    rest: str
    index: int  # position in the stage's instruction list; -1 for the "more" row


class RowLayout:
    """The rows one box shows, from ``lines`` (each instruction's line) and ``texts``."""

    def __init__(self) -> None:
        self.lines: list[int] = []
        self.texts: Sequence[str] = []  # may work each text out when read (only shown rows are)
        self.shown: list[Row] = []
        self.limit = T.MAX_ROWS  # rows shown while collapsed (fewer when text must stay readable)
        self._anchors: dict[int, float] | None = None  # edge entry y by line (see anchor_y)...
        self._shift = 0  # ...as the lines were when it was made: they moved by this since

    @property
    def collapsible(self) -> bool:
        return len(self.lines) > self.limit

    def lay_out(self, expanded: bool, font: QFont, width: float) -> None:
        """Choose and elide the shown rows for a box ``width`` wide of text."""
        shown, hidden = shown_rows(len(self.lines), self.limit, expanded)
        more = Row(-1, "", more_text(hidden), -1) if hidden else None
        mono = QFontMetricsF(font)
        texts = self.texts
        self.shown = []
        for i in range(shown):
            keyword, _, rest = texts[i].partition(" ")
            room = max(10.0, width - mono.horizontalAdvance(keyword + " "))
            self.shown.append(Row(self.lines[i], keyword, mono.elidedText(rest, Qt.TextElideMode.ElideRight, room), i))
        if more:
            self.shown.append(more)
        self._anchors = None

    def move_lines(self, lines: list[int]) -> None:
        """The same texts on other lines (text above the stage was edited)."""
        self.lines = list(lines)
        for row in self.shown:
            if row.index >= 0:
                row.line = self.lines[row.index]
        self._anchors = None

    def shift_lines(self, delta: int) -> None:
        """The same texts, every line ``delta`` further down (a line typed above the
        stage): the edge anchors stay where they are, for lines moved by as much."""
        self.lines = [line + delta for line in self.lines]
        for row in self.shown:
            if row.index >= 0:
                row.line += delta
        self._shift += delta

    top = staticmethod(row_top)

    def at(self, local_y: float) -> tuple[str, int | None]:
        """What a click at ``local_y`` (below the base line) hits: a row, "more", or the body."""
        k = int((local_y - T.HEADER_H - T.BASE_H) // T.ROW_H)
        if 0 <= k < len(self.shown):
            row = self.shown[k]
            return ("chevron", None) if row.index == -1 else ("row", row.line)
        return "body", None

    def anchor_y(self, line: int | None) -> float:
        """Local y where an edge made by ``line`` enters: its row if shown, else the
        header. (Worked out for every line at once: each edge of the box asks.)"""
        if self._anchors is None:
            more = bool(self.shown) and self.shown[-1].index == -1
            shown = len(self.shown) - more
            self._anchors = entry_anchors(self.lines, shown, len(self.lines) - shown if more else 0)
            self._shift = 0
        return self._anchors.get(line - self._shift if line is not None else None, HEADER_ANCHOR)

    def drop_position(self, local_y: float) -> int:
        """The instruction index a row dropped at ``local_y`` would take."""
        for k, row in enumerate(self.shown):
            if row.index == -1:
                return len(self.lines)
            if local_y < self.top(k) + T.ROW_H / 2:
                return row.index
        return len(self.lines)

    def drop_line_y(self, position: int) -> float:
        """Local y of the insertion line shown while a row is dragged to ``position``."""
        for k, row in enumerate(self.shown):
            if row.index == position or row.index == -1:
                return self.top(k)
        return self.top(len(self.shown))
