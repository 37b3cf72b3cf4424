"""The segment layout (each long edge one unit, for big graphs) against plain oracles: its
crossings against a count on the dummies it stands for and a pair-by-pair count, and its
placement's aims (a run of long edges aiming where its edges are in the columns either
side) against one computed edge by edge, and its drawing checked for overlaps, direction,
routes beside the boxes, determinism and fixed boxes; small graphs keep the classic layout."""
from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from test_graph_layering import crossings_pair_by_pair

from studio.core import parse
from studio.ui.graph.layering import count_crossings
from studio.ui.graph.layout import SEGMENTS_FROM, LayoutOptions, _dummy_count, layered_layout
from studio.ui.graph.segment_placement import Items
from studio.ui.graph.segments import _Passing, _renumber, _spread, build_segment_layering, layer_edges

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "studio" / "resources" / "examples").glob("*Dockerfile"))
SEGMENTS = LayoutOptions(segments=True)

graphs = st.integers(1, 16).flatmap(lambda n: st.tuples(
    st.just([f"n{i}" for i in range(n)]),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from([0.0, 0.0, 19.0, 38.0])),
             max_size=3 * n)))


def _edges(graph):
    nodes, raw = graph
    return nodes, [(nodes[u], nodes[v], dy) for u, v, dy in raw]


@settings(max_examples=150, deadline=None)
@given(graphs, st.integers(0, 7))
def test_segment_crossings_are_the_dummies_crossings(graph, sweeps):
    nodes, edges = _edges(graph)
    lay = build_segment_layering(nodes, edges, sweeps)
    layers, links = lay.as_columns()
    assert lay.crossings == count_crossings(layers, links) == crossings_pair_by_pair(layers, links)
    assert lay.crossings <= build_segment_layering(nodes, edges, 0).crossings
    for u, v, _ in lay.edges:
        assert lay.layer_of[u] < lay.layer_of[v]


@settings(max_examples=150, deadline=None)
@given(graphs, st.integers(0, 3), st.randoms(use_true_random=False))
def test_run_aims_are_the_mean_of_their_edges_aims(graph, sweeps, rnd):
    nodes, edges = _edges(graph)
    lay = build_segment_layering(nodes, edges, sweeps)
    boxes = len(lay.nodes)
    items = Items(lay, [40.0] * boxes, [20.0] * boxes, 28.0, 10.0)
    y = [rnd.uniform(-500, 500) for _ in items.height]
    index = {n: i for i, n in enumerate(lay.nodes)}

    def edge_y(s, c):  # where long edge s is in column c: its run's y and its place in the run
        item, j = items.where(c, lay.rank[s])
        return y[item] + j * 10.0

    seen = 0
    for c, column in enumerate(items.columns):
        for start, item in zip(column.run_starts, column.run_items):
            aims = []
            for j, r in enumerate(column.ranks[start:start + items.count[item]]):
                s = items.seg_of_rank[r]
                u, v, dy = lay.edges[lay.seg_edge[s - boxes]]
                left = edge_y(s, c - 1) if lay.first[s] < c else y[index[u]]
                right = edge_y(s, c + 1) if lay.last[s] > c else y[index[v]] + dy
                aims.append((left + right) / 2 - j * 10.0)
            terms = items.terms[item]
            got = sum(n * y[m] + const for m, n, const in terms) / sum(n for _, n, _ in terms)
            assert abs(got - sum(aims) / len(aims)) < 1e-6
            seen += items.count[item]
    assert seen == sum(lay.last[s] - lay.first[s] + 1 for s in range(boxes, len(lay.rank)))


def _check_drawing(nodes, edges, sizes, options=SEGMENTS):
    routes: dict = {}
    pos = layered_layout(nodes, edges, sizes, options=options, routes=routes)
    assert pos == layered_layout(nodes, edges, sizes, options=options, routes={})  # deterministic
    boxes = [(pos[n][0], pos[n][1], *sizes[n]) for n in nodes]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3])
    lay = build_segment_layering(nodes, edges, options.sweeps)
    for u, v, _ in lay.edges:
        assert pos[u][0] + sizes[u][0] < pos[v][0]
    for (u, v), points in routes.items():
        xs = [x for x, _ in points]
        assert xs == sorted(xs) and pos[u][0] + sizes[u][0] < xs[0] and xs[-1] < pos[v][0]
        for x, y in points:  # in the gap between a column's boxes, never through one
            for n in nodes:
                if pos[n][0] <= x <= pos[n][0] + sizes[n][0] + 0.05:
                    assert not pos[n][1] - 5 < y < pos[n][1] + sizes[n][1] + 5, ((u, v), n)
    return pos, routes


@settings(max_examples=100, deadline=None)
@given(graphs)
def test_segment_layout_has_no_overlaps_flows_right_and_routes_beside_boxes(graph):
    nodes, edges = _edges(graph)
    sizes = {n: (100.0 + 10 * (i % 3), 40.0 + 19 * (i % 4)) for i, n in enumerate(nodes)}
    _check_drawing(nodes, edges, sizes)


def test_a_big_random_graph_lays_out_with_segments():
    rnd = random.Random(5)
    nodes = [f"n{i}" for i in range(80)]
    edges = [(f"n{i - 1}", f"n{i}") for i in range(1, 80)]  # a chain, then edges from far back
    edges += [(f"n{rnd.randrange(0, i)}", f"n{i}", rnd.choice([0.0, 19.0])) for i in range(1, 80) for _ in range(2)]
    sizes = {n: (120.0 + 7 * (i % 5), 40.0 + 13 * (i % 6)) for i, n in enumerate(nodes)}
    assert _dummy_count(layer_edges(nodes, edges)) > SEGMENTS_FROM  # the default picks the segments here
    pos, routes = _check_drawing(nodes, edges, sizes)
    assert pos == layered_layout(nodes, edges, sizes)
    assert routes


def test_segments_keep_fixed_boxes_where_they_are():
    nodes = ["a", "b", "c"]
    sizes = {n: (200.0, 100.0) for n in nodes + ["d", "e"]}
    fixed = layered_layout(nodes, [("a", "b"), ("a", "c")], sizes, options=SEGMENTS)
    fixed["b"] = (900.0, 700.0)
    pos = layered_layout(nodes + ["d", "e"], [("a", "b"), ("a", "c"), ("b", "d"), ("a", "e")], sizes,
                         fixed=fixed, options=SEGMENTS)
    assert all(pos[n] == fixed[n] for n in nodes)
    assert pos["d"][0] > fixed["b"][0]


def test_gallery_examples_keep_the_classic_layout_and_lay_out_with_segments_too():
    assert EXAMPLES
    for path in EXAMPLES:
        graph = parse(path.read_text()).graph()
        nodes = [f"s{s.index}" for s in graph.stages] + [f"img:{r}" for r in graph.external_images]
        edges = [(f"s{e.source}" if isinstance(e.source, int) else f"img:{e.source}", f"s{e.target}", 19.0 * k)
                 for k, e in enumerate(graph.edges)]
        sizes = {n: (180.0, 60.0 + 10 * (i % 3)) for i, n in enumerate(nodes)}
        assert _dummy_count(layer_edges(nodes, edges)) <= SEGMENTS_FROM, path.name
        assert layered_layout(nodes, edges, sizes) == layered_layout(nodes, edges, sizes,
                                                                     options=LayoutOptions(segments=False))
        _check_drawing(nodes, edges, sizes)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=12, unique=True), st.integers(1, 6),
       st.integers(0, 30))
def test_new_units_get_distinct_keys_in_their_gap_even_when_floats_run_out(passing, new_count, squeeze):
    # segments passing with keys `passing`; new units wedged between the first two, whose
    # gap is squeezed until floats cannot split it: then keys are renumbered, order kept
    passing = sorted(passing)
    passing[1] = passing[0] + (passing[1] - passing[0]) * 2.0 ** -(2 * squeeze)
    units = len(passing) + new_count
    key = passing + [passing[0]] * new_count  # each new unit tied with the first segment ...
    rank = [0] + [new_count + i for i in range(1, len(passing))] + list(range(1, new_count + 1))  # ... after it
    active = _Passing()
    for s in range(len(passing)):
        active.add(key[s], rank[s])
    new = list(range(len(passing), units))
    before = sorted(range(units), key=lambda u: (key[u], rank[u]))
    if not _spread(key, rank, new, active):
        assert key[len(passing):] == [passing[0]] * new_count  # nothing changed
        _renumber(key, rank, active)
        assert sorted(range(units), key=lambda u: (key[u], rank[u])) == before
        assert list(zip(active.keys, active.ranks)) == sorted((key[s], rank[s]) for s in range(len(passing)))
        assert _spread(key, rank, new, active)
    assert active.keys[0] < key[new[0]] and key[new[-1]] < active.keys[1]
    assert all(a < b for a, b in zip(key[len(passing):], key[len(passing) + 1:]))
