"""How a stage box is painted: card, header with badges, base line, instruction rows,
build footer, ports. The box (stage_node.py) keeps the state and geometry this reads
(rows, elided texts, height, build marks), worked out after every setter; painting
only reads them."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen

from studio.ui.graph import theme as T
from studio.ui.graph.theme import tint as _tint


def _pill(painter: QPainter, rect: QRectF, fill: QColor, text: str, fg: QColor) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    painter.setPen(fg)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def badge_rect(node) -> QRectF:
    """Where the diagnostics badge is drawn: in the header, left of the chevron."""
    right = T.NODE_WIDTH - T.PAD - (20 if node.collapsible else 0)
    return QRectF(right - 30, T.HEADER_H / 2 - 8, 30, 16)


def pills_rect(node) -> QRectF:
    """The header's pills right of the title (the badge, then "skipped", which makes
    room for it) wherever a badge that comes, goes or counts otherwise puts them."""
    rect = badge_rect(node)
    if node.is_skipped:
        rect.setLeft(rect.left() - 34 - 56)
    return rect


def paint_stage(node, painter: QPainter, selected: bool) -> None:
    """Paint the StageNode ``node``."""
    th = node.theme
    w, h = T.NODE_WIDTH, node._height
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    box = QRectF(0, 0, w, h)
    # soft shadow, then the card
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(0, 0, 0, 60 if th.dark else 28))
    painter.drawRoundedRect(box.translated(0, 2), T.RADIUS, T.RADIUS)
    painter.setBrush(th.node_fill)
    painter.drawRoundedRect(box, T.RADIUS, T.RADIUS)
    state_color = th.state_color(node.marks.state)
    header = QPainterPath()
    header.addRoundedRect(box, T.RADIUS, T.RADIUS)
    clip = QPainterPath()
    clip.addRect(QRectF(0, 0, w, T.HEADER_H))
    header = header.intersected(clip)
    fill = th.header_fill if state_color is None else _tint(th.node_fill, state_color, 0.22)
    painter.setBrush(fill)
    painter.drawPath(header)
    stripe = state_color or (th.target if node._target else th.accent)
    painter.setBrush(stripe)
    painter.drawPath(header.intersected(_rect_path(QRectF(0, 0, 4, T.HEADER_H))))
    # title and header badges
    painter.setFont(th.title_font)
    painter.setPen(th.text)
    painter.drawText(QRectF(T.PAD + 4, 0, w, T.HEADER_H), Qt.AlignmentFlag.AlignVCenter, node._title_text)
    painter.setFont(th.small_font)
    right = w - T.PAD
    if node.collapsible:
        _draw_chevron(painter, QPointF(right - 7, T.HEADER_H / 2), node._expanded, th.dim_text)
        right -= 20
    if node._diagnostics:
        color = th.error if node._severity == "error" else th.warning
        _pill(painter, badge_rect(node), color, f"! {len(node._diagnostics)}", QColor("white"))
        right -= 34
    if node._skipped:
        _pill(painter, QRectF(right - 56, T.HEADER_H / 2 - 8, 56, 16), th.dim_text, "skipped", th.node_fill)
    _draw_flags(node, painter)
    # base line
    painter.setPen(QPen(th.border, 0))
    painter.drawLine(QPointF(0, T.HEADER_H), QPointF(w, T.HEADER_H))
    painter.setFont(th.mono_font)
    painter.setPen(th.dim_text)
    base_rect = QRectF(T.PAD + 4, T.HEADER_H, w - 2 * T.PAD, T.BASE_H)
    painter.drawText(base_rect, Qt.AlignmentFlag.AlignVCenter, "FROM")
    painter.setPen(th.text)
    painter.drawText(base_rect.adjusted(38, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, node._base_text)
    _draw_rows(node, painter)
    _draw_footer(node, painter)
    # border and ports
    painter.setBrush(Qt.BrushStyle.NoBrush)
    pen = QPen(th.selection if selected else th.border, 2.0 if selected else 1.0)
    pen.setCosmetic(th.cosmetic)
    painter.setPen(pen)
    painter.drawRoundedRect(box, T.RADIUS, T.RADIUS)
    for port in (node.in_port_local(), node.out_port_local()):
        painter.setBrush(th.node_fill)
        painter.setPen(QPen(th.edge_from, 1.5))
        painter.drawEllipse(port, T.PORT_R, T.PORT_R)

def _draw_flags(node, painter: QPainter) -> None:
    th = node.theme
    x = T.NODE_WIDTH - T.PAD
    for on, text, color in ((node._target, "◎ TARGET", th.target), (node.marks.final, "FINAL IMAGE", th.accent)):
        if on:
            rect = QRectF(x - 76, -17, 76, 15)
            _pill(painter, rect, color, text, QColor("white"))
            x -= 82

def _draw_chevron(painter: QPainter, c: QPointF, expanded: bool, color: QColor) -> None:
    pen = QPen(color, 1.6)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    d = 3.5
    if expanded:
        painter.drawPolyline([c + QPointF(-d, d / 2), c + QPointF(0, -d / 2), c + QPointF(d, d / 2)])
    else:
        painter.drawPolyline([c + QPointF(-d, -d / 2), c + QPointF(0, d / 2), c + QPointF(d, -d / 2)])

def row_marks(node) -> list[tuple[bool, bool]]:
    """Per shown row: (marked broken, running now). A row is broken when the text has an
    error on its instruction; the "more" row when it hides a broken one."""
    broken, active, shown = node.error_lines, node.marks.active_line, node.rows.shown
    if not broken and active is None:
        return [(False, False)] * len(shown)
    hidden_broken = bool(broken) and bool(broken & (set(node.rows.lines) - {r.line for r in shown}))
    return [(row.line in broken or (row.index == -1 and hidden_broken),
             active is not None and row.index != -1 and row.line == active) for row in shown]


def _draw_rows(node, painter: QPainter) -> None:
    th = node.theme
    mono = QFontMetricsF(th.mono_font)
    painter.setFont(th.mono_font)
    for k, (row, (broken, running)) in enumerate(zip(node.rows.shown, row_marks(node))):
        rect = QRectF(T.PAD + 4, node.rows.top(k), T.NODE_WIDTH - 2 * T.PAD - 4, T.ROW_H)
        if broken:  # the instruction the text has an error on
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_tint(th.node_fill, th.error, 0.22))
            painter.drawRect(QRectF(2, rect.top(), T.NODE_WIDTH - 4, T.ROW_H))
        if row.index == -1:
            painter.setPen(th.dim_text)
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter, row.rest)
            continue
        if running:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_tint(th.node_fill, th.state_color("running"), 0.25))
            painter.drawRect(QRectF(2, rect.top(), T.NODE_WIDTH - 4, T.ROW_H))
        painter.setPen(th.keyword if not node._skipped else th.dim_text)
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter, row.keyword)
        painter.setPen(th.text)
        painter.drawText(rect.adjusted(mono.horizontalAdvance(row.keyword + " "), 0, 0, 0),
                         Qt.AlignmentFlag.AlignVCenter, row.rest)


def _draw_footer(node, painter: QPainter) -> None:
    th = node.theme
    y = node.rows.top(len(node.rows.shown)) + T.PAD / 2 + (2 if not node.rows.shown else 0)
    if node.marks.error:
        painter.setPen(th.error)
        painter.setFont(th.mono_font)
        painter.drawText(QRectF(T.PAD + 4, y, T.NODE_WIDTH, T.ROW_H), Qt.AlignmentFlag.AlignVCenter,
                         node._error_text)
        y += T.ROW_H
    if not node.marks.has_footer:
        return
    painter.setPen(QPen(th.border, 0))
    painter.drawLine(QPointF(0, y), QPointF(T.NODE_WIDTH, y))
    color = th.state_color(node.marks.state) or th.dim_text
    if node.marks.outdated:  # numbers of an earlier text: greyed, and said so
        color = th.dim_text
    if node.marks.progress and not node.marks.outdated:
        done, total = node.marks.progress
        frac = max(0.0, min(1.0, done / total))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRect(QRectF(0, y, T.NODE_WIDTH * frac, 3))
    painter.setFont(th.small_font)
    painter.setPen(color)
    rect = QRectF(T.PAD + 4, y, T.NODE_WIDTH - 2 * T.PAD - 4, T.FOOTER_H)
    left, right = footer_texts(node, QFontMetricsF(th.small_font), rect.width())
    painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter, left)
    if right:
        painter.setPen(th.dim_text if node.marks.outdated else th.text)
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, right)

def footer_texts(node, fm: QFontMetricsF, width: float) -> tuple[str, str]:
    """State/progress/time on the left, size (and its change) on the right, shortened
    until both fit side by side: first the step count goes, then the time, then the
    change against the baseline (the tooltip and the charts keep them all)."""
    state = node.marks.state.replace("_", " ") if node.marks.state != "idle" else ""  # "not run"
    if node.marks.outdated:
        state = "last build" if not state else f"last build: {state}"
    steps = f"{node.marks.progress[0]}/{node.marks.progress[1]}" if node.marks.progress and not node.marks.outdated else ""
    took = f"{node.marks.elapsed:.1f}s" if node.marks.elapsed is not None else ""
    lefts = ["  ".join(p for p in (state, steps, took) if p), "  ".join(p for p in (state, took) if p), state]
    size, delta = node.marks.size if node.marks.size else ("", "")
    rights = [size + (f"  ({delta})" if delta else ""), size] if size else [""]
    gap = fm.horizontalAdvance("  ")
    for right in rights:
        for left in lefts:
            if fm.horizontalAdvance(left) + (gap if left and right else 0) + fm.horizontalAdvance(right) <= width:
                return left, right
    return state, fm.elidedText(size, Qt.TextElideMode.ElideRight, max(0.0, width - fm.horizontalAdvance(state) - gap))


def _rect_path(rect: QRectF) -> QPainterPath:
    path = QPainterPath()
    path.addRect(rect)
    return path
