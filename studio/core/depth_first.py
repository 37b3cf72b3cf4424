"""One iterative depth-first search, for the stage graph's cycle check and the graph
view's layering: both need each edge classified as it is met, without recursion (a
chain of thousands of stages must not hit Python's recursion limit)."""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import TypeVar

N = TypeVar("N", bound=Hashable)
_END = object()


def depth_first_edges(roots: Iterable[N], successors: Callable[[N], Iterable[N]]
                      ) -> Iterator[tuple[N, N, list[N] | None]]:
    """Walk from each root in order (skipping nodes already seen) and yield every edge
    met as ``(node, successor, cycle)``. ``cycle`` is None, except for an edge back to a
    node still on the path (a back edge): then it is that path, from the successor to
    ``node``, which the edge closes into a cycle."""
    state: dict[N, int] = {}  # 1 on the path, 2 done
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(successors(root)))]
        while stack:
            node, it = stack[-1]
            nxt = next(it, _END)
            if nxt is _END:
                state[node] = 2
                stack.pop()
                continue
            if state.get(nxt) == 1:
                path = [n for n, _ in stack]
                yield node, nxt, path[path.index(nxt):]
                continue
            yield node, nxt, None
            if nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(successors(nxt))))
