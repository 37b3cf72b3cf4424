"""Columns for the layered layout, and an order inside each column with few crossings.
Pure Python, no Qt.

Why its own module, with integer ids: a long edge gets a dummy node in every column it
crosses, and in a big file the dummies far outnumber the boxes (the 800-stage benchmark
file has 3,200 boxes and edges but 48,000 dummies). Every pass over the columns is
therefore a pass over the dummies; here each is a few list operations on small integers
(no hashing of node ids, no per-pass dictionaries), and the crossings between two columns
are counted by bisecting a sorted list (an inversion count, O(E log E) in C-level steps).
The order is exactly the one the plain dictionary version gave: barycenters computed in
the same order of float additions, ties kept in the column's order (a stable sort).
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import add, mod, mul

from studio.core.depth_first import depth_first_edges

NodeId = Hashable


class Dummy(tuple):
    """A point where a long edge crosses a column: (edge number, layer). A tuple
    subclass so hashing stays in C (there are thousands of these in big files)."""

    def __new__(cls, edge: int, layer: int) -> Dummy:
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


def split_edge(edge: tuple) -> tuple[NodeId, NodeId, float]:
    """(u, v) or (u, v, dy): dy is where the edge enters v, relative to v's anchor."""
    return (edge[0], edge[1], float(edge[2])) if len(edge) > 2 else (edge[0], edge[1], 0.0)


def clean_edges(nodes: Sequence[NodeId], edges: Iterable[tuple]) -> list[tuple[NodeId, NodeId, float]]:
    """Drop self-loops, duplicates, unknown ends and edges that would close a cycle."""
    known = set(nodes)
    succ: dict[NodeId, list[NodeId]] = {n: [] for n in nodes}
    seen: dict[tuple[NodeId, NodeId], float] = {}
    for u, v, dy in map(split_edge, edges):
        if u != v and u in known and v in known and (u, v) not in seen:
            seen[(u, v)] = dy
            succ[u].append(v)
    # depth first in input order; a back edge (one that closes a cycle) is left out
    kept = {(u, v) for u, v, cycle in depth_first_edges(nodes, succ.__getitem__) if cycle is None}
    return [(u, v, dy) for (u, v), dy in seen.items() if (u, v) in kept]


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


def inversions(values: Iterable) -> int:
    """Pairs i < j with values[i] > values[j]. Bisecting into a sorted list: the Python
    loop is one step per value, the searching and shifting are C."""
    done: list = []
    count = 0
    insert = done.insert
    for value in values:
        k = bisect_right(done, value)
        count += len(done) - k
        insert(k, value)
    return count


class _Pairs:
    """The links between two adjacent columns, as integer ids, ready to count crossings:
    ``ends`` holds each link's port rank at its lower end (links into one node at
    different ports cross unless they arrive in port order)."""

    def __init__(self, ups: list[int], downs: list[int], ports: list[int], n_ports: int) -> None:
        self.ups, self.downs, self.ports, self.n_ports = ups, downs, ports, n_ports

    def crossings(self, pos: dict[int, int], column_size: int) -> int:
        if len(self.ups) < 2:
            return 0
        width = self.n_ports
        span = column_size * width + width
        # sorted by upper position, then lower end: an inversion of lower ends is a crossing
        at = pos.__getitem__
        keys = sorted(map(add, map(add, map(mul, map(at, self.ups), repeat(span)),
                                   map(mul, map(at, self.downs), repeat(width))), self.ports))
        return inversions(map(mod, keys, repeat(span)))


def _pairs_between(links: list[tuple[int, int, float]], layer_count: int, column_of: list[int]) -> list[_Pairs]:
    ports = sorted({dy for _, _, dy in links})
    rank = {dy: i for i, dy in enumerate(ports)}
    grouped: list[tuple[list[int], list[int], list[int]]] = [([], [], []) for _ in range(max(0, layer_count - 1))]
    for u, v, dy in links:
        ups, downs, ranks = grouped[column_of[u]]
        ups.append(u)
        downs.append(v)
        ranks.append(rank[dy])
    return [_Pairs(*g, max(1, len(ports))) for g in grouped]


def count_crossings(layers: list[list[NodeId]], links: list[tuple]) -> int:
    """Edge crossings between adjacent columns (links join adjacent columns)."""
    ids = {n: i for i, n in enumerate(n for col in layers for n in col)}
    column_of = [i for i, col in enumerate(layers) for _ in col]
    pos = {ids[n]: i for col in layers for i, n in enumerate(col)}
    ints = [(ids[u], ids[v], dy) for u, v, dy in map(split_edge, links)]
    pairs = _pairs_between(ints, len(layers), column_of)
    return sum(p.crossings(pos, len(layers[i + 1])) for i, p in enumerate(pairs))


def build_layering(nodes: Sequence[NodeId], edges: Sequence[tuple], sweeps: int = 6) -> Layering:
    """Columns and an order inside each column with few crossings: barycentric sweeps,
    alternately down and up, keeping the order with the fewest crossings seen."""
    nodes = list(dict.fromkeys(nodes))
    clean = clean_edges(nodes, edges)
    layer_of = assign_layers(nodes, clean)
    # ids: the nodes in input order, then each edge's dummies in edge order
    name: list[NodeId] = list(nodes)
    column_of = [layer_of[n] for n in nodes]
    index = {n: i for i, n in enumerate(nodes)}
    links: list[tuple[int, int, float]] = []
    for e, (u, v, dy) in enumerate(clean):
        prev = index[u]
        for lay in range(layer_of[u] + 1, layer_of[v]):
            dummy = Dummy(e, lay)
            layer_of[dummy] = lay
            name.append(dummy)
            column_of.append(lay)
            links.append((prev, len(name) - 1, 0.0))
            prev = len(name) - 1
        links.append((prev, index[v], dy))
    depth = max(column_of, default=-1) + 1
    layers: list[list[int]] = [[] for _ in range(depth)]
    for i, lay in enumerate(column_of):
        layers[lay].append(i)
    order = _reduce_crossings(layers, links, column_of, sweeps)
    return Layering([[name[i] for i in col] for col in order.layers], layer_of,
                    [(name[u], name[v], dy) for u, v, dy in links], order.crossings, clean)


@dataclass
class _Order:
    layers: list[list[int]]
    crossings: int


def _reduce_crossings(layers: list[list[int]], links: list[tuple[int, int, float]], column_of: list[int],
                      sweeps: int) -> _Order:
    count = len(column_of)
    preds: list[list[int]] = [[] for _ in range(count)]
    succs: list[list[int]] = [[] for _ in range(count)]
    lower_port: list[list[float]] = [[] for _ in range(count)]  # a link's port, as a fraction
    for u, v, dy in links:
        preds[v].append(u)
        succs[u].append(v)
        lower_port[u].append(min(abs(dy), 900.0) / 1000.0)  # lower ports sort later
    # Most nodes (every dummy) have one neighbour on each side: their barycenter is that
    # neighbour's place, looked up in C; the others are worked out one by one.
    first_pred = [ref[0] if len(ref) == 1 else n for n, ref in enumerate(preds)]
    first_succ = [ref[0] if len(ref) == 1 else n for n, ref in enumerate(succs)]
    first_port = [ports[0] if len(ports) == 1 else 0.0 for ports in lower_port]
    odd_down = [[n for n in col if len(preds[n]) != 1] for col in layers]
    odd_up = [[n for n in col if len(succs[n]) != 1] for col in layers]
    pairs = _pairs_between(links, len(layers), column_of)
    pos: dict[int, int] = {}  # each node's place in its column
    for col in layers:
        pos.update(zip(col, range(len(col))))
    counted: list[tuple[list[int], list[int], int] | None] = [None] * len(pairs)

    def crossings() -> int:
        total = 0
        for i, p in enumerate(pairs):
            last = counted[i]
            if last is None or last[0] != layers[i] or last[1] != layers[i + 1]:
                last = counted[i] = (layers[i], layers[i + 1], p.crossings(pos, len(layers[i + 1])))
            total += last[2]
        return total

    best, best_cross = [list(col) for col in layers], crossings()
    at = pos.__getitem__
    for sweep in range(sweeps):
        if best_cross == 0:
            break
        down = sweep % 2 == 0
        for li in (range(1, len(layers)) if down else range(len(layers) - 2, -1, -1)):
            col = layers[li]
            if down:
                keys: list[float] = list(map(at, map(first_pred.__getitem__, col)))
                for n in odd_down[li]:
                    keys[pos[n]] = _mean_down(preds[n], pos, pos[n])
            else:
                keys = list(map(add, map(at, map(first_succ.__getitem__, col)), map(first_port.__getitem__, col)))
                for n in odd_up[li]:
                    keys[pos[n]] = _mean_up(succs[n], lower_port[n], pos, pos[n])
            col = list(map(col.__getitem__, sorted(range(len(col)), key=keys.__getitem__)))  # stable: ties keep order
            layers[li] = col
            pos.update(zip(col, range(len(col))))
        cross = crossings()
        if cross < best_cross:
            best, best_cross = [list(col) for col in layers], cross
    return _Order(best, best_cross)


def _mean_down(ref: list[int], pos: dict[int, int], here: int) -> float:
    """A node's barycenter over its predecessors (its own place when it has none)."""
    if not ref:
        return float(here)
    return sum(pos[m] + 0.0 for m in ref) / len(ref)


def _mean_up(ref: list[int], ports: list[float], pos: dict[int, int], here: int) -> float:
    """A node's barycenter over its successors, each nudged by the port it enters at."""
    if not ref:
        return float(here)
    return sum(pos[m] + p for m, p in zip(ref, ports)) / len(ref)
