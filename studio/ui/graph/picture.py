"""What a picture of the stage graph shows, worked out without Qt: each box's place, size,
rows and marks, and each edge's curve points.

Why: ``stage-studio export --svg`` draws a big graph in a fraction of the time Qt's scene
and its SVG painter take (most of that was making items and painting them through Qt).
This follows what the window's scene does for a freshly opened graph (scene_diff.py fills
the items, GraphScene.place lays them out) through the same pure pieces: box_geometry.py,
curve_geometry.py, labels.py and the layered layout. Tests hold it to the Qt scene's
geometry for every example file and for random graphs.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from studio.core.model import Stage, StageGraph
from studio.ui.graph.box_geometry import (
    HEADER_ANCHOR, build_room, entry_anchors, entry_gap, entry_offset, image_width, labels_room, port_y,
    shown_rows, stage_height,
)
from studio.ui.graph.curve_geometry import curve_bounds, curve_outline, curves_bounds, label_box
from studio.ui.graph.labels import (
    SEVERITY_OF_RANK, SEVERITY_RANK, base_text, diagnostics_by_line, image_warnings, short_label, stage_keys,
)
from studio.ui.graph.layout import LayoutOptions, layered_layout
from studio.ui.graph.rows import instruction_text
from studio.ui.graph.theme_values import IMAGE_H, MAX_ROWS, NODE_WIDTH, PORT_R

Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # left, top, right, bottom


@dataclass(eq=False)
class StageBox:
    """A stage's box: what its header, base line and rows say, and where it is."""

    key: str
    stage: Stage
    title: str
    base: str
    target: bool
    skipped: bool
    expanded: bool
    collapsible: bool  # more rows than a collapsed box shows (a chevron in the header)
    lines: list[int]
    shown: int  # instruction rows drawn
    hidden: int  # rows the "more" row stands for (0: none)
    texts: list[str]  # the drawn rows' texts ("KEYWORD rest")
    height: float
    anchors: dict[int, float]  # where each line's edge enters (box y)
    badge: int = 0  # how many diagnostics
    severity: str = "warning"  # their worst
    error_lines: frozenset[int] = frozenset()
    x: float = 0.0
    y: float = 0.0
    width: float = NODE_WIDTH
    is_stage = True

    def bounds(self) -> Rect:
        """What the window's item covers (ports and the flags above the box included)."""
        return self.x - PORT_R - 3, self.y - 20, self.x + NODE_WIDTH + PORT_R + 3, self.y + self.height + 4


@dataclass(eq=False)
class ImageBox:
    """An external image's pill."""

    key: str
    ref: str
    width: float
    height: float = IMAGE_H
    dimmed: bool = False  # every stage it feeds is skipped
    warning: str | None = None  # lint thinks it is a mistyped stage name
    x: float = 0.0
    y: float = 0.0
    is_stage = False

    def bounds(self) -> Rect:
        return self.x - 2, self.y - 2, self.x + self.width + PORT_R + 2, self.y + IMAGE_H + 4


@dataclass(eq=False)
class EdgeLine:
    """A dependency: its kind, label and the points its curve runs through."""

    key: tuple  # (source key, target key, kind, n-th of those), as the scene keys it
    source: StageBox | ImageBox
    target: StageBox
    kind: str
    line: int
    label: str
    sibling: int  # how many edges of this kind between the same two boxes come before it
    dimmed: bool  # the target is not needed for the build target
    route: list[Point] = field(default_factory=list)

    def ends(self) -> tuple[Point, Point]:
        src, tgt = self.source, self.target
        entry = tgt.anchors.get(self.line, HEADER_ANCHOR) if self.kind != "from" else HEADER_ANCHOR
        return ((src.x + src.width, src.y + port_y(src.is_stage)),
                (tgt.x - entry_gap(self.kind), tgt.y + entry))

    def points(self) -> list[Point]:
        p0, p1 = self.ends()
        return [p0, *self.route, p1]


class EdgeCurve:
    """An edge's drawn geometry: its points (the curve through them is
    curve_geometry.controls'), the label's box and the area all of it covers (EdgeItem's
    _Curve, as numbers)."""

    __slots__ = ("end", "label", "route", "start")

    def __init__(self, edge: EdgeLine, label_width: Callable[[str], float]) -> None:
        self.start, self.end = edge.ends()
        self.route = edge.route
        before = self.route[-1] if self.route else self.start
        self.label = (label_box([before, self.end], label_width(edge.label), edge.sibling, len(self.route) + 2)
                      if edge.label else None)

    @property
    def points(self) -> list[Point]:
        return [self.start, *self.route, self.end]

    @property
    def bounds(self) -> Rect:
        return curve_bounds(self.points, self.label)

    def outline(self) -> tuple:
        """What curves_bounds needs to find the area this curve covers (curve_outline)."""
        points, ys = curve_outline(self.start, self.route, self.end)
        return points, self.label, ys


@dataclass
class Picture:
    """A placed graph: its boxes in the scene's reading order and its edges in the order
    the scene keys them."""

    stages: list[StageBox]
    images: list[ImageBox]
    edges: list[EdgeLine]

    def bounds(self, curves: list[EdgeCurve]) -> Rect | None:
        """The area every box and edge (``curves``: one per edge) covers; None: nothing."""
        rects: list[Rect] = [n.bounds() for n in (*self.stages, *self.images)]
        edges = curves_bounds([curve.outline() for curve in curves])
        if edges is not None:
            rects.append(edges)
        if not rects:
            return None
        return (min(r[0] for r in rects), min(r[1] for r in rects),
                max(r[2] for r in rects), max(r[3] for r in rects))


def plan_picture(graph: StageGraph, positions: dict | None = None, expanded: Iterable[str] | None = None,
                 routes: dict | None = None, row_limit: int = MAX_ROWS) -> Picture:
    """Every box and edge of ``graph`` as the window shows a freshly opened file, placed
    at ``positions`` (by key) or by the layered layout; ``expanded``: the keys of boxes
    shown with all their rows; ``routes``: edge waypoints by edge key (the view's own)."""
    expanded = set(expanded or ())
    diagnostics = diagnostics_by_line(graph)
    reachable = set(graph.reachable)
    stages = [_stage_box(st, key, graph, reachable, key in expanded, row_limit, diagnostics.get(st.index, []))
              for st, key in zip(graph.stages, stage_keys(graph.stages))]
    by_index = {box.stage.index: box for box in stages}
    images = {ref: ImageBox("image:" + ref, ref, image_width(ref)) for ref in graph.external_images}
    edges: list[EdgeLine] = []
    ordinals: dict[tuple, int] = {}
    feeds: dict[int, list[ImageBox]] = {}  # images by the stage they feed, edge by edge
    consumers: dict[str, list[StageBox]] = {}
    for edge in graph.edges:
        src = by_index.get(edge.source) if isinstance(edge.source, int) else images.get(edge.source)
        tgt = by_index.get(edge.target)
        if src is None or tgt is None:
            continue
        base = (src.key, tgt.key, edge.kind)
        n = ordinals[base] = ordinals.get(base, -1) + 1
        edges.append(EdgeLine((*base, n), src, tgt, edge.kind, edge.line, short_label(edge.kind, edge.sources),
                              n, edge.target not in reachable))
        if not src.is_stage:
            feeds.setdefault(edge.target, []).append(src)
            consumers.setdefault(src.ref, []).append(tgt)
    warned = image_warnings(graph, diagnostics, images)
    for ref, image in images.items():
        fed = consumers.get(ref)
        image.dimmed = bool(fed) and all(c.skipped for c in fed)
        image.warning = warned.get(ref)
    _place(_reading_order(stages, images, feeds), edges, positions or {})
    if routes:
        by_key = {edge.key: edge for edge in edges}
        for key, points in routes.items():
            if key in by_key:
                by_key[key].route = [(float(x), float(y)) for x, y in points]
    return Picture(stages, list(images.values()), edges)


def _stage_box(st: Stage, key: str, graph: StageGraph, reachable: set[int], expanded: bool, limit: int,
               diags: list) -> StageBox:
    lines = [ins.line for ins in st.instructions]
    shown, hidden = shown_rows(len(lines), limit, expanded)
    worst = max((SEVERITY_RANK.get(d.severity, 0) for d in diags), default=0)
    return StageBox(
        key=key, stage=st, title=st.label, base=base_text(st, graph.stages)[0], target=graph.target == st.index,
        skipped=st.index not in reachable, expanded=expanded, collapsible=len(lines) > limit, lines=lines, shown=shown, hidden=hidden,
        texts=[instruction_text(ins) for ins in st.instructions[:shown]],
        height=stage_height(shown + (1 if hidden else 0)), anchors=entry_anchors(lines, shown, hidden),
        badge=len(diags), severity=SEVERITY_OF_RANK[worst],
        error_lines=frozenset(d.line for d in diags if d.severity == "error"))


def _reading_order(stages: list[StageBox], images: dict[str, ImageBox],
                   feeds: dict[int, list[ImageBox]]) -> list:
    """Stages in order, each image just before the first stage it feeds (GraphScene.all_nodes)."""
    out: list = []
    seen: set[str] = set()
    for box in sorted(stages, key=lambda b: b.stage.index):
        for image in feeds.get(box.stage.index, ()):
            if image.key not in seen:
                seen.add(image.key)
                out.append(image)
        out.append(box)
    return out + [i for i in images.values() if i.key not in seen]


def _place(nodes: list, edges: list[EdgeLine], saved: dict) -> None:
    """Positions from ``saved`` (by key), the layered layout's for the rest, and the
    layout's routes (GraphScene.place for a fresh scene)."""
    pending = []
    for node in nodes:
        spot = saved.get(node.key)
        if spot is not None:
            node.x, node.y = float(spot[0]), float(spot[1])
        else:
            pending.append(node)
    if not pending:
        return
    fixed = {n.key: (n.x, n.y) for n in nodes if n.key in saved}
    sizes = {n.key: (n.width, n.height + (build_room(False, False) if n.is_stage else 0.0)) for n in nodes}
    anchors = {n.key: port_y(n.is_stage) for n in nodes}
    links = [(e.source.key, e.target.key, entry_offset(e.kind, e.target.anchors, e.line)) for e in edges]
    room = labels_room((e.target.key, e.kind, e.label) for e in edges)
    routes: dict = {}
    pos = layered_layout([n.key for n in nodes], links, sizes, fixed, anchors, LayoutOptions(), routes, room)
    for node in pending:
        node.x, node.y = pos[node.key]
    for edge in edges:  # (the layout's points are floats; edges between the same boxes share them)
        route = routes.get((edge.source.key, edge.target.key))
        if route:
            edge.route = route
