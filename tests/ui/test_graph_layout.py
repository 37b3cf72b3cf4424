"""The layered layout: pure Python, deterministic, few crossings, stable for old boxes."""
from __future__ import annotations

import random

from graph_samples import BUILD_ESSENTIAL
from studio.core import parse
from studio.ui.graph.layering import assign_layers, build_layering, count_crossings
from studio.ui.graph.layout import layered_layout

SIZE = (200.0, 100.0)


def _graph_shape(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    graph = parse(text).graph()
    key = lambda src: f"s{src}" if isinstance(src, int) else f"img:{src}"  # noqa: E731
    nodes = [f"img:{i}" for i in graph.external_images] + [f"s{s.index}" for s in graph.stages]
    return nodes, [(key(e.source), key(e.target)) for e in graph.edges]


def _overlap(a, b) -> bool:
    return a[0] < b[0] + SIZE[0] and b[0] < a[0] + SIZE[0] and a[1] < b[1] + SIZE[1] and b[1] < a[1] + SIZE[1]


def test_build_essential_example_has_no_crossings_and_flows_left_to_right():
    nodes, edges = _graph_shape(BUILD_ESSENTIAL)
    lay = build_layering(nodes, edges)
    assert lay.crossings == 0
    assert count_crossings(lay.layers, lay.links) == 0
    pos = layered_layout(nodes, edges, {n: SIZE for n in nodes})
    for u, v in edges:
        assert pos[u][0] < pos[v][0], (u, v)
    # foo and bar share a column; the final stage is right of both
    assert pos["s1"][0] == pos["s2"][0] < pos["s3"][0]


def test_crossing_reduction_untangles_a_swapped_pair():
    # a -> d and b -> c with c listed before d: a naive order crosses, the sweeps do not
    nodes = ["a", "b", "c", "d"]
    edges = [("a", "d"), ("b", "c")]
    lay = build_layering(nodes, edges)
    assert lay.crossings == 0
    assert count_crossings([["a", "b"], ["c", "d"]], [("a", "d", 0), ("b", "c", 0)]) == 1


def test_entry_ports_order_sources_of_one_target():
    # three producers feed one consumer at ports 0, 40 and 20 px below its anchor
    nodes = ["p", "q", "r", "t"]
    edges = [("p", "t", 0.0), ("q", "t", 40.0), ("r", "t", 20.0)]
    lay = build_layering(nodes, edges)
    assert lay.crossings == 0
    assert lay.layers[0] == ["p", "r", "q"]


def test_layering_is_longest_path_and_sources_sit_next_to_their_consumer():
    layers = assign_layers(["img", "a", "b", "c", "late"], [("img", "a"), ("a", "b"), ("b", "c"), ("late", "c")])
    assert layers == {"img": 0, "a": 1, "b": 2, "c": 3, "late": 2}


def test_layout_is_deterministic_and_has_no_overlaps():
    rnd = random.Random(3)
    nodes = [f"n{i}" for i in range(40)]
    edges = [(f"n{rnd.randrange(0, i)}", f"n{i}") for i in range(1, 40) for _ in range(rnd.randrange(1, 3))]
    sizes = {n: SIZE for n in nodes}
    first = layered_layout(nodes, edges, sizes)
    assert first == layered_layout(nodes, edges, sizes)
    items = list(first.values())
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            assert not _overlap(a, b)


def test_a_chain_comes_out_straight():
    nodes = ["a", "b", "c"]
    pos = layered_layout(nodes, [("a", "b"), ("b", "c")], {n: SIZE for n in nodes})
    assert pos["a"][1] == pos["b"][1] == pos["c"][1]


def test_fixed_nodes_keep_their_place_and_new_ones_do_not_overlap():
    nodes = ["a", "b", "c"]
    sizes = {n: SIZE for n in nodes + ["d", "e"]}
    fixed = layered_layout(nodes, [("a", "b"), ("a", "c")], sizes)
    fixed["b"] = (900.0, 700.0)  # the user dragged b somewhere else
    edges = [("a", "b"), ("a", "c"), ("b", "d"), ("a", "e")]
    pos = layered_layout(nodes + ["d", "e"], edges, sizes, fixed=fixed)
    for n in nodes:
        assert pos[n] == fixed[n]
    assert pos["d"][0] > fixed["b"][0]  # placed right of its producer
    for n in ("d", "e"):
        for m in pos:
            if m != n:
                assert not _overlap(pos[n], pos[m]), (n, m)


def test_cycles_and_unknown_ends_do_not_break_the_layout():
    nodes = ["a", "b", "c"]
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("a", "a"), ("a", "zzz")]
    pos = layered_layout(nodes, edges, {n: SIZE for n in nodes})
    assert set(pos) == set(nodes)
    assert len({p[0] for p in pos.values()}) == 3


def test_sixty_stage_file_lays_out_left_to_right():
    text = "".join(f"FROM alpine AS s{i}\nRUN true\n" + (f"COPY --from=s{i // 2} /a /a\n" if i else "")
                   for i in range(60))
    nodes, edges = _graph_shape(text)
    pos = layered_layout(nodes, edges, {n: SIZE for n in nodes})
    assert len(pos) == len(nodes) == 61
    for u, v in edges:
        assert pos[u][0] < pos[v][0]


def test_long_edges_get_routes_through_the_columns_they_cross():
    nodes = ["a", "b", "c", "d"]
    edges = [("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")]
    sizes = {n: SIZE for n in nodes}
    routes: dict = {}
    pos = layered_layout(nodes, edges, sizes, routes=routes)
    assert set(routes) == {("a", "d")}
    points = routes[("a", "d")]
    assert len(points) == 4  # a left and a right end in each of the two columns between
    xs = [x for x, _ in points]
    assert xs == sorted(xs) and xs[0] == pos["b"][0] and xs[-1] == pos["c"][0] + SIZE[0]
    for _x, y in points:  # the runs pass beside the boxes, never through them
        for n in ("b", "c"):
            assert not (pos[n][1] - 5 < y < pos[n][1] + SIZE[1] + 5)
    fixed_routes: dict = {}
    layered_layout(nodes, edges, sizes, fixed={"a": (0, 0)}, routes=fixed_routes)
    assert fixed_routes == {}  # only a full layout knows where the runs go
