"""A dependency drawn as a curve from the producer's right port to the consumer's left.

Styles by kind: ``from`` (inheritance) solid and thick, ``copy`` solid with a short
label and its paths as a tooltip, ``mount`` dashed. The path, its hit shape and the
arrow head are computed once per move (``adjust``) and reused by every paint.
"""
from __future__ import annotations

import html

import posixpath

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyle

from studio.ui.graph import theme as T
from studio.ui.graph.theme import Theme

ARROW = 9.0


def short_label(kind: str, sources: list[str]) -> str:
    """A few characters that say what crosses a copy or mount edge."""
    if kind == "from" or not sources:
        return ""
    if kind == "mount":
        return "mount"
    first = posixpath.basename(sources[0].rstrip("/")) or sources[0]
    if len(first) > 18:
        first = first[:17] + "…"
    return first if len(sources) == 1 else f"{first} +{len(sources) - 1}"


class EdgeItem(QGraphicsItem):
    def __init__(self, theme: Theme, source_item, target_item, kind: str, line: int) -> None:
        super().__init__()
        self.theme = theme
        self.source_item = source_item
        self.target_item = target_item
        self.kind = kind
        self.line = -1  # set_info below fills these (and draws the curve) the first time
        self.sources: list[str] = []
        self.dest: str | None = None
        self._dimmed = False
        self._faded = False
        self._label = ""
        self._note = ""  # a build fact after the label: what crossed the edge
        self._label_width = 0.0
        self.sibling = 0  # how many edges of this kind between the same two boxes come before it
        self._path = QPainterPath()
        self._shape: QPainterPath | None = QPainterPath()
        self._arrow = QPolygonF()
        self._label_rect = QRectF()
        self._bounds = QRectF()
        self._curves: list[tuple] = []
        self._chunks: list | None = None
        self._route: list[QPointF] = []
        self._route_ends: tuple[QPointF, QPointF] | None = None
        self._at: tuple | None = None  # the ends the cached curve was made for
        self._tip_stale = True
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setZValue(0 if kind == "from" else 1)
        source_item.edges.append(self)
        target_item.edges.append(self)
        self.set_info(line, [], None)

    def detach(self) -> None:
        for item in (self.source_item, self.target_item):
            if self in item.edges:
                item.edges.remove(self)

    def set_info(self, line: int, sources: list[str], dest: str | None) -> None:
        if (line, sources, dest) == (self.line, self.sources, self.dest):
            return
        self.line, self.sources, self.dest = line, list(sources), dest
        self._relabel()
        self._tip_stale = True  # written when asked for: a new line above moves hundreds of edges
        self.adjust()

    def set_note(self, note: str) -> None:
        """A fact shown after the label, e.g. what crossed a COPY --from ("2 files, 307 kB")."""
        if note != self._note:
            self._note = note
            self._tip_stale = True
            self._relabel()
            self.adjust()

    def _relabel(self) -> None:
        base = short_label(self.kind, self.sources)
        label = f"{base} · {self._note}" if base and self._note else (base or self._note)
        if label != self._label:
            self._label, self._at = label, None
            self._label_width = QFontMetricsF(self.theme.small_font).horizontalAdvance(label) + 12

    def toolTip(self) -> str:
        if self._tip_stale:
            self._tip_stale = False
            what = {"from": "FROM (inherits)", "copy": "COPY --from", "mount": "RUN --mount from="}[self.kind]
            tip = f"<b>{what}</b> — line {self.line}"
            if self.sources:
                tip += "<br>" + "<br>".join(html.escape(s, quote=False) for s in self.sources)
            if self.dest:
                tip += f"<br>→ {html.escape(self.dest, quote=False)}"
            if self._note:
                tip += f"<br>last build carried {html.escape(self._note, quote=False)}"
            self.setToolTip(tip)
        return super().toolTip()

    def set_dimmed(self, on: bool) -> None:
        """Dimmed: the build target does not need the stage this edge feeds."""
        if on != self._dimmed:
            self._dimmed = on
            self._update_opacity()

    def set_faded(self, on: bool) -> None:
        """Faded: another box is selected and this edge does not touch it."""
        if on != self._faded:
            self._faded = on
            self._update_opacity()

    def _update_opacity(self) -> None:
        self.setOpacity((0.35 if self._dimmed else 1.0) * (0.25 if self._faded else 1.0))
        base = 0.0 if self.kind == "from" else 1.0
        self.setZValue(base - 0.5 if self._faded else base)

    @property
    def is_dimmed(self) -> bool:
        return self._dimmed

    @property
    def label(self) -> str:
        return self._label

    def entry_offset(self) -> float:
        """How far below the target's header port this edge enters (for the layout)."""
        if self.kind == "from":
            return 0.0
        return self.target_item.rows.anchor_y(self.line) - self.target_item.rows.anchor_y(None)

    def set_route(self, points: list[tuple[float, float]]) -> None:
        """Waypoints from the layout (where this edge crosses the columns between its
        ends). They hold while both ends stay where they were; moving either end drops
        them and the edge becomes a single curve again."""
        self._route = [QPointF(x, y) for x, y in points]
        self._route_ends = self._ends() if self._route else None
        self._at = None
        self.adjust()

    def has_route(self) -> bool:
        return bool(self._route)

    def route(self) -> list[tuple[float, float]]:
        return [(p.x(), p.y()) for p in self._route]

    def _ends(self) -> tuple[QPointF, QPointF]:
        p0 = self.source_item.out_port()
        p1 = self.target_item.in_anchor(self.line if self.kind != "from" else None)
        return p0, QPointF(p1.x() - (T.PORT_R + 1 if self.kind == "from" else 1), p1.y())

    def adjust(self) -> None:
        """Recompute the cached curve after an end moved or changed shape. Ends that did
        not move keep the curve (and its painted area: no repaint); after a keystroke
        most edges only get a new line number."""
        p0, p1 = self._ends()
        at = (p0.x(), p0.y(), p1.x(), p1.y())
        if at == self._at:
            return
        self._at = at
        if self._route and self._route_ends != (p0, p1):
            self._route, self._route_ends = [], None
        points = [p0, *self._route, p1]
        curves = []
        for a, b in zip(points, points[1:]):
            dx = max(40.0 if len(points) == 2 else 20.0, abs(b.x() - a.x()) * 0.5)
            if b.x() < a.x() + 20:  # consumer left of producer: loop out and back
                dx = max(dx, 80.0)
            curves.append((a, QPointF(a.x() + dx, a.y()), QPointF(b.x() - dx, b.y()), b))
        path = QPainterPath(p0)
        for _, c0, c1, b in curves:
            path.cubicTo(c0, c1, b)
        end = QPointF(p1.x() - ARROW, p1.y())
        self._arrow = QPolygonF([p1, QPointF(end.x(), end.y() - ARROW / 2), QPointF(end.x(), end.y() + ARROW / 2)])
        self._curves = curves
        self._chunks = None  # cut into pieces at the first paint that needs them
        if self._label:
            a, c0, c1, b = curves[-1]  # near the consumer, where a reader looks for it
            mid = (a + c0 * 3 + c1 * 3 + b) / 8  # the last piece's midpoint
            w = self._label_width
            # edges between the same two boxes run close together: their labels stack instead
            # of covering each other (the first stays on its curve)
            self._label_rect = QRectF(mid.x() - w / 2, mid.y() - 8 + 17 * self.sibling, w, 16)
        else:
            self._label_rect = QRectF()
        self.prepareGeometryChange()
        self._path = path
        self._shape = None  # built on demand: stroking a long curve is not free
        bounds = path.controlPointRect().united(self._arrow.boundingRect()).united(self._label_rect)
        self._bounds = bounds.adjusted(-6, -6, 6, 6)

    def path(self) -> QPainterPath:
        return self._path

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(10)
            shape = stroker.createStroke(self._path)
            if not self._label_rect.isEmpty():
                shape.addRect(self._label_rect)
            self._shape = shape
        return self._shape

    def _visible_path(self, exposed: QRectF) -> QPainterPath:
        """Only the pieces of the curve inside ``exposed``: a long edge crossing a small
        repainted area is stroked over that area, not over its whole length."""
        if exposed.contains(self._bounds):
            return self._path
        if self._chunks is None:
            self._chunks = _grouped([c for curve in self._curves for c in _split_cubic(*curve)])
        if len(self._chunks) == 1 and len(self._chunks[0][1]) <= 1:
            return self._path
        path = QPainterPath()
        last_end = None
        for group_rect, chunks in self._chunks:  # most groups of a long edge lie outside
            if not group_rect.intersects(exposed):
                continue
            for start, c0, c1, end, rect in chunks:
                if not rect.intersects(exposed):
                    continue
                if last_end is None or start != last_end:
                    path.moveTo(start)
                path.cubicTo(c0, c1, end)
                last_end = end
        return path

    def color(self):
        th = self.theme
        return {"from": th.edge_from, "copy": th.edge_copy, "mount": th.edge_mount}[self.kind]

    def paint(self, painter: QPainter, option, widget=None) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        self.draw(painter, option.exposedRect, lod, selected)

    def draw(self, painter: QPainter, exposed: QRectF, lod: float, selected: bool = False) -> None:
        """Paint in scene coordinates (the item never moves); also used by the scene to
        draw resting edges into its cached background while boxes are dragged."""
        th = self.theme
        color = th.selection if selected else self.color()
        width = {"from": 2.6, "copy": 1.7, "mount": 1.7}[self.kind] + (1.0 if selected else 0.0)
        scene = self.scene()
        if scene is not None and getattr(scene, "dragging", False) and not selected:
            width = 1.0  # repainted every frame of a drag: Qt's fast one-pixel stroker
        if lod < 0.3:  # zoomed far out: one-pixel lines take Qt's fast cosmetic stroker
            width = 1.0
            color = QColor(color)
            color.setAlpha(150)  # and many of them overlap: let the structure show through
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(color, width)
        pen.setCosmetic(th.cosmetic)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        if self.kind == "mount":
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._visible_path(exposed.adjusted(-8, -8, 8, 8)))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(self._arrow)
        if self._label and lod >= 0.3:
            painter.setBrush(th.background)
            painter.setPen(QPen(color, 1))
            painter.drawRoundedRect(self._label_rect, 8, 8)
            painter.setFont(th.small_font)
            painter.setPen(color)
            painter.drawText(self._label_rect, Qt.AlignmentFlag.AlignCenter, self._label)


def _box(xs: tuple, ys: tuple) -> QRectF:
    """The rectangle around a piece's control points, a pen's width wider: a level
    piece would have no height, and Qt never finds an empty rectangle intersecting."""
    left, top = min(xs), min(ys)
    return QRectF(left - 3, top - 3, max(xs) - left + 6, max(ys) - top + 6)


def _grouped(chunks: list, size: int = 8) -> list[tuple[QRectF, list]]:
    """Consecutive pieces in groups, each with the rectangle around them, so a repaint
    of a small area tests a few groups instead of every piece of a long edge."""
    out = []
    for k in range(0, len(chunks), size):
        part = chunks[k:k + size]
        rect = QRectF(part[0][4])
        for chunk in part[1:]:
            rect = rect.united(chunk[4])
        out.append((rect, part))
    return out


def _split_cubic(p0: QPointF, c0: QPointF, c1: QPointF, p1: QPointF, piece: float = 250.0) -> list:
    """The cubic cut into pieces about ``piece`` long (de Casteljau), each with the
    rectangle of its control points, so painting can skip the pieces not exposed."""
    length = (c0 - p0).manhattanLength() + (c1 - c0).manhattanLength() + (p1 - c1).manhattanLength()
    n = max(1, min(64, int(length / piece)))
    if n == 1:  # short (every piece of a routed edge is): one chunk, no arithmetic
        xs, ys = (p0.x(), c0.x(), c1.x(), p1.x()), (p0.y(), c0.y(), c1.y(), p1.y())
        return [(p0, c0, c1, p1, _box(xs, ys))]
    chunks = []
    a, b, c, d = p0, c0, c1, p1
    for i in range(n):
        t = 1.0 / (n - i)
        ab, bc, cd = a + (b - a) * t, b + (c - b) * t, c + (d - c) * t
        abc, bcd = ab + (bc - ab) * t, bc + (cd - bc) * t
        mid = abc + (bcd - abc) * t
        xs = (a.x(), ab.x(), abc.x(), mid.x())
        ys = (a.y(), ab.y(), abc.y(), mid.y())
        chunks.append((a, ab, abc, mid, _box(xs, ys)))
        a, b, c = mid, bcd, cd
    return chunks
