"""The layering's invariants on random graphs and the gallery, each against a plain
oracle: crossings counted pair by pair, isotonic regression checked by its optimality
conditions, columns checked against the edges."""
from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from studio.core import parse
from studio.ui.graph.layering import Dummy, build_layering, count_crossings, inversions
from studio.ui.graph.layout import _isotonic, layered_layout

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "studio" / "resources" / "examples").glob("*Dockerfile"))


def crossings_pair_by_pair(layers: list[list], links: list[tuple]) -> int:
    """Two links between the same columns cross when their ends are in opposite orders
    (a shared end crosses nothing, except two ports of one node entered out of order)."""
    where = {n: (c, i) for c, col in enumerate(layers) for i, n in enumerate(col)}
    total = 0
    for k, (u1, v1, d1) in enumerate(links):
        for u2, v2, d2 in links[k + 1:]:
            if where[u1][0] == where[u2][0]:
                upper = where[u1][1] - where[u2][1]
                lower = (where[v1][1], d1), (where[v2][1], d2)
                total += (upper < 0 and lower[0] > lower[1]) or (upper > 0 and lower[0] < lower[1])
    return total


graphs = st.integers(1, 14).flatmap(lambda n: st.tuples(
    st.just([f"n{i}" for i in range(n)]),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from([0.0, 0.0, 19.0, 38.0])),
             max_size=3 * n)))


@settings(max_examples=150, deadline=None)
@given(graphs)
def test_layering_respects_edges_and_counts_its_crossings_right(graph):
    nodes, raw = graph
    edges = [(nodes[u], nodes[v], dy) for u, v, dy in raw]
    lay = build_layering(nodes, edges)
    assert sorted(n for col in lay.layers for n in col if not isinstance(n, Dummy)) == sorted(nodes)
    for u, v, _ in lay.edges:  # every kept edge runs left to right
        assert lay.layer_of[u] < lay.layer_of[v]
    for u, v, _ in lay.links:  # and is cut into links between neighbouring columns
        assert lay.layer_of[v] == lay.layer_of[u] + 1
    for c, col in enumerate(lay.layers):
        assert all(lay.layer_of[n] == c for n in col)
    assert lay.crossings == count_crossings(lay.layers, lay.links) == crossings_pair_by_pair(lay.layers, lay.links)
    # the sweeps keep the best order seen, so never more crossings than no sweep at all
    assert lay.crossings <= build_layering(nodes, edges, sweeps=0).crossings


@settings(max_examples=60, deadline=None)
@given(graphs)
def test_layout_has_no_overlaps_and_flows_left_to_right(graph):
    nodes, raw = graph
    edges = [(nodes[u], nodes[v], dy) for u, v, dy in raw]
    sizes = {n: (100.0 + 10 * (i % 3), 40.0 + 19 * (i % 4)) for i, n in enumerate(nodes)}
    pos = layered_layout(nodes, edges, sizes)
    boxes = [(pos[n][0], pos[n][1], *sizes[n]) for n in nodes]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3])
    lay = build_layering(nodes, edges)
    for u, v, _ in lay.edges:
        assert pos[u][0] + sizes[u][0] < pos[v][0]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-100, 100), st.floats(0.01, 5)), min_size=1, max_size=12))
def test_isotonic_regression_is_the_best_non_decreasing_fit(points):
    targets, weights = [t for t, _ in points], [w for _, w in points]
    fit = _isotonic(targets, weights)
    assert all(a <= b + 1e-9 for a, b in zip(fit, fit[1:]))
    # optimal: every block of equal values sits at its weighted mean, and no block can
    # be split with its left part lower (the conditions that make the fit the closest)
    k = 0
    while k < len(fit):
        j = k
        while j + 1 < len(fit) and abs(fit[j + 1] - fit[k]) <= 1e-9:
            j += 1
        mean = sum(t * w for t, w in zip(targets[k:j + 1], weights[k:j + 1])) / sum(weights[k:j + 1])
        assert abs(fit[k] - mean) <= 1e-6 * max(1.0, abs(mean))
        for cut in range(k, j):
            left = sum(t * w for t, w in zip(targets[k:cut + 1], weights[k:cut + 1])) / sum(weights[k:cut + 1])
            assert left >= mean - 1e-6 * max(1.0, abs(mean))
        k = j + 1


@given(st.lists(st.integers(0, 20), max_size=40))
def test_inversions_are_counted_as_pairs(values):
    assert inversions(values) == sum(a > b for i, a in enumerate(values) for b in values[i + 1:])


def test_gallery_examples_lay_out_with_crossings_counted_right():
    assert EXAMPLES
    for path in EXAMPLES:
        graph = parse(path.read_text()).graph()
        nodes = [f"s{s.index}" for s in graph.stages] + [f"img:{r}" for r in graph.external_images]
        edges = [(f"s{e.source}" if isinstance(e.source, int) else f"img:{e.source}", f"s{e.target}")
                 for e in graph.edges]
        lay = build_layering(nodes, edges)
        assert lay.crossings == crossings_pair_by_pair(lay.layers, lay.links), path.name
        assert lay.crossings <= build_layering(nodes, edges, sweeps=0).crossings, path.name
