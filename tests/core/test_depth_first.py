"""The one depth-first search (studio.core.depth_first) that the stage graph's cycle check
and the graph view's layering share."""
from __future__ import annotations

from graphlib import TopologicalSorter

from hypothesis import given
from hypothesis import strategies as st

from studio.core.depth_first import depth_first_edges

graphs = st.integers(1, 8).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                                             max_size=20, unique=True)))


@given(graphs)
def test_every_edge_once_and_without_back_edges_no_cycle(graph):
    n, edges = graph
    succ = {i: [v for u, v in edges if u == i] for i in range(n)}
    met = list(depth_first_edges(range(n), succ.__getitem__))
    assert sorted((u, v) for u, v, _ in met) == sorted(edges)
    kept = [(u, v) for u, v, cycle in met if cycle is None]
    list(TopologicalSorter({v: [u for u, w in kept if w == v] for v in range(n)}).static_order())  # no CycleError
    for u, v, cycle in met:
        if cycle is not None:  # the path closes into a cycle through (u, v)
            assert cycle[0] == v and cycle[-1] == u
            assert all((a, b) in edges for a, b in zip(cycle, cycle[1:]))


def test_a_graph_with_a_cycle_reports_it_and_a_long_chain_needs_no_recursion():
    succ = {0: [1], 1: [2], 2: [0]}
    assert [c for *_, c in depth_first_edges(range(3), succ.__getitem__) if c] == [[0, 1, 2]]
    chain = {i: [i + 1] for i in range(20_000)} | {20_000: []}
    assert sum(1 for _ in depth_first_edges(range(20_001), chain.__getitem__)) == 20_000
