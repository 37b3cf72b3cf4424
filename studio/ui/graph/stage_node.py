"""One build stage drawn as a box: title, base image, instruction rows, ports, badges.

The item holds no document: the scene feeds it values through setters and reads back
only hit-test answers (which part was clicked, where a row would drop). Setters that do
not change anything return early, so re-applying a whole graph is cheap.
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainterPath

from studio.ui.graph import theme as T
from studio.ui.graph.node_item import NodeItem
from studio.ui.graph.stage_paint import StagePaintMixin
from studio.ui.graph.theme import Theme

BUILD_STATES = ("idle", "queued", "running", "cached", "done", "failed", "skipped")


@dataclass
class _Row:
    line: int
    keyword: str
    rest: str
    index: int  # position in the stage's instruction list; -1 for the "more" row


class StageNode(StagePaintMixin, NodeItem):
    """A stage box. ``index`` and ``key`` identify it to the scene; nothing else does."""

    def __init__(self, theme: Theme, index: int = 0, key: str = "") -> None:
        super().__init__(theme, key)
        self.index = index
        self.line = 0
        self._title = ""
        self._base = ""
        self._base_tip = ""
        self._row_lines: list[int] = []  # each instruction's line
        self._row_texts: Sequence[str] = []  # each instruction's row text (maybe read lazily)
        self._target = False
        self._skipped = False
        self._diagnostics: list[str] = []
        self._severity = "warning"
        self._expanded = False
        self._state = "idle"
        self._progress: tuple[int, int] | None = None
        self._elapsed: float | None = None
        self._size: tuple[str, str | None] | None = None
        self._final = False
        self._outdated = False
        self._error: str | None = None
        self._active_line: int | None = None
        self._height = 0.0
        self._rows: list[_Row] = []
        self._title_text = ""
        self._base_text = ""
        self._error_text = ""
        self._relayout()

    # ----- setters (the only way values get in) -------------------------------------
    def _set(self, attr: str, value) -> bool:
        if getattr(self, attr) == value:
            return False
        setattr(self, attr, value)
        self._relayout()
        return True

    def set_line(self, line: int) -> None:
        """The stage's FROM line (Enter on a selected box reveals it in the text)."""
        self.line = line

    def set_title(self, text: str) -> None:
        self._set("_title", text)

    def set_base(self, text: str, tooltip: str = "") -> None:
        """The base line changes no size: only it is redone (editing a meta ARG that
        most stages start FROM changes it in every box at once)."""
        changed = text != self._base
        if changed:
            self._base = text
            self._base_text = self._elided_base()
            self.update()
        if changed or self._base_tip != tooltip:
            self._base_tip = tooltip
            self._update_tooltip()

    def set_instructions(self, rows: list[tuple[int, str]]) -> None:
        lines, texts = [line for line, _ in rows], [text for _, text in rows]
        if lines != self._row_lines or texts != list(self._row_texts):
            self._row_lines, self._row_texts = lines, texts
            self._relayout()

    def set_rows(self, lines: list[int], texts: Sequence[str]) -> None:
        """Rows by line and text. ``texts`` may work each text out when read (only shown
        rows are read). The same ``texts`` object means the same texts: then only the
        line numbers may have moved, which changes nothing drawn (no relayout)."""
        if texts is not self._row_texts:
            self._row_lines, self._row_texts = list(lines), texts
            self._relayout()
        elif lines != self._row_lines:
            self._row_lines = list(lines)
            for row in self._rows:
                if row.index >= 0:
                    row.line = self._row_lines[row.index]
            if self._active_line is not None:
                self.update()

    def set_target(self, on: bool) -> None:
        self._set("_target", bool(on))

    def set_skipped(self, on: bool) -> None:
        if self._set("_skipped", bool(on)):
            self.setOpacity(0.45 if on else 1.0)

    def set_diagnostics(self, messages: list[str], severity: str = "warning") -> None:
        if self._diagnostics != list(messages) or self._severity != severity:
            self._diagnostics = list(messages)
            self._severity = severity
            self._relayout()

    def set_expanded(self, on: bool) -> None:
        self._set("_expanded", bool(on))

    def set_build_state(self, state: str) -> None:
        self._set("_state", state if state in BUILD_STATES else "idle")

    def set_progress(self, done: int, total: int) -> None:
        self._set("_progress", (int(done), int(total)) if total > 0 else None)

    def set_elapsed(self, seconds: float | None) -> None:
        self._set("_elapsed", None if seconds is None else round(float(seconds), 1))

    def set_size(self, text: str | None, delta_text: str | None = None) -> None:
        self._set("_size", None if text is None else (text, delta_text))

    def set_final(self, on: bool) -> None:
        self._set("_final", bool(on))

    def set_outdated(self, on: bool) -> None:
        """The build numbers shown are from text this stage (or one it uses) no longer has."""
        self._set("_outdated", bool(on))

    def set_error(self, text: str | None) -> None:
        self._set("_error", text or None)

    def set_active_line(self, line: int | None) -> None:
        self._set("_active_line", line)

    # ----- read-only state (tests and the scene use these) --------------------------
    title = property(lambda self: self._title)
    base = property(lambda self: self._base)
    instructions = property(lambda self: list(zip(self._row_lines, self._row_texts)))
    is_target = property(lambda self: self._target)
    is_skipped = property(lambda self: self._skipped)
    diagnostics = property(lambda self: list(self._diagnostics))
    expanded = property(lambda self: self._expanded)
    build_state = property(lambda self: self._state)
    outdated = property(lambda self: self._outdated)
    error = property(lambda self: self._error)

    @property
    def collapsible(self) -> bool:
        return len(self._row_lines) > T.MAX_ROWS

    # ----- geometry ---------------------------------------------------------------
    def _has_footer(self) -> bool:
        return self._state != "idle" or self._size is not None or self._elapsed is not None

    def _relayout(self) -> None:
        """Recompute rows, elided strings and height; called by every effective setter."""
        th = self.theme
        shown = len(self._row_lines)
        more = None
        if self.collapsible and not self._expanded:
            shown = T.MAX_ROWS - 1
            more = _Row(-1, "", f"{len(self._row_lines) - shown} more…", -1)
        texts = self._row_texts  # only the shown rows are read
        rows = [(i, self._row_lines[i], texts[i]) for i in range(shown)]
        mono = QFontMetricsF(th.mono_font)
        avail = T.NODE_WIDTH - 2 * T.PAD - 4
        self._rows = []
        for i, line, text in rows:
            keyword, _, rest = text.partition(" ")
            kw_w = mono.horizontalAdvance(keyword + " ")
            rest = mono.elidedText(rest, Qt.TextElideMode.ElideRight, max(10.0, avail - kw_w))
            self._rows.append(_Row(line, keyword, rest, i))
        if more:
            self._rows.append(more)
        title_fm = QFontMetricsF(th.title_font)
        self._title_text = title_fm.elidedText(self._title, Qt.TextElideMode.ElideRight, self._title_room())
        body = QFontMetricsF(th.mono_font)
        self._base_text = self._elided_base()
        self._error_text = body.elidedText((self._error or "").replace("\n", " "),
                                           Qt.TextElideMode.ElideRight, avail)
        height = T.HEADER_H + T.BASE_H + len(self._rows) * T.ROW_H + T.PAD / 2
        if not self._rows:
            height += 2
        if self._error:
            height += T.ROW_H
        if self._has_footer():
            height += T.FOOTER_H
        if height != self._height:
            self.prepareGeometryChange()
            self._height = height
            scene = self.scene()
            if scene is not None and hasattr(scene, "node_resized"):
                scene.node_resized(self)
        self._update_tooltip()
        self.update()
        for edge in self.edges:
            edge.adjust()

    def _elided_base(self) -> str:
        room = T.NODE_WIDTH - 2 * T.PAD - 4 - 40
        return QFontMetricsF(self.theme.mono_font).elidedText(self._base, Qt.TextElideMode.ElideMiddle, room)

    def _title_room(self) -> float:
        room = T.NODE_WIDTH - 2 * T.PAD - 8
        if self._diagnostics:
            room -= 34
        if self.collapsible:
            room -= 20
        if self._skipped:
            room -= 60
        return room

    def _update_tooltip(self) -> None:
        lines = [f"<b>{html.escape(self._title, quote=False)}</b>", f"FROM {html.escape(self._base_tip or self._base, quote=False)}"]
        if self._target:
            lines.append("Build target")
        if self._skipped:
            lines.append("Skipped: the build target does not need this stage")
        lines += [f"<span>⚠ {html.escape(m, quote=False)}</span>" for m in self._diagnostics]
        if self._error:
            lines.append(f"<span>✖ {html.escape(self._error, quote=False)}</span>")
        self.setToolTip("<br>".join(lines))

    @property
    def height(self) -> float:
        return self._height

    def box_rect(self) -> QRectF:
        return QRectF(0, 0, T.NODE_WIDTH, self._height)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        return QRectF(-T.PORT_R - 3, -20, T.NODE_WIDTH + 2 * T.PORT_R + 6, self._height + 24)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.WindingFill)  # the port circle overlaps the box edge
        path.addRoundedRect(self.box_rect(), T.RADIUS, T.RADIUS)
        path.addEllipse(self.out_port_local(), T.PORT_R + 3, T.PORT_R + 3)
        return path

    def in_port_local(self) -> QPointF:
        return QPointF(0, T.HEADER_H / 2)

    def out_port_local(self) -> QPointF:
        return QPointF(T.NODE_WIDTH, T.HEADER_H / 2)

    def in_anchor_y(self, line: int | None = None) -> float:
        """Local y where an edge made by ``line`` enters: its row if shown, else the header."""
        if line is not None:
            for k, row in enumerate(self._rows):
                if row.line == line or (row.index == -1 and self._hidden_has(line)):
                    return self._row_top(k) + T.ROW_H / 2
        return T.HEADER_H / 2

    def in_anchor(self, line: int | None = None) -> QPointF:
        return self.mapToScene(QPointF(0, self.in_anchor_y(line)))

    def _hidden_has(self, line: int) -> bool:
        shown = {r.line for r in self._rows}
        return line in self._row_lines and line not in shown

    def _row_top(self, k: int) -> float:
        return T.HEADER_H + T.BASE_H + k * T.ROW_H

    def part_at(self, local: QPointF) -> tuple[str, int | None]:
        """What a click at ``local`` hits: ("out_port"|"chevron"|"title"|"base"|"row"|"body", line)."""
        if (local - self.out_port_local()).manhattanLength() <= T.PORT_R + 5:
            return "out_port", None
        if local.y() < T.HEADER_H:
            if self.collapsible and local.x() > T.NODE_WIDTH - T.PAD - 18:
                return "chevron", None
            return "title", None
        if local.y() < T.HEADER_H + T.BASE_H:
            return "base", None
        k = int((local.y() - T.HEADER_H - T.BASE_H) // T.ROW_H)
        if 0 <= k < len(self._rows):
            row = self._rows[k]
            return ("chevron", None) if row.index == -1 else ("row", row.line)
        return "body", None

    def drop_position(self, local_y: float) -> int:
        """The instruction index a row dropped at ``local_y`` would take."""
        for k, row in enumerate(self._rows):
            if row.index == -1:
                return len(self._row_lines)
            if local_y < self._row_top(k) + T.ROW_H / 2:
                return row.index
        return len(self._row_lines)

    def drop_line_y(self, position: int) -> float:
        """Local y of the insertion line shown while a row is dragged to ``position``."""
        for k, row in enumerate(self._rows):
            if row.index == position or row.index == -1:
                return self._row_top(k)
        return self._row_top(len(self._rows))

    def title_rect(self) -> QRectF:
        return QRectF(T.PAD + 4, 4, T.NODE_WIDTH - 2 * T.PAD - 8, T.HEADER_H - 8)
