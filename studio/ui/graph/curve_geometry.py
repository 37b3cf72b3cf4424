"""An edge's curve as plain numbers: the cubic pieces through its points, the arrow head,
the label's box and the area all of it covers.

Why no Qt here: the window's EdgeItem and the Qt-free SVG export draw the same curves
from these, so a picture's edges are the window's.
"""
from __future__ import annotations

import math

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate, compress, islice, repeat
from operator import itemgetter, le, sub

ARROW = 9.0  # the arrow head's length (and width)
LABEL_H = 16.0
SIBLING_STEP = 17.0  # how far each further label between the same two boxes sits below

Point = tuple[float, float]
_X, _Y = itemgetter(0), itemgetter(1)


class Columns:
    """The layered layout's columns, by x: where each begins and ends (a route runs
    straight through each column it crosses and bends only between columns)."""

    __slots__ = ("_narrow", "lefts", "rights", "texts")

    def __init__(self, lefts: list[float], rights: list[float]) -> None:
        self.lefts, self.rights = lefts, rights
        self.texts = None  # what a writer works out once per column (svg_writer.py)
        self._narrow: list[int] | None = None

    def wide(self, first: int, last: int) -> bool:
        """Whether a route through columns first..last has only pieces longer than any
        curve's reach (in each column and from each to the next): their controls then
        lie between their ends, inside the box of the route's points."""
        if self._narrow is None:  # how many narrow pieces come before each column's
            steps = [r - lft for lft, r in zip(self.lefts, self.rights)]
            gaps = list(map(sub, islice(self.lefts, 1, None), self.rights)) + [math.inf]
            self._narrow = list(accumulate((int(not s > 2 * 40.0) + int(not g > 2 * 40.0) for s, g in zip(steps, gaps)),
                                           initial=0))
        # (the step from the last column to the next is not the route's: counted apart)
        last_gap = self.lefts[last + 1] - self.rights[last] if last + 1 < len(self.lefts) else math.inf
        return self._narrow[last + 1] - self._narrow[first] - int(not last_gap > 2 * 40.0) == 0


class Route(Sequence):
    """A long edge's waypoints from the layered layout: a sequence of points like any
    route (a list of them), whose shape is known: through columns ``first``,
    ``first + 1``... at ``ys[i]`` in the i-th, entering each at its left and leaving at
    its right (``columns``). The points are made only when asked for as a whole: a writer
    works the curve's pieces out per column instead (a big graph's routes have 100,000
    points)."""

    __slots__ = ("_points", "columns", "first", "ys")

    def __init__(self, first: int, ys: list[float], columns: Columns) -> None:
        self.first, self.ys, self.columns = first, ys, columns
        self._points: list[Point] | None = None

    def points(self) -> list[Point]:
        """The waypoints: each column's left and right end, at its y."""
        if self._points is None:
            lefts, rights, first = self.columns.lefts, self.columns.rights, self.first
            self._points = [p for c, y in enumerate(self.ys, first) for p in ((lefts[c], y), (rights[c], y))]
        return self._points

    def __len__(self) -> int:
        return 2 * len(self.ys)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self.points()[i]
        n = len(self)
        if not -n <= i < n:
            raise IndexError("route index out of range")
        i %= n
        c = self.first + i // 2
        return (self.columns.rights[c] if i % 2 else self.columns.lefts[c]), self.ys[i // 2]

    def __iter__(self):
        return iter(self.points())

    def __eq__(self, other) -> bool:
        if isinstance(other, (Route, list, tuple)):
            return self.points() == list(other)
        return NotImplemented

    __hash__ = None  # (compared by value, as a list is)

    def __repr__(self) -> str:
        return f"Route({self.points()!r})"


def controls(points: list[Point], count: int = 0) -> list[tuple]:
    """Each piece's start, control xs and end (the controls share the y of their end):
    level tangents at every point, pulled out by half the run (more when the consumer
    lies left of the producer: the curve loops out and back). ``count``: how many points
    the whole curve has, when ``points`` is only its tail."""
    short, far = reach(count or len(points))
    out: list[tuple] = []
    add = out.append
    ax, ay = points[0]
    for bx, by in islice(points, 1, None):  # (a big graph's routes have 100,000 pieces: no calls)
        run = bx - ax
        dx = run * 0.5 if run > far else pull(ax, bx, short)
        add((ax, ay, ax + dx, bx - dx, bx, by))
        ax, ay = bx, by
    return out


def pull(ax: float, bx: float, short: float) -> float:
    """How far a piece's controls lie from its ends: half the run, at least ``short``,
    and at least 80 where the consumer is not well right of the producer."""
    dx = max(short, abs(bx - ax) * 0.5)
    return max(dx, 80.0) if bx < ax + 20 else dx


def reach(count: int) -> tuple[float, float]:
    """(short, far) for a curve of ``count`` points: a piece whose run is more than far
    has its controls at the middle of its run; the others are pulled out (``pull``)."""
    short = 40.0 if count == 2 else 20.0
    return short, 2 * short


def curve_box(points: list[Point]) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) around a curve's points and control points, without
    making its pieces (a big graph's edges have 100,000): a piece whose run is more than
    far has both controls at the middle of its run, inside the points' box, so only the
    other pieces' controls are worked out."""
    xs = list(map(_X, points))
    ys = list(map(_Y, points))
    left, right = min(xs), max(xs)
    short, far = reach(len(points))
    if min(map(sub, islice(xs, 1, None), xs)) <= far:
        ax = xs[0]
        for bx in islice(xs, 1, None):
            if not bx - ax > far:
                dx = pull(ax, bx, short)
                left, right = min(left, ax + dx, bx - dx), max(right, ax + dx, bx - dx)
            ax = bx
    return left, min(ys), right, max(ys)


def arrow_points(end: Point) -> list[Point]:
    """The arrow head's triangle, its tip at the curve's ``end`` (edges run rightwards)."""
    x1, y1 = end
    return [(x1, y1), (x1 - ARROW, y1 - ARROW / 2), (x1 - ARROW, y1 + ARROW / 2)]


def label_box(points: list[Point], width: float, sibling: int, count: int = 0) -> tuple[float, float, float, float]:
    """The label's box (x, y, width, height): centred on the last piece's midpoint, near
    the consumer where a reader looks for it. Edges between the same two boxes run close
    together: the ``sibling``-th one's label sits lower, so they stack instead of covering
    each other (the first stays on its curve). ``count``: how many points the whole curve
    has, when ``points`` is only its tail."""
    count = count or len(points)
    ax, ay, c0x, c1x, bx, by = controls(points[-2:] if len(points) > 2 else points, count)[-1]
    mid_x, mid_y = (ax + c0x * 3 + c1x * 3 + bx) / 8, (ay + ay * 3 + by * 3 + by) / 8
    return mid_x - width / 2, mid_y - LABEL_H / 2 + SIBLING_STEP * sibling, width, LABEL_H


def curve_bounds(points: list[Point],
                 label: tuple[float, float, float, float] | None) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) around the control points, the arrow head and the label,
    a margin wider (what the window's item reports as its bounds)."""
    return _around_ends(curve_box(points), [(points, label)])


def _around_ends(box: tuple[float, float, float, float], curves: Sequence[tuple]) -> tuple[float, float, float, float]:
    """``box`` grown to hold each curve's arrow head (at its last point) and its label,
    then a margin wider."""
    left, top, right, bottom = box
    for points, label, *_ in curves:
        x1, y1 = points[-1]
        left, top, bottom = min(left, x1 - ARROW), min(top, y1 - ARROW / 2), max(bottom, y1 + ARROW / 2)
        if label:
            lx, ly, lw, lh = label
            left, top, right, bottom = min(left, lx), min(top, ly), max(right, lx + lw), max(bottom, ly + lh)
    return left - 6, top - 6, right + 6, bottom + 6


def curve_outline(start: Point, route: list[Point], end: Point) -> tuple[list[Point], list[float]]:
    """The curve from ``start`` through ``route`` to ``end`` as curves_bounds takes it:
    its points, or for a layout's Route through wide columns only its first and last
    points and the ys of the rest, which lie between them and draw no piece whose
    controls leave their box (Columns.wide); and the ys to add."""
    if isinstance(route, Route) and route and route.columns.wide(route.first, route.first + len(route.ys) - 1):
        return [start, route[0], route[-1], end], route.ys
    return [start, *route, end], []


def curves_bounds(curves: Sequence[tuple], ) -> tuple[float, float, float, float] | None:
    """The union of ``curve_bounds`` over ``curves`` (each its points, its label's box
    and, optionally, more ys its points reach: a Route's outline), None for none, in a
    few passes over all their points at once: a big graph's edges have 100,000 points
    and a pass per edge cost 20 ms; here only the pieces whose run is short enough for
    their controls to leave the points' box are looked at."""
    if not curves:
        return None
    xs, ys = [], []
    for points, _, *more in curves:
        xs += map(_X, points)
        ys += map(_Y, points)
        if more:
            ys += more[0]
    left, top, right, bottom = min(xs), min(ys), max(xs), max(ys)
    ends = list(accumulate(len(curve[0]) for curve in curves))  # each curve's points end here
    # j: a piece ending at point j whose run is at most the largest far (or the step from
    # one curve to the next, which is no piece and is skipped)
    for j in compress(range(1, len(xs)), map(le, map(sub, islice(xs, 1, None), xs), repeat(2 * 40.0))):
        k = bisect_right(ends, j - 1)
        if j == ends[k]:
            continue
        short, far = reach(ends[k] - (ends[k - 1] if k else 0))
        ax, bx = xs[j - 1], xs[j]
        if not bx - ax > far:
            dx = pull(ax, bx, short)
            left, right = min(left, ax + dx, bx - dx), max(right, ax + dx, bx - dx)
    return _around_ends((left, top, right, bottom), curves)
