"""Vertical placement on the segment layering, without a step per dummy. Pure Python, no Qt.

Why: the classic placement (layout.py) moves every dummy in every sweep. Here a column
is a list of *items*: its boxes, and between them the *runs* of long edges passing
through (Eiglsperger et al.'s containers). A run's edges stay packed at the dummy gap,
so a run is one item with one y, and a column changes its runs only where a box stands
or an edge starts or ends: O(boxes + edges) items in all. Everything else is the classic
placement: every item aims at its neighbours' ports (a run at the mean over its edges,
each halfway between where it is in the columns either side), and alternate sweeps over
the columns make each column ordered and separated by isotonic regression.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field
from itertools import accumulate, islice
from operator import gt

from studio.ui.graph.segments import SegmentLayering, unit_neighbours

Term = tuple[int, int, float]  # (item, count, constant): count * y[item] + constant


@dataclass
class Column:
    """One column: its items top to bottom, and the segments passing it, cut into runs."""

    items: list[int]  # item ids, top to bottom
    ranks: list[int]  # the segments passing, by rank
    run_starts: list[int] = field(default_factory=list)  # each run's first index into ranks
    run_items: list[int] = field(default_factory=list)


class Items:
    """Boxes (item i is box i) and runs, with their sizes, their column and their aims."""

    def __init__(self, lay: SegmentLayering, heights: list[float], anchors: list[float],
                 node_gap: float, dummy_gap: float) -> None:
        self.gap = dummy_gap
        boxes = len(lay.nodes)
        self.height, self.anchor = list(heights), list(anchors)
        self.space = [node_gap] * boxes
        self.count = [0] * boxes  # a run's number of edges
        self.seg_of_rank = [0] * len(lay.rank)
        for s in range(boxes, len(lay.rank)):
            self.seg_of_rank[lay.rank[s]] = s
        self.columns = self._columns(lay)
        self.terms, self.weight = self._aims(lay)

    def _add(self, column: Column, start: int, end: int) -> None:
        item = len(self.height)
        k = end - start
        self.height.append((k - 1) * self.gap)
        self.anchor.append(0.0)
        self.space.append(self.gap)
        self.count.append(k)
        column.items.append(item)
        column.run_starts.append(start)
        column.run_items.append(item)

    def _columns(self, lay: SegmentLayering) -> list[Column]:
        boxes = len(lay.nodes)
        box_cols: list[list[int]] = [[] for _ in range(lay.depth)]
        starts: list[list[int]] = [[] for _ in range(lay.depth)]
        ends: list[list[int]] = [[] for _ in range(lay.depth)]
        for i in range(boxes):
            box_cols[lay.first[i]].append(i)
        for s in range(boxes, len(lay.rank)):
            starts[lay.first[s]].append(lay.rank[s])
            ends[lay.last[s]].append(lay.rank[s])
        active: list[int] = []
        columns = []
        for c in range(lay.depth):
            for r in ends[c - 1] if c else ():
                del active[bisect_left(active, r)]
            for r in starts[c]:
                insort(active, r)
            column = Column([], list(active))
            at = 0
            for x in sorted(box_cols[c], key=lay.rank.__getitem__):
                i = bisect_left(active, lay.rank[x])
                if i > at:
                    self._add(column, at, i)
                column.items.append(x)
                at = i
            if at < len(active):
                self._add(column, at, len(active))
            columns.append(column)
        return columns

    def where(self, c: int, r: int) -> tuple[int, int]:
        """The run holding the segment of rank r in column c, and the segment's place in it."""
        column = self.columns[c]
        i = bisect_left(column.ranks, r)
        j = bisect_right(column.run_starts, i) - 1
        return column.run_items[j], i - column.run_starts[j]

    def _run_end(self, column: Column, k: int) -> int:
        return column.run_starts[k + 1] if k + 1 < len(column.run_starts) else len(column.ranks)

    def _aims(self, lay: SegmentLayering) -> tuple[list[list[Term]], list[float]]:
        """Per item, the terms whose sum over their total count is its aim (for a run: the
        aim of its first edge), and its weight (as the classic placement weighs boxes and
        dummies). A run's edges are each halfway between where they are in the columns
        either side; there they sit in a few runs, each one term, less the edges that are
        there but not here; an edge that starts or ends here counts its box instead."""
        boxes = len(lay.nodes)
        terms: list[list[Term]] = [[] for _ in self.height]
        weight = [0.01] * len(self.height)
        for x, ns in enumerate(unit_neighbours(lay, boxes)):
            c = lay.first[x]
            for m, dy in ns:
                if m < boxes:
                    terms[x].append((m, 1, dy))
                else:  # a long edge: where it is in the column next to the box
                    item, j = self.where(c + 1 if lay.first[m] > c else c - 1, lay.rank[m])
                    terms[x].append((item, 1, j * self.gap + dy))
            weight[x] += len(ns)
        index = {n: i for i, n in enumerate(lay.nodes)}
        firsts: list[list[int]] = [[] for _ in range(lay.depth + 1)]
        lasts: list[list[int]] = [[] for _ in range(lay.depth + 1)]
        for s in range(boxes, len(lay.rank)):
            firsts[lay.first[s]].append(s)
            lasts[lay.last[s]].append(s)
        for c, column in enumerate(self.columns):
            for start, item in zip(column.run_starts, column.run_items):
                n = self.count[item]
                weight[item] += 4.0 * n
                ranks = column.ranks
                for side in (c - 1, c + 1):
                    if 0 <= side < lay.depth:
                        self._overlap_terms(side, ranks[start], ranks[start + n - 1], terms[item])
                terms[item].append((item, 0, -self.gap * n * (n - 1)))  # twice the edges' offsets
            for s in firsts[c]:  # no column left of here: the box it leaves
                item, _ = self.where(c, lay.rank[s])
                terms[item].append((index[lay.edges[lay.seg_edge[s - boxes]][0]], 1, 0.0))
            for s in lasts[c]:  # no column right of here: the box it enters, at its port
                _, v, dy = lay.edges[lay.seg_edge[s - boxes]]
                item, _ = self.where(c, lay.rank[s])
                terms[item].append((index[v], 1, dy))
            # edges beside a run that are not in it: they ended left or start right of here
            for side, gone in ((c - 1, lasts[c - 1] if c else ()), (c + 1, firsts[c + 1])):
                for s in gone:
                    item = self._run_around(column, lay.rank[s])
                    if item is not None:
                        there, j = self.where(side, lay.rank[s])
                        terms[item].append((there, -1, -j * self.gap))
        return terms, weight

    def _run_around(self, column: Column, r: int) -> int | None:
        """The run whose edges' ranks lie both sides of rank r, if any."""
        i = bisect_left(column.ranks, r)
        if i == 0 or i == len(column.ranks):
            return None
        k = bisect_right(column.run_starts, i) - 1
        return column.run_items[k] if column.run_starts[k] < i else None

    def _overlap_terms(self, side: int, low: int, high: int, acc: list[Term]) -> None:
        """One term per run of column ``side`` for its edges ranked low..high."""
        column = self.columns[side]
        i0, i1 = bisect_left(column.ranks, low), bisect_right(column.ranks, high)
        k = max(0, bisect_right(column.run_starts, i0) - 1)
        starts = column.run_starts
        while k < len(starts) and starts[k] < i1:
            p, q = max(i0, starts[k]), min(i1, self._run_end(column, k))
            if q > p:  # edges p..q-1, each gap * (its place - starts[k]) below the run's first
                acc.append((column.run_items[k], q - p, self.gap * ((p + q - 1) * (q - p) / 2 - starts[k] * (q - p))))
            k += 1


def isotonic(targets: list[float], weights: list[float]) -> list[float]:
    """Pool-adjacent-violators: non-decreasing values closest (weighted) to targets.
    The run before the first violation stays as it is (found in C); pooling starts there,
    on a stack of blocks kept in three preallocated lists."""
    flags = list(map(gt, targets, islice(targets, 1, None)))
    if True not in flags:
        return list(targets)
    values, masses, counts = list(targets), list(weights), [1] * len(targets)
    top = flags.index(True)  # the last block on the stack
    for k in range(top + 1, len(targets)):
        v2, w2, c2 = targets[k], weights[k], 1
        while top >= 0 and values[top] > v2:
            w1 = masses[top]
            v2 = (values[top] * w1 + v2 * w2) / (w1 + w2)
            w2 += w1
            c2 += counts[top]
            top -= 1
        top += 1
        values[top], masses[top], counts[top] = v2, w2, c2
    out: list[float] = []
    for k in range(top + 1):
        out += [values[k]] * counts[k]
    return out


def place_items(items: Items, sweeps: int = 8) -> list[float]:
    """The anchor y of every item (a run: of its first edge), as the classic placement."""
    y = [0.0] * len(items.height)
    plan = []
    for column in items.columns:
        col = column.items
        offs = list(accumulate((items.height[p] - items.anchor[p] + max(items.space[p], items.space[q])
                                + items.anchor[q] for p, q in zip(col, col[1:])), initial=0.0))
        for item, off in zip(col, offs):
            y[item] = off
        weights = [items.weight[i] for i in col]
        divisors = [float(sum(n for _, n, _ in items.terms[i])) for i in col]
        plan.append((col, offs, weights, divisors))
    terms = items.terms
    for sweep in range(sweeps):
        for col, offs, weights, divisors in (plan if sweep % 2 == 0 else reversed(plan)):
            if not col:
                continue
            targets = []
            for i, off, div in zip(col, offs, divisors):
                if div:
                    targets.append(sum(n * y[m] + const for m, n, const in terms[i]) / div - off)
                else:
                    targets.append(y[i] - off)
            for i, fit, off in zip(col, isotonic(targets, weights), offs):
                y[i] = fit + off
    return y
