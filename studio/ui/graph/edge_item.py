"""A dependency drawn as a curve from the producer's right port to the consumer's left.

Styles by kind: ``from`` (inheritance) solid and thick, ``copy`` solid with a short
label and its paths as a tooltip, ``mount`` dashed. The path, its hit shape and the
arrow head are computed once per move (``adjust``) and reused by every paint.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyle

from studio.ui.graph.box_geometry import entry_gap
from studio.ui.graph.curve_geometry import arrow_points, label_box
from studio.ui.graph.curve_geometry import controls as _controls
from studio.ui.graph.labels import short_label
from studio.ui.graph.theme import Theme


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
        self._ends_now: tuple[QPointF, QPointF] | None = None  # the ends the curve is to be made for
        self._geo: _Curve | None = _Curve.empty()  # None: to be made from _ends_now when next asked for
        self._shape: QPainterPath | None = QPainterPath()
        self._chunks: list | None = None
        self._spots: list[tuple[float, float, float, float]] | None = None  # see _drawn_in
        self._route: list[QPointF] = []
        self._route_ends: tuple[QPointF, QPointF] | None = None
        self._at: tuple | None = None  # the ends the cached curve was made for
        self._entry_y: float | None = None  # where it entered its consumer (box coordinates)
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
        """The instruction that makes this edge: its line, what it carries."""
        relabel = sources != self.sources or dest != self.dest
        if not relabel and line == self.line:
            return
        self.line = line
        if relabel:
            self.sources, self.dest = list(sources), dest
            self._relabel()
        self._tip_stale = True  # written when asked for: a new line above moves hundreds of edges
        # (a FROM edge enters at the header, a copy or mount edge at its line's row: most often the same)
        if relabel or self._at is None or (self.kind != "from"
                                           and self.target_item.rows.anchor_y(line) != self._entry_y):
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
        line = self.line if self.kind != "from" else None
        self._entry_y = self.target_item.rows.anchor_y(line)
        p1 = self.target_item.in_anchor(line)
        return p0, QPointF(p1.x() - entry_gap(self.kind), p1.y())

    def adjust(self) -> None:
        """Note that an end moved or changed shape. Ends that did not move keep the curve
        (and its painted area: no repaint); after a keystroke most edges only get a new
        line number. The curve itself is made when it is first needed (painted, hit,
        measured): placing hundreds of boxes moves each edge's ends several times, and an
        exported picture has no view that repaints in between."""
        p0, p1 = self._ends()
        at = (p0.x(), p0.y(), p1.x(), p1.y())
        if at == self._at:
            return
        self._at = at
        if self._route and self._route_ends != (p0, p1):
            self._route, self._route_ends = [], None
        if self._geo is not None:  # (Qt asks for the old area now: it is the curve made last)
            self.prepareGeometryChange()  # otherwise Qt was told already and has not asked since
        self._ends_now, self._geo = (p0, p1), None

    def _curve(self) -> _Curve:
        if self._geo is None:
            p0, p1 = self._ends_now
            label = (self._label_width, self.sibling) if self._label else None
            self._geo = _Curve.through([p0, *self._route, p1], label)
            self._shape = None  # built on demand: stroking a long curve is not free
            self._chunks = self._spots = None  # cut into pieces at the first paint that needs them
        return self._geo

    @property
    def _label_rect(self) -> QRectF:
        return self._curve().label_rect

    @property
    def _arrow(self) -> QPolygonF:
        return self._curve().arrow

    def path(self) -> QPainterPath:
        return self._curve().path

    def boundingRect(self) -> QRectF:
        return self._curve().bounds

    def shape(self) -> QPainterPath:
        curve = self._curve()
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(10)
            shape = stroker.createStroke(curve.path)
            if not curve.label_rect.isEmpty():
                shape.addRect(curve.label_rect)
            self._shape = shape
        return self._shape

    def _groups(self) -> list[tuple[QRectF, list]]:
        if self._chunks is None:
            self._chunks = _grouped([c for piece in self._curve().pieces() for c in _split_cubic(*piece)])
        return self._chunks

    def _visible_path(self, exposed: QRectF) -> QPainterPath:
        """Only the pieces of the curve inside ``exposed``: a long edge crossing a small
        repainted area is stroked over that area, not over its whole length."""
        curve = self._curve()
        if exposed.contains(curve.bounds):
            return curve.path
        groups = self._groups()
        if len(groups) == 1 and len(groups[0][1]) <= 1:
            return curve.path
        path = QPainterPath()
        last_end = None
        for group_rect, chunks in groups:  # most groups of a long edge lie outside
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
        path = self._drawn_in(option.exposedRect)
        if path is not None:  # (a long edge's bounds span much of the graph: a repainted row asks many)
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            lod = option.levelOfDetailFromTransform(painter.worldTransform())
            self.draw(painter, option.exposedRect, lod, selected, path)

    def _drawn_in(self, exposed: QRectF) -> QPainterPath | None:
        """The part of the curve to stroke over ``exposed``; None if no part of the edge is
        there. A long edge's bounds span much of the graph, so a repainted row asks many
        edges that have nothing there: that answer comes from plain numbers (``_spots``)."""
        around = exposed.adjusted(-8, -8, 8, 8)
        curve = self._curve()
        if around.contains(curve.bounds):
            return curve.path
        if self._spots is None:  # (left, top, right, bottom) of each group of pieces, the arrow, the label
            rects = [group for group, _ in self._groups()] + [curve.arrow.boundingRect(), curve.label_rect]
            self._spots = [r.getCoords() for r in rects if not r.isEmpty()]
        x0, y0, x1, y1 = around.getCoords()
        if not any(a < x1 and x0 < c and b < y1 and y0 < d for a, b, c, d in self._spots):
            return None
        return self._visible_path(around)

    def draw(self, painter: QPainter, exposed: QRectF, lod: float, selected: bool = False,
             path: QPainterPath | None = None) -> None:
        """Paint in scene coordinates (the item never moves); also used by the scene to
        draw resting edges into its cached background while boxes are dragged."""
        if path is None and (path := self._drawn_in(exposed)) is None:
            return
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
        painter.drawPath(path)
        around = exposed.adjusted(-8, -8, 8, 8)  # (the arrow and label only where repainted: text is dear)
        if self._arrow.boundingRect().intersects(around):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawPolygon(self._arrow)
        label = self._curve().label_rect
        if self._label and lod >= 0.3 and label.intersects(around):
            painter.setBrush(th.background)
            painter.setPen(QPen(color, 1))
            painter.drawRoundedRect(label, 8, 8)
            painter.setFont(th.small_font)
            painter.setPen(color)
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, self._label)


class _Curve:
    """An edge's drawn geometry: the path through its points, the arrow head, the
    label's box and the area all of it covers. A routed edge has a cubic piece per
    column it crosses (hundreds of thousands in a big file): the path is made from plain
    floats, and the pieces as QPointF only when a partial repaint needs them."""

    __slots__ = ("path", "points", "arrow", "label_rect", "bounds")

    def __init__(self, path: QPainterPath, points: list[tuple[float, float]], arrow: QPolygonF,
                 label_rect: QRectF, bounds: QRectF) -> None:
        self.path, self.points, self.arrow, self.label_rect, self.bounds = path, points, arrow, label_rect, bounds

    @classmethod
    def empty(cls) -> _Curve:
        return cls(QPainterPath(), [], QPolygonF(), QRectF(), QRectF())

    @classmethod
    def through(cls, ends: list[QPointF], label: tuple[float, float] | None) -> _Curve:
        """A smooth curve through ``ends`` (producer's port, waypoints, consumer's port);
        ``label``: the label's width and how many sibling labels stack above it."""
        points = [(p.x(), p.y()) for p in ends]
        path = QPainterPath(ends[0])
        cubic = path.cubicTo
        for _ax, ay, c0x, c1x, bx, by in _controls(points):
            cubic(c0x, ay, c1x, by, bx, by)
        arrow = QPolygonF([QPointF(x, y) for x, y in arrow_points(points[-1])])
        label_rect = QRectF(*label_box(points, *label)) if label else QRectF()
        bounds = path.controlPointRect().united(arrow.boundingRect()).united(label_rect)
        return cls(path, points, arrow, label_rect, bounds.adjusted(-6, -6, 6, 6))

    def pieces(self) -> list[tuple[QPointF, QPointF, QPointF, QPointF]]:
        return [(QPointF(ax, ay), QPointF(c0x, ay), QPointF(c1x, by), QPointF(bx, by))
                for ax, ay, c0x, c1x, bx, by in _controls(self.points)]


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
