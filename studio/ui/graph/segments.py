"""Columns and an order inside them for big graphs, each long edge one unit. Pure Python, no Qt.

Why: a long edge gets a dummy in every column it crosses, and in a big file the dummies
far outnumber the boxes and edges (800 stages: 4,000 boxes and edges, 48,000 dummies);
every sweep of the classic layering (layering.py) is a pass over them. Here, as in
Eiglsperger, Siebenhaller and Kaufmann's efficient Sugiyama (2005), the inner part of a
long edge is one *segment* that keeps its place among the other segments through every
column it crosses (inner segments never cross each other; the classic sweeps give the
same after their first pass). Boxes and segments share one global order, and a column's
order is that order restricted to what the column holds. A sweep gives each unit a key
(its neighbours' mean key, column by column) and sorts; a sweep and a crossing count cost
O((boxes + edges) log), never a step per dummy.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from itertools import repeat

from studio.ui.graph.layering import Dummy, Layering, assign_layers, clean_edges, inversions

NodeId = Hashable


@dataclass
class SegmentLayering:
    """Units 0..len(nodes)-1 are the boxes in input order; unit len(nodes) + k is the long
    edge ``edges[seg_edge[k]]`` from its first to its last column in between."""

    nodes: list[NodeId]
    edges: list[tuple[NodeId, NodeId, float]]  # kept, acyclic
    layer_of: dict[NodeId, int]  # boxes only
    seg_edge: list[int]
    first: list[int]  # per unit: its first and last column (a box: its own, twice)
    last: list[int]
    rank: list[int]  # per unit: its place in the global order
    crossings: int
    depth: int

    def unit_order(self) -> list[int]:
        """Every unit, top to bottom in the global order."""
        order = [0] * len(self.rank)
        for unit, r in enumerate(self.rank):
            order[r] = unit
        return order

    def as_layering(self) -> Layering:
        """The same order with a Dummy per column a segment crosses, as the classic
        layering gives it (one step per dummy)."""
        layers, links = self.as_columns()
        layer_of = dict(self.layer_of)
        for c, col in enumerate(layers):
            layer_of.update(zip(col, repeat(c)))
        return Layering(layers, layer_of, links, self.crossings, self.edges)

    def as_columns(self) -> tuple[list[list[NodeId]], list[tuple[NodeId, NodeId, float]]]:
        """The columns top to bottom, with a Dummy per column a segment crosses, and the
        links between neighbouring columns, as the classic layering has them."""
        layers: list[list[tuple[int, NodeId]]] = [[] for _ in range(self.depth)]
        boxes = len(self.nodes)
        for unit, r in enumerate(self.rank):
            if unit < boxes:
                layers[self.first[unit]].append((r, self.nodes[unit]))
                continue
            e = self.seg_edge[unit - boxes]
            for c in range(self.first[unit], self.last[unit] + 1):
                layers[c].append((r, Dummy(e, c)))
        links = []
        spans = {e: k for k, e in enumerate(self.seg_edge)}
        for e, (u, v, dy) in enumerate(self.edges):
            k = spans.get(e)
            if k is None:
                links.append((u, v, dy))
                continue
            a, b = self.first[boxes + k], self.last[boxes + k]
            chain = [u] + [Dummy(e, c) for c in range(a, b + 1)] + [v]
            links += [(p, q, 0.0) for p, q in zip(chain, chain[1:-1])] + [(chain[-2], v, dy)]
        for col in layers:
            col.sort()
        return [[n for _, n in col] for col in layers], links


class _Graph:
    """Each unit's neighbours in the columns left and right of it, as (unit, port)."""

    def __init__(self, lay: SegmentLayering) -> None:
        boxes, units = len(lay.nodes), len(lay.rank)
        index = {n: i for i, n in enumerate(lay.nodes)}
        self.ins: list[list[tuple[int, float]]] = [[] for _ in range(units)]
        self.outs: list[list[tuple[int, float]]] = [[] for _ in range(units)]
        segment_of = {e: boxes + k for k, e in enumerate(lay.seg_edge)}
        for e, (u, v, dy) in enumerate(lay.edges):
            iu, iv = index[u], index[v]
            s = segment_of.get(e)
            if s is None:
                self.outs[iu].append((iv, dy))
                self.ins[iv].append((iu, dy))
            else:
                self.outs[iu].append((s, 0.0))
                self.ins[s].append((iu, 0.0))
                self.outs[s].append((iv, dy))
                self.ins[iv].append((s, dy))
        self.box_cols: list[list[int]] = [[] for _ in range(lay.depth)]
        for i in range(boxes):
            self.box_cols[lay.first[i]].append(i)
        self.starts: list[list[int]] = [[] for _ in range(lay.depth)]
        self.ends: list[list[int]] = [[] for _ in range(lay.depth)]
        for s in range(boxes, units):
            self.starts[lay.first[s]].append(s)
            self.ends[lay.last[s]].append(s)


def unit_neighbours(lay: SegmentLayering) -> list[list[tuple[int, float]]]:
    """Per unit, where it meets each neighbour: (unit, dy) means this unit's anchor
    wants to be at that unit's anchor + dy (an edge enters its target dy below)."""
    graph = _Graph(lay)
    return [[(m, dy) for m, dy in outs] + [(m, -dy) for m, dy in ins] for outs, ins in zip(graph.outs, graph.ins)]


def build_segment_layering(nodes: Sequence[NodeId], edges: Sequence[tuple], sweeps: int = 6) -> SegmentLayering:
    """Columns as the classic layering makes them; an order from barycentric sweeps,
    alternately down and up, keeping the order with the fewest crossings seen."""
    nodes = list(dict.fromkeys(nodes))
    clean = clean_edges(nodes, edges)
    layer_of = assign_layers(nodes, clean)
    first = [layer_of[n] for n in nodes]
    seg_edge = [e for e, (u, v, _) in enumerate(clean) if layer_of[v] - layer_of[u] > 1]
    first += [layer_of[clean[e][0]] + 1 for e in seg_edge]
    last = first[:len(nodes)] + [layer_of[clean[e][1]] - 1 for e in seg_edge]
    depth = max(first, default=-1) + 1
    # the starting order, as the classic one: boxes in input order, then dummies in edge order
    lay = SegmentLayering(nodes, clean, layer_of, seg_edge, first, last, list(range(len(first))), 0, depth)
    graph = _Graph(lay)
    best = lay.rank
    best_cross = lay.crossings = count_segment_crossings(lay, graph)
    for sweep in range(sweeps):
        if best_cross == 0:
            break
        lay.rank = _sweep(lay, graph, down=sweep % 2 == 0)
        cross = count_segment_crossings(lay, graph)
        if cross < best_cross:
            best, best_cross = lay.rank, cross
    lay.rank, lay.crossings = best, best_cross
    return lay


def _sweep(lay: SegmentLayering, graph: _Graph, down: bool) -> list[int]:
    """One pass of barycenters over the columns; returns the new global ranks. A unit's
    key is its neighbours' mean key on the side the pass comes from (the keys of the
    previous column are already new), going up each nudged by the port it enters at;
    units without neighbours there keep theirs, and ties keep the old order."""
    rank = lay.rank
    key = [float(r) for r in rank]
    if down:
        columns, near, fresh = range(1, lay.depth), graph.ins, graph.starts
    else:
        columns, near, fresh = range(lay.depth - 2, -1, -1), graph.outs, graph.ends
    for c in columns:
        for s in fresh[c]:  # a segment leaves (down) or enters (up) one box
            (m, dy), = near[s]
            key[s] = key[m] if down else key[m] + _port(dy)
        for n in graph.box_cols[c]:
            ref = near[n]
            if ref:
                if down:
                    key[n] = sum(key[m] for m, _ in ref) / len(ref)
                else:
                    key[n] = sum(key[m] + _port(dy) for m, dy in ref) / len(ref)
    order = sorted(range(len(key)), key=lambda u: (key[u], rank[u]))
    out = [0] * len(order)
    for r, unit in enumerate(order):
        out[unit] = r
    return out


def _port(dy: float) -> float:
    """The classic layering's port fraction (lower ports sort later), made small enough
    to order links into one box and nothing else."""
    return min(abs(dy), 900.0) * 1e-6


def count_segment_crossings(lay: SegmentLayering, graph: _Graph | None = None) -> int:
    """Crossings between adjacent columns, as count_crossings would find them on the
    dummies: links between columns c and c+1 that end at a box or start or end a segment
    are counted against each other (an inversion count), and against the segments passing
    both columns (a segment crosses a link exactly when its rank lies between the link's
    ends). Segments passing both never cross each other."""
    graph = graph or _Graph(lay)
    r = lay.rank
    ports = sorted({dy for _, _, dy in lay.edges} | {0.0})
    port = {dy: i for i, dy in enumerate(ports)}
    width = len(ports)
    span = (len(r) + 1) * width
    inner: list[int] = []  # ranks of the segments passing both columns, sorted
    total = 0
    for c in range(lay.depth - 1):
        for s in graph.ends[c]:
            if lay.first[s] < c:
                del inner[bisect_left(inner, r[s])]
        for s in graph.starts[c]:
            if lay.last[s] > c:
                insort(inner, r[s])
        keys = []
        for n in graph.box_cols[c]:
            rn = r[n]
            for m, dy in graph.outs[n]:  # a box, or a segment starting, in column c + 1
                keys.append((rn * span + r[m] * width + port[dy], rn, r[m]))
        for s in graph.ends[c]:
            (m, dy), = graph.outs[s]
            keys.append((r[s] * span + r[m] * width + port[dy], r[s], r[m]))
        keys.sort()
        total += inversions(k % span for k, _, _ in keys)
        if inner:
            for _, a, b in keys:
                lo, hi = (a, b) if a < b else (b, a)
                total += bisect_left(inner, hi) - bisect_right(inner, lo)
    return total
