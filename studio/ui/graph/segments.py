"""Columns and an order inside them for big graphs, each long edge one unit. Pure Python, no Qt.

Why: a long edge gets a dummy in every column it crosses, and in a big file the dummies
far outnumber the boxes and edges (800 stages: 4,000 boxes and edges, 48,000 dummies);
every sweep of the classic layering (layering.py) is a pass over them. Here, as in
Eiglsperger, Siebenhaller and Kaufmann's efficient Sugiyama (2005), the inner part of a
long edge is one *segment* that keeps its place among the other segments through every
column it crosses (inner segments never cross each other; the classic sweeps give the
same after their first pass). Boxes and segments share one global order, and a column's
order is that order restricted to what the column holds. A sweep is the classic
barycentric one (a unit aims at its neighbours' mean place in the column before), with
places found by bisecting the column's sorted segments and aims turned into keys; the
new order sorts by key. A sweep and a crossing count cost O((boxes + edges) log), never
a step per dummy.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import add, mod, mul

from studio.ui.graph.layering import Dummy, assign_layers, clean_edges, inversions

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
    graph: _Graph | None = field(default=None, repr=False, compare=False)  # made once: see links()

    def links(self) -> _Graph:
        """Each unit's neighbours (they depend on the columns, not on the order)."""
        if self.graph is None:
            self.graph = _Graph(self)
        return self.graph

    def unit_order(self) -> list[int]:
        """Every unit, top to bottom in the global order."""
        order = [0] * len(self.rank)
        for unit, r in enumerate(self.rank):
            order[r] = unit
        return order

    def as_columns(self) -> tuple[list[list[NodeId]], list[tuple[NodeId, NodeId, float]]]:
        """The columns top to bottom, with a Dummy per column a segment crosses, and the
        links between neighbouring columns, as the classic layering has them (one step
        per dummy: for tests and benches)."""
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
        # what a sweep adds to a neighbour's place: nothing going down; going up, the
        # fraction of the port the link enters at (the classic layering's: lower ports later)
        self.down = [[(m, 0.0) for m, _ in ins] for ins in self.ins]
        self.up = [[(m, min(abs(dy), 900.0) / 1000.0) for m, dy in outs] for outs in self.outs]
        self.box_cols: list[list[int]] = [[] for _ in range(lay.depth)]
        for i in range(boxes):
            self.box_cols[lay.first[i]].append(i)
        self.starts: list[list[int]] = [[] for _ in range(lay.depth)]
        self.ends: list[list[int]] = [[] for _ in range(lay.depth)]
        for s in range(boxes, units):
            self.starts[lay.first[s]].append(s)
            self.ends[lay.last[s]].append(s)
        # per gap between columns c and c + 1, the links that end at a box or start or end
        # a segment: upper units, lower units and the rank of the port each enters at
        ports = sorted({dy for _, _, dy in lay.edges} | {0.0})
        port = {dy: i for i, dy in enumerate(ports)}
        self.port_count = len(ports)
        self.links: list[tuple[list[int], list[int], list[int]]] = []
        for c in range(lay.depth - 1):
            pairs = [(n, m, dy) for n in self.box_cols[c] for m, dy in self.outs[n]]
            pairs += [(s, *self.outs[s][0]) for s in self.ends[c]]
            self.links.append(([n for n, _, _ in pairs], [m for _, m, _ in pairs], [port[dy] for _, _, dy in pairs]))


def layer_edges(nodes: list[NodeId], edges: Sequence[tuple]) -> tuple[list, dict[NodeId, int]]:
    """The edges kept (acyclic) and every box's column, as the classic layering has them."""
    clean = clean_edges(nodes, edges)
    return clean, assign_layers(nodes, clean)


def unit_neighbours(lay: SegmentLayering, count: int | None = None) -> list[list[tuple[int, float]]]:
    """Per unit (the first ``count``: the boxes come first), where it meets each
    neighbour: (unit, dy) means this unit's anchor wants to be at that unit's anchor + dy
    (an edge enters its target dy below)."""
    graph = lay.links()
    return [[(m, dy) for m, dy in outs] + [(m, -dy) for m, dy in ins]
            for outs, ins in zip(graph.outs[:count], graph.ins[:count])]


def build_segment_layering(nodes: Sequence[NodeId], edges: Sequence[tuple], sweeps: int = 6,
                           layered: tuple[list, dict] | None = None) -> SegmentLayering:
    """Columns as the classic layering makes them; an order from barycentric sweeps,
    alternately down and up, keeping the order with the fewest crossings of the starting
    one and those after each down sweep but the first (sweeps prepare the next one: on the
    bench files, 150 to 1,600 stages, neither an up sweep's order nor the first down
    sweep's was ever the best, the first 9-17% worse, and a count costs half a sweep).
    ``layered``: the kept edges and columns, when the caller has them already."""
    nodes = list(dict.fromkeys(nodes))
    clean, layer_of = layered or layer_edges(nodes, edges)
    first = [layer_of[n] for n in nodes]
    seg_edge = [e for e, (u, v, _) in enumerate(clean) if layer_of[v] - layer_of[u] > 1]
    first += [layer_of[clean[e][0]] + 1 for e in seg_edge]
    last = first[:len(nodes)] + [layer_of[clean[e][1]] - 1 for e in seg_edge]
    depth = max(first, default=-1) + 1
    # the starting order, as the classic one: boxes in input order, then dummies in edge order
    lay = SegmentLayering(nodes, clean, layer_of, seg_edge, first, last, list(range(len(first))), 0, depth)
    graph = lay.links()
    best = lay.rank
    best_cross = lay.crossings = count_segment_crossings(lay, graph)
    for sweep in range(sweeps):
        if best_cross == 0:
            break
        if sweep % 2 == 1 and sweep + 1 == sweeps:
            break  # a last sweep up would not be counted
        lay.rank = _sweep(lay, graph, down=sweep % 2 == 0)
        if sweep % 2 == 1 or sweep == 0 and sweeps > 2:
            continue
        cross = count_segment_crossings(lay, graph)
        if cross < best_cross:
            best, best_cross = lay.rank, cross
    lay.rank, lay.crossings = best, best_cross
    return lay


class _Passing:
    """The segments passing a column during a sweep, top to bottom: their keys (distinct
    inside a column, so a plain float bisects to a segment exactly; floats compare several
    times faster than (key, rank) pairs) and, alongside, their ranks (which order a new
    unit that ties a segment's key: the old order)."""

    __slots__ = ("keys", "ranks")

    def __init__(self) -> None:
        self.keys: list[float] = []
        self.ranks: list[int] = []

    def gap_of(self, k: float, r: int) -> int:
        """How many segments sort before a unit of key k and rank r."""
        i = bisect_left(self.keys, k)
        if i < len(self.keys) and self.keys[i] == k and self.ranks[i] < r:
            i += 1
        return i

    def add(self, k: float, r: int) -> None:
        i = self.gap_of(k, r)
        self.keys.insert(i, k)
        self.ranks.insert(i, r)

    def remove(self, k: float) -> None:
        i = bisect_left(self.keys, k)
        del self.keys[i], self.ranks[i]


class _Column:
    """A column's order during a sweep, without a step per segment: its segments' keys
    and its boxes' keys, each sorted (all keys are distinct inside a column), and the
    places of the units the next column looks at (its boxes, the segments ending)."""

    def __init__(self, passing: list[float], boxes: list[int], ending: list[int], key: list[float]) -> None:
        self.active = passing
        self.boxes = [key[n] for n in boxes]
        self.box_places = [j + bisect_left(passing, b) for j, b in enumerate(self.boxes)]
        self.size = len(passing) + len(boxes)
        self.place = dict(zip(boxes, self.box_places))  # unit -> its place, 0 at the top
        for s in ending:
            k = key[s]
            self.place[s] = bisect_left(passing, k) + bisect_left(self.boxes, k)

    def key_at(self, place: float) -> float:
        """A key that sorts like a unit at this (fractional) place would."""
        i = int(place)
        here = self._key(i)
        frac = place - i
        if not frac:
            return here
        return here + frac * ((self._key(i + 1) if i + 1 < self.size else here + 1.0) - here)

    def _key(self, i: int) -> float:
        j = bisect_left(self.box_places, i)
        if j < len(self.box_places) and self.box_places[j] == i:
            return self.boxes[j]
        return self.active[i - j]


def _sweep(lay: SegmentLayering, graph: _Graph, down: bool) -> list[int]:
    """One pass of barycenters over the columns, as the classic layering makes it (a
    unit's aim is the mean place of its neighbours in the column the pass comes from,
    going up plus the fraction of the port it enters at), with places found by bisecting
    that column's sorted segments. An aim becomes a key between the keys of the units at
    the places either side; the new units of a column (its boxes, the segments starting
    there) then get distinct keys inside their gap between the segments passing. Units
    without neighbours there keep their key; ties keep the old order. Returns new ranks."""
    rank = lay.rank
    key = [float(r) for r in rank]
    if down:
        columns, near, fresh, gone, back = range(lay.depth), graph.down, graph.starts, graph.ends, -1
    else:
        columns, near, fresh, gone, back = range(lay.depth - 1, -1, -1), graph.up, graph.ends, graph.starts, 1
    by_rank = lay.unit_order()
    active = _Passing()
    prev: _Column | None = None
    for c in columns:
        for s in gone[c + back] if prev is not None else ():  # segments that ended in the previous column
            active.remove(key[s])
        new = fresh[c] + graph.box_cols[c]
        if prev is not None:
            place = prev.place
            for n in new:
                ref = near[n]
                if len(ref) == 1:  # (every segment: the same float as the mean below)
                    m, nudge = ref[0]
                    key[n] = prev.key_at(place[m] + nudge)
                elif ref:
                    at = sum(place[m] + nudge for m, nudge in ref)
                    key[n] = prev.key_at(at / len(ref))
        if not _spread(key, rank, new, active):
            _renumber(key, rank, active, by_rank)
            _spread(key, rank, new, active)
        for s in fresh[c]:
            active.add(key[s], rank[s])
        boxes = sorted(graph.box_cols[c], key=key.__getitem__)
        prev = _Column(list(active.keys), boxes, gone[c], key)
    # by key, ties in the old order: a stable sort of the old order (keys are distinct
    # inside a column, not across columns)
    order = sorted(by_rank, key=key.__getitem__)
    out = [0] * len(order)
    for r, unit in enumerate(order):
        out[unit] = r
    return out


def _spread(key: list[float], rank: list[int], new: list[int], active: _Passing) -> bool:
    """Give the units ``new`` distinct keys in their order, each inside its gap between
    the segments ``active``; False (nothing changed) when a gap is too narrow for floats."""
    gaps: dict[int, list[tuple[float, int, int]]] = {}
    keys = active.keys
    for n in new:
        k = (key[n], rank[n], n)
        i = active.gap_of(k[0], k[1])
        if i in gaps:
            gaps[i].append(k)
        else:
            gaps[i] = [k]
    plan = []
    for i, units in gaps.items():
        units.sort()
        lo = keys[i - 1] if i else units[0][0] - 1.0
        hi = keys[i] if i < len(keys) else max(units[-1][0], lo) + 1.0
        if not hi - lo > 1e-9 * (abs(lo) + abs(hi) + 1.0) * (len(units) + 1):
            return False
        step = (hi - lo) / (len(units) + 1)
        plan += [(n, lo + step * (j + 1)) for j, (_, _, n) in enumerate(units)]
    for n, k in plan:
        key[n] = k
    return True


def _renumber(key: list[float], rank: list[int], active: _Passing, by_rank: list[int] | None = None) -> None:
    """Keys 0, 1, 2... in the order they give, ties by rank (gaps between them grow back).
    ``by_rank``: the units in rank order, when the caller has them."""
    if by_rank is None:
        by_rank = sorted(range(len(rank)), key=rank.__getitem__)
    unit_of = [0] * len(rank)
    for i, unit in enumerate(sorted(by_rank, key=key.__getitem__)):  # (stable: ties stay by rank)
        key[unit] = float(i)
        unit_of[rank[unit]] = unit
    active.keys[:] = [key[unit_of[r]] for r in active.ranks]


def count_segment_crossings(lay: SegmentLayering, graph: _Graph | None = None) -> int:
    """Crossings between adjacent columns, as count_crossings would find them on the
    dummies: links between columns c and c+1 that end at a box or start or end a segment
    are counted against each other (an inversion count), and against the segments passing
    both columns (a segment crosses a link exactly when its rank lies between the link's
    ends: two bisections). Segments passing both never cross each other."""
    graph = graph or lay.links()
    rank = lay.rank.__getitem__
    span = (len(lay.rank) + 1) * graph.port_count
    inner: list[int] = []  # ranks of the segments passing both columns, sorted
    total = 0
    for c, (ups, downs, ports) in enumerate(graph.links):
        for s in graph.ends[c]:
            if lay.first[s] < c:
                del inner[bisect_left(inner, rank(s))]
        for s in graph.starts[c]:
            if lay.last[s] > c:
                insort(inner, rank(s))
        ups, downs = list(map(rank, ups)), list(map(rank, downs))
        if len(ups) > 1:  # sorted by upper end, then lower end and port: inversions are crossings
            lower = list(map(add, map(mul, downs, repeat(graph.port_count)), ports))
            keys = sorted(map(add, map(mul, ups, repeat(span)), lower))
            total += inversions(map(mod, keys, repeat(span)))
        if inner:
            total += sum(map(bisect_left, repeat(inner), map(max, ups, downs)))
            total -= sum(map(bisect_right, repeat(inner), map(min, ups, downs)))
    return total
