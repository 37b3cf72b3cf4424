"""One build stage drawn as a box: title, base image, instruction rows, ports, badges.

The item holds no document: the scene feeds it values through setters and reads back
only hit-test answers (which part was clicked, where a row would drop). Setters that do
not change anything return early, so re-applying a whole graph is cheap, and a change
repaints only what it changes: a row typed in repaints that row, a message that only
moved to another line number repaints nothing (the tooltip is written when asked for).
Its rows are a ``RowLayout`` (row_layout.py), its drawing is ``paint_stage``
(stage_paint.py), and what the last build says about it is one ``BuildMarks`` value.
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainterPath
from PySide6.QtWidgets import QStyle

from studio.ui.graph import theme as T
from studio.ui.graph.box_geometry import ROW_WIDTH, stage_height, title_room
from studio.ui.graph.node_item import NodeItem
from studio.ui.graph.stage_paint import paint_stage, pills_rect, row_marks
from studio.ui.graph.row_layout import RowLayout
from studio.ui.graph.theme import Theme

BUILD_STATES = ("idle", "queued", "running", "cached", "done", "failed", "skipped", "stopped", "not_run",
                "cancelled")


@dataclass(frozen=True)
class BuildMarks:
    """What the last (or running) build says about a stage, as its box shows it."""

    state: str = "idle"
    progress: tuple[int, int] | None = None  # steps done, of
    elapsed: float | None = None  # seconds
    size: tuple[str, str | None] | None = None  # the size, and its change against the baseline
    final: bool = False  # the image the build produced
    outdated: bool = False  # the numbers are of text this stage (or one it uses) no longer has
    error: str | None = None
    active_line: int | None = None  # the instruction running now

    @property
    def has_footer(self) -> bool:
        return self.state != "idle" or self.size is not None or self.elapsed is not None


def _marks(state: str = "idle", progress=None, elapsed=None, size=None, final=False, outdated=False,
           error=None, active_line=None) -> dict:
    """BuildMarks fields as the box keeps them (rounded, normalised)."""
    done, total = progress if progress else (0, 0)
    return {"state": state if state in BUILD_STATES else "idle",
            "progress": (int(done), int(total)) if total > 0 else None,
            "elapsed": None if elapsed is None else round(float(elapsed), 1),
            "size": None if not size or size[0] is None else (size[0], size[1]),
            "final": bool(final), "outdated": bool(outdated), "error": error or None, "active_line": active_line}


class StageNode(NodeItem):
    """A stage box. ``index`` and ``key`` identify it to the scene; nothing else does."""

    def __init__(self, theme: Theme, index: int = 0, key: str = "") -> None:
        super().__init__(theme, key)
        self.index = index
        self.line = 0
        self._title = ""
        self._base = ""
        self._base_tip = ""
        self.rows = RowLayout()
        self._target = False
        self._skipped = False
        self._diagnostics: list[str] = []
        self._severity = "warning"
        self._error_lines: frozenset[int] = frozenset()  # instructions the text has errors on
        self._expanded = False
        self.marks = BuildMarks()
        self._height = 0.0
        self._title_text = ""
        self._base_text = ""
        self._error_text = ""
        self._tip_stale = True  # the tooltip is written when asked for (see toolTip)
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
            self._base_text = _elided(self.theme, text, Qt.TextElideMode.ElideMiddle, ROW_WIDTH - 40)
            self.update(QRectF(0, T.HEADER_H, T.NODE_WIDTH, T.BASE_H))
        if changed or self._base_tip != tooltip:
            self._base_tip = tooltip
            self._tip_stale = True

    def set_rows(self, lines: list[int], texts: Sequence[str]) -> None:
        """Rows by line and text. ``texts`` may work each text out when read (only shown
        rows are read). The same ``texts`` object means the same texts: then only the
        line numbers may have moved, which changes nothing drawn (no relayout). New texts
        repaint only the rows that read differently (typing in one instruction repaints
        its row, not the box, and not the edges that cross the box)."""
        rows = self.rows
        if texts is not rows.texts:
            before = self._drawn_rows()
            rows.lines, rows.texts = list(lines), texts
            self._relayout(repaint=False)
            self._repaint_rows(before)
        elif lines != rows.lines:
            if not self._error_lines and self.marks.active_line is None:
                rows.move_lines(lines)  # (no row is marked by its line: nothing drawn moves)
                return
            before = self._drawn_rows()
            rows.move_lines(lines)
            self._repaint_rows(before)

    def shift_rows(self, delta: int) -> None:
        """The same rows, ``delta`` lines further down (a line typed above the stage)."""
        if self._error_lines or self.marks.active_line is not None:  # (rows marked by line)
            self.set_rows([line + delta for line in self.rows.lines], self.rows.texts)
        elif delta:
            self.rows.shift_lines(delta)

    def set_target(self, on: bool) -> None:
        self._set("_target", bool(on))

    def set_skipped(self, on: bool) -> None:
        if self._set("_skipped", bool(on)):
            self.setOpacity(0.45 if on else 1.0)

    def set_diagnostics(self, messages: list[str], severity: str = "warning", error_lines=()) -> None:
        """The badge's messages and worst severity; ``error_lines``: the instructions
        marked as broken (their rows, or the "more" row that hides them). Messages that
        only changed their words (a line number moved) change the tooltip alone."""
        error_lines = frozenset(error_lines)
        messages = list(messages)
        if self._diagnostics == messages and self._severity == severity and self._error_lines == error_lines:
            return
        drawn = (bool(self._diagnostics) == bool(messages) and len(self._diagnostics) == len(messages)
                 and self._severity == severity)
        before = self._drawn_rows()
        self._diagnostics, self._severity, self._error_lines = messages, severity, error_lines
        if drawn:  # the badge reads the same: at most some rows are marked otherwise
            self._tip_stale = True
        else:  # the badge; the whole header only if the title is elided otherwise (long
            title = self._title_text  # edges cross a header: each would be drawn again)
            self._relayout(repaint=False)  # (a badge that comes or goes changes the title's room)
            header = QRectF(0, 0, T.NODE_WIDTH, T.HEADER_H)
            self.update(pills_rect(self).adjusted(-1, -1, 1, 1) if self._title_text == title else header)
        self._repaint_rows(before)

    def set_expanded(self, on: bool) -> None:
        self._set("_expanded", bool(on))

    def set_row_limit(self, rows: int) -> None:
        """How many rows a collapsed box shows (fewer rows, never smaller text)."""
        if rows != self.rows.limit:
            self.rows.limit = rows
            self._relayout()

    def set_build(self, **changes) -> None:
        """Change some BuildMarks fields (``state``, ``progress=(done, total)``, ``elapsed``,
        ``size=(text, delta)``, ``final``, ``outdated``, ``error``, ``active_line``);
        ``set_build()`` with nothing clears every mark of an earlier build."""
        current = self.marks.__dict__ if changes else {}
        self._set("marks", replace(self.marks, **_marks(**{**current, **changes})))

    # ----- read-only state (tests and the scene use these) --------------------------
    title = property(lambda self: self._title)
    base = property(lambda self: self._base)
    instructions = property(lambda self: list(zip(self.rows.lines, self.rows.texts)))
    is_target = property(lambda self: self._target)
    is_skipped = property(lambda self: self._skipped)
    diagnostics = property(lambda self: list(self._diagnostics))
    error_lines = property(lambda self: self._error_lines)
    expanded = property(lambda self: self._expanded)
    collapsible = property(lambda self: self.rows.collapsible)
    build_state = property(lambda self: self.marks.state)
    outdated = property(lambda self: self.marks.outdated)
    error = property(lambda self: self.marks.error)
    height = property(lambda self: self._height)
    unnamed = property(lambda self: self._title.startswith("#"))  # (the scene titles it by its label)

    # ----- geometry ---------------------------------------------------------------
    def toolTip(self) -> str:
        if self._tip_stale:
            self._tip_stale = False
            self.setToolTip(_tooltip(self))
        return super().toolTip()

    def _drawn_rows(self) -> tuple:
        """What the rows look like: the box's height and title (a row more or less may
        change both), and per shown row its texts and marks."""
        rows = self.rows
        return (self._height, self._title_text, [(r.keyword, r.rest) for r in rows.shown], row_marks(self))

    def _repaint_rows(self, before: tuple) -> None:
        """Repaint what changed since ``before`` (a ``_drawn_rows``): the rows that read
        differently, or the whole box if its height or title changed."""
        after = self._drawn_rows()
        if before[:2] != after[:2] or len(before[2]) != len(after[2]):
            self.update()
            return
        for k, (old, new, old_mark, new_mark) in enumerate(zip(before[2], after[2], before[3], after[3])):
            if old != new or old_mark != new_mark:
                self.update(QRectF(0, self.rows.top(k), T.NODE_WIDTH, T.ROW_H))

    def _relayout(self, repaint: bool = True) -> None:
        """Recompute rows, elided strings and height; called by every effective setter.
        ``repaint=False``: the caller repaints what changed."""
        th, rows = self.theme, self.rows
        rows.lay_out(self._expanded, th.mono_font, ROW_WIDTH)
        self._title_text = _shown_title(self)
        self._base_text = _elided(self.theme, self._base, Qt.TextElideMode.ElideMiddle, ROW_WIDTH - 40)
        self._error_text = _elided(self.theme, (self.marks.error or "").replace("\n", " "),
                                   Qt.TextElideMode.ElideRight, ROW_WIDTH)
        height = stage_height(len(rows.shown), bool(self.marks.error), self.marks.has_footer)
        if height != self._height:
            self.prepareGeometryChange()
            self._height = height
            scene = self.scene()
            if scene is not None and hasattr(scene, "node_resized"):
                scene.node_resized(self)
        self._tip_stale = True
        if repaint:
            self.update()
        scene = self.scene()
        if scene is not None and getattr(scene, "adjusting_later", None) is not None:
            scene.adjusting_later.append(self)  # (the scene is applying a graph: once, at its end)
        else:
            for edge in self.edges:
                edge.adjust()

    def box_rect(self) -> QRectF:
        return QRectF(0, 0, T.NODE_WIDTH, self._height)

    def boundingRect(self) -> QRectF:
        return QRectF(-T.PORT_R - 3, -20, T.NODE_WIDTH + 2 * T.PORT_R + 6, self._height + 24)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.WindingFill)  # the port circle overlaps the box edge
        path.addRoundedRect(self.box_rect(), T.RADIUS, T.RADIUS)
        path.addEllipse(self.out_port_local(), T.PORT_R + 3, T.PORT_R + 3)
        return path

    def paint(self, painter, option, widget=None) -> None:
        paint_stage(self, painter, bool(option.state & QStyle.StateFlag.State_Selected))

    def in_port_local(self) -> QPointF:
        return QPointF(0, T.HEADER_H / 2)

    def out_port_local(self) -> QPointF:
        return QPointF(T.NODE_WIDTH, T.HEADER_H / 2)

    def in_anchor(self, line: int | None = None) -> QPointF:
        """Where an edge made by ``line`` enters, in scene coordinates."""
        return self.mapToScene(QPointF(0, self.rows.anchor_y(line)))

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
        return self.rows.at(local.y())

    def title_rect(self) -> QRectF:
        return QRectF(T.PAD + 4, 4, T.NODE_WIDTH - 2 * T.PAD - 8, T.HEADER_H - 8)


def _elided(theme: Theme, text: str, mode, room: float, font=None) -> str:
    return QFontMetricsF(font or theme.mono_font).elidedText(text, mode, room)


UNNAMED_TIP = ("This stage has no name (no AS …), so Stage Studio calls it #{index}, its number counted "
               "from 0. Other stages use it by number (--from={index}) and stage-studio build takes "
               "--target {index}, but docker build's --target takes names only (BuildKit's progress "
               "shows it as stage-{index}). Double-click the title (F2) to name it.")


def _shown_title(node: StageNode) -> str:
    """The title as drawn: an unnamed stage says so ("#2 (unnamed)") where there is room,
    else its label alone ("#2", as every command names it)."""
    room, font = _title_room(node), node.theme.title_font
    if node.unnamed:
        long = f"{node.title} (unnamed)"
        if QFontMetricsF(font).horizontalAdvance(long) <= room:
            return long
    return _elided(node.theme, node.title, Qt.TextElideMode.ElideRight, room, font)


def _title_room(node: StageNode) -> float:
    return title_room(bool(node.diagnostics), node.collapsible, node.is_skipped)


def _tooltip(node: StageNode) -> str:
    lines = [f"<b>{html.escape(node._title_text or node.title, quote=False)}</b>",
             f"FROM {html.escape(node._base_tip or node.base, quote=False)}"]
    if node.unnamed:
        lines.append(html.escape(UNNAMED_TIP.format(index=node.index), quote=False))
    if node.is_target:
        lines.append("Build target")
    if node.is_skipped:
        lines.append("Skipped: the build target does not need this stage")
    lines += [f"<span>⚠ {html.escape(m, quote=False)}</span>" for m in node.diagnostics]
    if node.error:
        lines.append(f"<span>✖ {html.escape(node.error, quote=False)}</span>")
    if node.build_state == "stopped":
        lines.append("Stopped: a step was running when a failure in another stage stopped the build")
    if node.build_state == "not_run":
        lines.append("Not run: the build stopped (a failure in another stage, or a cancel) before this stage ran or finished")
    if node.build_state == "cancelled":
        lines.append("Cancelled: the build was stopped before this stage finished")
    return "<br>".join(lines)
