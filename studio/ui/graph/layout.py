"""Layered left-to-right layout for the stage graph. Pure Python, no Qt.

Why a layered layout: a Dockerfile's stages form a DAG that reads naturally from
producers (left) to consumers (right). The steps are the classic Sugiyama ones:
longest-path layering, dummy nodes on long edges, barycentric sweeps to reduce
crossings, then vertical placement by isotonic regression (every box as close to its
neighbours' ports as the ordering allows, so chains come out as straight lines).

``layered_layout`` is deterministic (ties break on input order) and stable: nodes given
in ``fixed`` keep their positions; only the others are placed, next to their neighbours.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Hashable, Iterable, Sequence

from studio.core.depth_first import depth_first_edges

NodeId = Hashable
Size = tuple[float, float]


@dataclass(frozen=True)
class LayoutOptions:
    layer_gap: float = 90.0  # horizontal space between columns
    node_gap: float = 28.0  # vertical space between boxes in a column
    dummy_gap: float = 10.0  # vertical space reserved for an edge passing a column
    sweeps: int = 6


class _Dummy(tuple):
    """A point where a long edge crosses a column: (edge number, layer). A tuple
    subclass so hashing stays in C (there are thousands of these in big files)."""

    def __new__(cls, edge: int, layer: int) -> _Dummy:
        return super().__new__(cls, (edge, layer))

    @property
    def edge(self) -> int:
        return self[0]


@dataclass
class Layering:
    """Columns (left to right), each an ordered list of node ids (dummies included)."""

    layers: list[list[NodeId]]
    layer_of: dict[NodeId, int]
    links: list[tuple[NodeId, NodeId, float]]  # (u, v, dy) joining adjacent columns
    crossings: int
    edges: list[tuple[NodeId, NodeId, float]] = field(default_factory=list)  # kept, acyclic


def _split(edge: tuple) -> tuple[NodeId, NodeId, float]:
    """(u, v) or (u, v, dy): dy is where the edge enters v, relative to v's anchor."""
    return (edge[0], edge[1], float(edge[2])) if len(edge) > 2 else (edge[0], edge[1], 0.0)


def _clean_edges(nodes: Sequence[NodeId], edges: Iterable[tuple]) -> list[tuple[NodeId, NodeId, float]]:
    """Drop self-loops, duplicates, unknown ends and edges that would close a cycle."""
    known = set(nodes)
    succ: dict[NodeId, list[NodeId]] = {n: [] for n in nodes}
    seen: dict[tuple[NodeId, NodeId], float] = {}
    for u, v, dy in map(_split, edges):
        if u != v and u in known and v in known and (u, v) not in seen:
            seen[(u, v)] = dy
            succ[u].append(v)
    # depth first in input order; a back edge (one that closes a cycle) is left out
    kept = [(u, v) for u, v, cycle in depth_first_edges(nodes, succ.__getitem__) if cycle is None]
    order = {e: i for i, e in enumerate(seen)}
    kept.sort(key=lambda e: order[e])
    return [(u, v, seen[(u, v)]) for u, v in kept]


def assign_layers(nodes: Sequence[NodeId], edges: Sequence[tuple[NodeId, NodeId]]) -> dict[NodeId, int]:
    """Longest path from the sources; then every source moves right to sit just before
    its first consumer (an image used only by the final stage belongs next to it)."""
    preds: dict[NodeId, list[NodeId]] = {n: [] for n in nodes}
    succs: dict[NodeId, list[NodeId]] = {n: [] for n in nodes}
    for u, v, *_ in edges:
        preds[v].append(u)
        succs[u].append(v)
    layer: dict[NodeId, int] = {}
    indeg = {n: len(preds[n]) for n in nodes}
    ready = [n for n in nodes if indeg[n] == 0]
    pos = 0
    while pos < len(ready):
        n = ready[pos]
        pos += 1
        layer[n] = max((layer[p] + 1 for p in preds[n]), default=0)
        for s in succs[n]:
            indeg[s] -= 1
            if indeg[s] == 0:
                ready.append(s)
    for n in nodes:
        layer.setdefault(n, 0)
        if not preds[n] and succs[n]:
            layer[n] = max(0, min(layer[s] for s in succs[n]) - 1)
    return layer


def _count_between(upper: list[NodeId], lower: list[NodeId], links: list[tuple]) -> int:
    """Crossings between two adjacent columns: inversions, counted with a Fenwick tree.
    Edges into the same node at different ports (dy) are ordered by port."""
    up = {n: i for i, n in enumerate(upper)}
    lo = {n: i for i, n in enumerate(lower)}
    ends = sorted({(lo[v], dy) for u, v, dy in links if u in up and v in lo})
    rank = {e: i for i, e in enumerate(ends)}
    pairs = sorted((up[u], rank[(lo[v], dy)]) for u, v, dy in links if u in up and v in lo)
    tree = [0] * (len(ends) + 1)
    crossings = 0
    seen = 0
    for _, b in pairs:
        # count earlier pairs whose lower end is strictly greater than b
        i, le = b + 1, 0
        while i > 0:
            le += tree[i]
            i -= i & -i
        crossings += seen - le
        i = b + 1
        while i <= len(ends):
            tree[i] += 1
            i += i & -i
        seen += 1
    return crossings


def count_crossings(layers: list[list[NodeId]], links: list[tuple]) -> int:
    """Edge crossings between adjacent columns (links join adjacent columns)."""
    by_layer: dict[int, list[tuple]] = {}
    where = {n: i for i, col in enumerate(layers) for n in col}
    for link in links:
        by_layer.setdefault(where[link[0]], []).append(link if len(link) == 3 else _split(link))
    return sum(_count_between(layers[i], layers[i + 1], by_layer.get(i, [])) for i in range(len(layers) - 1))


def build_layering(nodes: Sequence[NodeId], edges: Sequence[tuple], sweeps: int = 6) -> Layering:
    """Columns and an order inside each column with few crossings."""
    nodes = list(dict.fromkeys(nodes))
    clean = _clean_edges(nodes, edges)
    layer_of = assign_layers(nodes, clean)
    links: list[tuple[NodeId, NodeId, float]] = []
    for i, (u, v, dy) in enumerate(clean):
        prev = u
        for lay in range(layer_of[u] + 1, layer_of[v]):
            d = _Dummy(i, lay)
            layer_of[d] = lay
            links.append((prev, d, 0.0))
            prev = d
        links.append((prev, v, dy))
    depth = max(layer_of.values(), default=-1) + 1
    layers: list[list[NodeId]] = [[] for _ in range(depth)]
    rank = {n: i for i, n in enumerate(nodes)}
    for n in sorted(layer_of, key=lambda n: (rank[n] if n in rank else len(rank) + n.edge, 0)):
        layers[layer_of[n]].append(n)
    preds: dict[NodeId, list[tuple[NodeId, float]]] = {n: [] for n in layer_of}
    succs: dict[NodeId, list[tuple[NodeId, float]]] = {n: [] for n in layer_of}
    for u, v, dy in links:
        preds[v].append((u, 0.0))
        succs[u].append((v, min(abs(dy), 900.0) / 1000.0))  # lower ports sort later

    best = [list(col) for col in layers]
    best_cross = count_crossings(best, links)
    for sweep in range(sweeps):
        if best_cross == 0:
            break
        down = sweep % 2 == 0
        order = range(1, depth) if down else range(depth - 2, -1, -1)
        for li in order:
            ref = layers[li - 1] if down else layers[li + 1]
            pos = {n: i for i, n in enumerate(ref)}
            nbrs = preds if down else succs
            col = layers[li]
            keyed = []
            for i, n in enumerate(col):
                ps = [pos[m] + frac for m, frac in nbrs[n] if m in pos]
                keyed.append(((sum(ps) / len(ps)) if ps else float(i), i, n))
            keyed.sort(key=lambda t: (t[0], t[1]))
            layers[li] = [n for _, _, n in keyed]
        cross = count_crossings(layers, links)
        if cross < best_cross:
            best, best_cross = [list(col) for col in layers], cross
    return Layering(best, layer_of, links, best_cross, clean)


def _isotonic(targets: list[float], weights: list[float]) -> list[float]:
    """Pool-adjacent-violators: non-decreasing values closest (weighted) to targets."""
    blocks: list[list[float]] = []  # [value, weight, count]
    for t, w in zip(targets, weights):
        blocks.append([t, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            v2, w2, c2 = blocks.pop()
            v1, w1, c1 = blocks[-1]
            blocks[-1] = [(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, c1 + c2]
    out: list[float] = []
    for v, _, c in blocks:
        out.extend([v] * c)
    return out


def _vertical_placement(lay: Layering, heights: dict[NodeId, float], anchors: dict[NodeId, float],
                        opts: LayoutOptions) -> dict[NodeId, float]:
    """Anchor y of every node: ordered, separated, and near its neighbours' anchors."""
    def gap(n: NodeId) -> float:
        return opts.dummy_gap if isinstance(n, _Dummy) else opts.node_gap

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
    y = {n: off for col, offs in zip(lay.layers, offsets) for n, off in zip(col, offs)}
    nbrs: dict[NodeId, list[tuple[NodeId, float]]] = {n: [] for n in y}
    for u, v, dy in lay.links:
        nbrs[u].append((v, dy))  # u's anchor wants to meet v's port at y[v] + dy
        nbrs[v].append((u, -dy))
    depth = len(lay.layers)
    for it in range(8):
        order = range(depth) if it % 2 == 0 else range(depth - 1, -1, -1)
        for li in order:
            col, offs = lay.layers[li], offsets[li]
            targets, weights = [], []
            for n, off in zip(col, offs):
                ns = nbrs[n]
                t = sum(y[m] + dy for m, dy in ns) / len(ns) if ns else y[n]
                targets.append(t - off)
                weights.append(float(len(ns)) + (2.0 if isinstance(n, _Dummy) else 0.0) + 0.01)
            for n, z, off in zip(col, _isotonic(targets, weights), offs):
                y[n] = z + off
    return y


def _full_layout(nodes: list[NodeId], edges: Sequence[tuple], sizes: dict[NodeId, Size],
                 anchors: dict[NodeId, float], opts: LayoutOptions,
                 routes: dict | None = None) -> dict[NodeId, tuple[float, float]]:
    lay = build_layering(nodes, edges, opts.sweeps)
    heights = {n: (sizes[n][1] if n in sizes else 0.0) for n in lay.layer_of}
    anch = {n: anchors.get(n, heights[n] / 2) for n in lay.layer_of}
    ys = _vertical_placement(lay, heights, anch, opts)
    col_x, x = [], 0.0
    for col in lay.layers:
        col_x.append(x)
        x += max((sizes[n][0] for n in col if n in sizes), default=0.0) + opts.layer_gap
    top = min((ys[n] - anch[n] for n in nodes), default=0.0)
    fed = {link[1] for link in lay.links}
    widths = [max((sizes[m][0] for m in col if m in sizes), default=0.0) for col in lay.layers]
    out = {}
    for n in nodes:
        col = lay.layer_of[n]
        # sources sit flush right against their consumers' column; the rest flush left
        dx = widths[col] - sizes[n][0] if col + 1 < len(lay.layers) and n not in fed else 0.0
        out[n] = (round(col_x[col] + dx, 1), round(ys[n] - anch[n] - top, 1))
    if routes is not None:
        # where each long edge crosses the columns between its ends (the dummies)
        for d in sorted((n for n in lay.layer_of if isinstance(n, _Dummy)), key=lambda d: d[1]):
            u, v, _ = lay.edges[d.edge]
            col = lay.layer_of[d]
            y = round(ys[d] - top, 1)  # straight through the column, bending only between columns
            routes.setdefault((u, v), []).extend([(round(col_x[col], 1), y), (round(col_x[col] + widths[col], 1), y)])
    return out


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float], margin: float) -> bool:
    return a[0] < b[0] + b[2] + margin and b[0] < a[0] + a[2] + margin and \
        a[1] < b[1] + b[3] + margin and b[1] < a[1] + a[3] + margin


def layered_layout(nodes: Sequence[NodeId], edges: Sequence[tuple], sizes: dict[NodeId, Size],
                   fixed: dict[NodeId, tuple[float, float]] | None = None,
                   anchors: dict[NodeId, float] | None = None,
                   options: LayoutOptions | None = None,
                   routes: dict | None = None) -> dict[NodeId, tuple[float, float]]:
    """Top-left position of every node. ``edges`` go producer -> consumer, as (u, v) or
    (u, v, dy) where dy is how far below v's anchor the edge enters; ``sizes`` are
    (width, height); ``anchors`` the y of each node's port inside its box (default the
    middle); nodes in ``fixed`` keep their given position.

    ``routes``, if given and nothing is fixed, receives for every edge that spans
    several columns where it should cross them: {(u, v): [(x, y), ...]}, the left and
    right end of a horizontal run through each column in between."""
    opts = options or LayoutOptions()
    nodes = list(dict.fromkeys(nodes))
    sizes = {n: sizes.get(n, (0.0, 0.0)) for n in nodes}
    anchors = dict(anchors or {})
    fixed = {n: p for n, p in (fixed or {}).items() if n in sizes}
    full = _full_layout(nodes, edges, sizes, anchors, opts, routes if not fixed else None)
    if not fixed:
        return full
    placed: dict[NodeId, tuple[float, float]] = dict(fixed)
    preds: dict[NodeId, list[NodeId]] = {n: [] for n in nodes}
    succs: dict[NodeId, list[NodeId]] = {n: [] for n in nodes}
    for u, v, _ in map(_split, edges):
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
            x = max(placed[m][0] + sizes[m][0] for m in fp) + opts.layer_gap
        elif fs:
            x = min(placed[m][0] for m in fs) - opts.layer_gap - w
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
