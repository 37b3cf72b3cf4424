"""Layered left-to-right layout for the stage graph. Pure Python, no Qt.

Why a layered layout: a Dockerfile's stages form a DAG that reads naturally from
producers (left) to consumers (right). The steps are the classic Sugiyama ones:
longest-path layering, dummy nodes on long edges, barycentric sweeps to reduce
crossings, then vertical placement by isotonic regression (every box as close to its
neighbours' ports as the ordering allows, so chains come out as straight lines).

``layered_layout`` is deterministic (ties break on input order) and stable: nodes given
in ``fixed`` keep their positions; only the others are placed, next to their neighbours.
A big graph (more than SEGMENTS_FROM dummies) takes the same steps with each long edge one
unit (segments.py, segment_placement.py), in time that grows with its boxes and edges,
not with its dummies; smaller ones keep the pictures this classic version has drawn.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import add, sub, truediv

from studio.ui.graph.curve_geometry import Columns, Route
from studio.ui.graph.layering import Dummy, Layering, build_layering, split_edge
from studio.ui.graph.segment_placement import Items, isotonic as _isotonic, place_items
from studio.ui.graph.segments import build_segment_layering, layer_edges

NodeId = Hashable
Size = tuple[float, float]


@dataclass(frozen=True)
class LayoutOptions:
    layer_gap: float = 90.0  # horizontal space between columns
    node_gap: float = 28.0  # vertical space between boxes in a column
    dummy_gap: float = 10.0  # vertical space reserved for an edge passing a column
    sweeps: int = 6
    # long edges as one unit each (segments.py): None for "when they would make more than
    # SEGMENTS_FROM dummies"; below that the classic layout, whose pictures users know
    segments: bool | None = None


SEGMENTS_FROM = 2000


def _vertical_placement(lay: Layering, heights: dict[NodeId, float], anchors: dict[NodeId, float],
                        opts: LayoutOptions) -> dict[NodeId, float]:
    """Anchor y of every node: ordered, separated, and near its neighbours' anchors.
    Alternate sweeps over the columns; in each, every node aims at the mean of its
    neighbours' ports and the column is made ordered and separated by isotonic regression
    (so a column moves as a whole where its boxes press on each other)."""
    def gap(n: NodeId) -> float:
        return opts.dummy_gap if isinstance(n, Dummy) else opts.node_gap

    # integer ids column by column, so a column is one slice of the list of ys
    ids = {n: i for i, n in enumerate(n for col in lay.layers for n in col)}
    columns = [[ids[n] for n in col] for col in lay.layers]
    # offsets[i]: minimum distance between anchor of col[0] and anchor of col[i]
    offsets: list[list[float]] = []
    for col in lay.layers:
        off, acc = [], 0.0
        for i, n in enumerate(col):
            if i:
                prev = col[i - 1]
                acc += heights[prev] - anchors[prev] + max(gap(prev), gap(n)) + anchors[n]
            off.append(acc)
        offsets.append(off)
    y = [off for offs in offsets for off in offs]
    nbrs: list[list[tuple[int, float]]] = [[] for _ in y]
    for u, v, dy in lay.links:
        nbrs[ids[u]].append((ids[v], dy))  # u's anchor wants to meet v's port at y[v] + dy
        nbrs[ids[v]].append((ids[u], -dy))
    names = [n for col in lay.layers for n in col]
    weights = [[float(len(nbrs[i])) + (2.0 if isinstance(names[i], Dummy) else 0.0) + 0.01 for i in col]
               for col in columns]
    # Every dummy has two neighbours: its aim is gathered in C from four lists; the
    # other nodes (the boxes) are worked out one by one.
    two = [len(ns) == 2 for ns in nbrs]
    first = [ns[0] if ok else (i, 0.0) for i, (ns, ok) in enumerate(zip(nbrs, two))]
    second = [ns[1] if ok else (i, 0.0) for i, (ns, ok) in enumerate(zip(nbrs, two))]
    plan = []
    for col in columns:
        odd = [(k, n) for k, n in enumerate(col) if not two[n]]
        plan.append(([first[n][0] for n in col], [first[n][1] for n in col],
                     [second[n][0] for n in col], [second[n][1] for n in col], odd))
    at = y.__getitem__
    depth = len(columns)
    for it in range(8):
        for li in (range(depth) if it % 2 == 0 else range(depth - 1, -1, -1)):
            col, offs = columns[li], offsets[li]
            a, da, b, db, odd = plan[li]
            targets = list(map(sub, map(truediv, map(add, map(add, map(at, a), da), map(add, map(at, b), db)),
                                        repeat(2)), offs))
            for k, n in odd:
                targets[k] = _aim(nbrs[n], y, n) - offs[k]
            if col:
                y[col[0]:col[-1] + 1] = map(add, _isotonic(targets, weights[li]), offs)
    return {name: y[i] for name, i in ids.items()}


def _aim(ns: list[tuple[int, float]], y: list[float], n: int) -> float:
    """Where node ``n``'s neighbours want its anchor: the mean of their ports."""
    if not ns:
        return y[n]
    return sum(y[m] + dy for m, dy in ns) / len(ns)


def _dummy_count(layered: tuple[list, dict]) -> int:
    clean, layer_of = layered
    return sum(max(0, layer_of[v] - layer_of[u] - 1) for u, v, _ in clean)


def _full_layout(nodes: list[NodeId], edges: Sequence[tuple], sizes: dict[NodeId, Size],
                 anchors: dict[NodeId, float], opts: LayoutOptions,
                 routes: dict | None = None, room: dict[NodeId, float] | None = None) -> dict[NodeId, tuple[float, float]]:
    segments, layered = opts.segments, None
    if segments is None:
        layered = layer_edges(nodes, edges)
        segments = _dummy_count(layered) > SEGMENTS_FROM
    if segments:
        return _segment_layout(nodes, edges, sizes, anchors, opts, routes, layered, room)
    lay = build_layering(nodes, edges, opts.sweeps)
    heights = {n: (sizes[n][1] if n in sizes else 0.0) for n in lay.layer_of}
    anch = {n: anchors.get(n, heights[n] / 2) for n in lay.layer_of}
    ys = _vertical_placement(lay, heights, anch, opts)
    widths = [max((sizes[m][0] for m in col if m in sizes), default=0.0) for col in lay.layers]
    col_x = _column_lefts(widths, lay.layers, room, opts.layer_gap)
    top = min((ys[n] - anch[n] for n in nodes), default=0.0)
    fed = {link[1] for link in lay.links}
    out = {}
    for n in nodes:
        col = lay.layer_of[n]
        # sources sit flush right against their consumers' column; the rest flush left
        dx = widths[col] - sizes[n][0] if col + 1 < len(lay.layers) and n not in fed else 0.0
        out[n] = (round(col_x[col] + dx, 1), round(ys[n] - anch[n] - top, 1))
    if routes is not None:
        # where each long edge crosses the columns between its ends (the dummies)
        for d in sorted((n for n in lay.layer_of if isinstance(n, Dummy)), key=lambda d: d[1]):
            u, v, _ = lay.edges[d.edge]
            col = lay.layer_of[d]
            y = round(ys[d] - top, 1)  # straight through the column, bending only between columns
            routes.setdefault((u, v), []).extend([(round(col_x[col], 1), y), (round(col_x[col] + widths[col], 1), y)])
    return out


def _segment_layout(nodes: list[NodeId], edges: Sequence[tuple], sizes: dict[NodeId, Size],
                    anchors: dict[NodeId, float], opts: LayoutOptions, routes: dict | None = None,
                    layered: tuple | None = None, room: dict[NodeId, float] | None = None,
                    ) -> dict[NodeId, tuple[float, float]]:
    """The same drawing as _full_layout's, each long edge one unit (for big graphs)."""
    lay = build_segment_layering(nodes, edges, opts.sweeps, layered)
    boxes = len(lay.nodes)
    anch = [anchors.get(n, sizes[n][1] / 2) for n in lay.nodes]
    items = Items(lay, [sizes[n][1] for n in lay.nodes], anch, opts.node_gap, opts.dummy_gap)
    ys = place_items(items)
    widths = [0.0] * lay.depth
    held: list[list[NodeId]] = [[] for _ in range(lay.depth)]
    for i, n in enumerate(lay.nodes):
        widths[lay.first[i]] = max(widths[lay.first[i]], sizes[n][0])
        held[lay.first[i]].append(n)
    col_x = _column_lefts(widths, held, room, opts.layer_gap)
    top = min((ys[i] - anch[i] for i in range(boxes)), default=0.0)
    fed = {v for _, v, _ in lay.edges}
    out = {}
    for i, n in enumerate(lay.nodes):
        col = lay.first[i]
        # sources sit flush right against their consumers' column; the rest flush left
        dx = widths[col] - sizes[n][0] if col + 1 < lay.depth and n not in fed else 0.0
        out[n] = (round(col_x[col] + dx, 1), round(ys[i] - anch[i] - top, 1))
    if routes is not None:
        # each long edge straight through each column between its ends, at its run's place
        heights: list[list[float]] = [[] for _ in lay.rank]  # each segment's y per column
        gap = opts.dummy_gap
        steps = [j * gap for j in range(max(items.count, default=0))]
        for column in items.columns:
            at: list[float] = []
            for item in column.run_items:  # each edge of a run gap below the one before
                at += map(add, repeat(round(ys[item] - top, 1)), steps[:items.count[item]])
            # heights[r].append(y) for each segment r here, in C (a step per dummy)
            deque(map(list.append, map(heights.__getitem__, column.ranks), at), maxlen=0)
        # straight through each column between its ends, at its run's place
        table = Columns([round(x, 1) for x in col_x], [round(x + w, 1) for x, w in zip(col_x, widths)])
        for s in range(boxes, len(lay.rank)):
            u, v, _ = lay.edges[lay.seg_edge[s - boxes]]
            routes[(u, v)] = Route(lay.first[s], heights[lay.rank[s]], table)
    return out


def _column_lefts(widths: list[float], columns: Sequence[Sequence[NodeId]], room: dict[NodeId, float] | None,
                  gap: float) -> list[float]:
    """Each column's left x: ``gap`` apart, or more before a column whose boxes want
    ``room`` for the labels of the edges into them."""
    lefts, x = [], 0.0
    for c, w in enumerate(widths):
        if c:
            x += max(gap, max((room.get(n, 0.0) for n in columns[c]), default=0.0)) if room else gap
        lefts.append(x)
        x += w
    return lefts


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float], margin: float) -> bool:
    return a[0] < b[0] + b[2] + margin and b[0] < a[0] + a[2] + margin and \
        a[1] < b[1] + b[3] + margin and b[1] < a[1] + a[3] + margin


def layered_layout(nodes: Sequence[NodeId], edges: Sequence[tuple], sizes: dict[NodeId, Size],
                   fixed: dict[NodeId, tuple[float, float]] | None = None,
                   anchors: dict[NodeId, float] | None = None,
                   options: LayoutOptions | None = None,
                   routes: dict | None = None,
                   room: dict[NodeId, float] | None = None) -> dict[NodeId, tuple[float, float]]:
    """Top-left position of every node. ``edges`` go producer -> consumer, as (u, v) or
    (u, v, dy) where dy is how far below v's anchor the edge enters; ``sizes`` are
    (width, height); ``anchors`` the y of each node's port inside its box (default the
    middle); nodes in ``fixed`` keep their given position; ``room``: the least space a
    node wants between its column and the one before, for the labels of the edges into
    it (box_geometry.label_room; the gap between columns is the most of that and
    ``layer_gap``).

    ``routes``, if given and nothing is fixed, receives for every edge that spans
    several columns where it should cross them: {(u, v): [(x, y), ...]}, the left and
    right end of a horizontal run through each column in between."""
    opts = options or LayoutOptions()
    nodes = list(dict.fromkeys(nodes))
    sizes = {n: sizes.get(n, (0.0, 0.0)) for n in nodes}
    anchors = dict(anchors or {})
    fixed = {n: p for n, p in (fixed or {}).items() if n in sizes}
    room = room or {}
    full = _full_layout(nodes, edges, sizes, anchors, opts, routes if not fixed else None, room)
    if not fixed:
        return full
    placed: dict[NodeId, tuple[float, float]] = dict(fixed)
    preds: dict[NodeId, list[NodeId]] = {n: [] for n in nodes}
    succs: dict[NodeId, list[NodeId]] = {n: [] for n in nodes}
    for u, v, _ in map(split_edge, edges):
        if u in preds and v in preds and u != v:
            succs[u].append(v)
            preds[v].append(u)
    bottom = max(p[1] + sizes[n][1] for n, p in fixed.items())

    def anchor(n: NodeId) -> float:
        return anchors.get(n, sizes[n][1] / 2)

    for n in nodes:
        if n in placed:
            continue
        w, h = sizes[n]
        fp = [m for m in preds[n] if m in placed]
        fs = [m for m in succs[n] if m in placed]
        if fp:
            x = max(placed[m][0] + sizes[m][0] for m in fp) + max(opts.layer_gap, room.get(n, 0.0))
        elif fs:
            x = min(placed[m][0] for m in fs) - max([opts.layer_gap, *(room.get(m, 0.0) for m in fs)]) - w
        else:
            x = full[n][0]
        near = fp + fs
        if near:
            y = sum(placed[m][1] + anchor(m) for m in near) / len(near) - anchor(n)
        else:
            y = bottom + opts.node_gap
        rect = (x, y, w, h)
        for _ in range(len(placed) + 1):
            hit = [m for m, p in placed.items() if _overlaps(rect, (p[0], p[1], *sizes[m]), opts.dummy_gap)]
            if not hit:
                break
            y = max(placed[m][1] + sizes[m][1] for m in hit) + opts.node_gap
            rect = (x, y, w, h)
        placed[n] = (round(x, 1), round(y, 1))
    return {n: placed[n] for n in nodes}
