"""Wasted bytes and efficiency, computed exactly as dive 0.13 computes them.

People compare images by dive's two numbers, so ours must be equal to dive's, quirks
included (facts read from dive v0.13.1, ``dive/filetree/efficiency.go``, ``file_tree.go``,
``file_node.go``, ``dive/image/image.go``):
- each layer is a tree of its tar's paths; a path component starting ``.wh..wh..`` (the
  opaque marker) is never added, and an intermediate directory the tar does not list
  gets empty data (size 0, not a directory);
- per layer, every leaf (a node without children, directories included) is visited
  children-first in name order; a whiteout leaf counts under the path it deletes;
- a file's size is its tar header size; a whiteout counts 0, unless the path it deletes
  was a directory in the layers below, then the sizes of that whole subtree; if that path
  is not there at all, dive's visit of the layer stops at that whiteout;
- per path: cumulative = sum of its sizes, minimum = the smallest; efficiency = sum of
  minimums / sum of cumulatives (1.0 when that is 0); wasted bytes = sum of the
  cumulative sizes of paths seen in two or more layers;
- image size = sum of the layers' header sizes; "user" size leaves out the first layer.
"""
from __future__ import annotations

from dataclasses import dataclass

from studio.core.layer_files import Entry

_WH = ".wh."
_OPQ_PREFIX = ".wh..wh.."


# A node of dive's tree is a list [children by name, size, is a directory]: a layer of
# 60,000 paths makes 60,000 nodes, and a list is made ten times faster than an object.
KIDS, SIZE, IS_DIR = 0, 1, 2


def _node() -> list:
    return [{}, 0, False]


def _copy(node: list) -> list:
    return [{k: _copy(v) for k, v in node[KIDS].items()}, node[SIZE], node[IS_DIR]]


def _subtree_size(node: list) -> int:
    return node[SIZE] + sum(_subtree_size(c) for c in node[KIDS].values())


def _layer_tree(entries: list[Entry]) -> list:
    """A layer's paths as a tree (dive's ``AddPath`` per entry); parents are found through
    a cache of the directories already made, not by walking from the root each time."""
    root = _node()
    dirs: dict[str, list | None] = {"": root}
    for e in entries:
        parent_path, _, name = e.path.rpartition("/")
        parent = dirs[parent_path] if parent_path in dirs else _walk(root, parent_path, dirs)
        if parent is None:
            continue  # under a ".wh..wh.." component: dive adds nothing
        kids = parent[KIDS]
        node = kids.get(name)
        if node is None:
            if name.startswith(_OPQ_PREFIX):
                continue
            kids[name] = [{}, e.size, e.kind == "5"]
        else:
            node[SIZE], node[IS_DIR] = e.size, e.kind == "5"
    return root


def _walk(root: list, path: str, dirs: dict) -> list | None:
    """The node at ``path``, made (empty, not a directory) where missing, as dive does."""
    node = root
    for name in path.split("/"):
        child = node[KIDS].get(name)
        if child is None:
            if name.startswith(_OPQ_PREFIX):
                dirs[path] = None
                return None
            child = node[KIDS][name] = _node()
        node = child
    dirs[path] = node
    return node


def _get(root: list, parts: list[str]) -> list | None:
    node = root
    for name in parts:
        node = node[KIDS].get(name)
        if node is None:
            return None
    return node


def _stack_onto(lower: list, upper: list, adopt: bool) -> None:
    """Apply ``upper`` to ``lower`` as dive does, visiting ``upper`` children first in name
    order: a whiteout removes the path it names, any other node is added or replaced
    (its size and kind; an unlisted directory's too). With ``adopt`` (``upper`` has no
    whiteout, and is not needed afterwards), a path ``lower`` lacks takes ``upper``'s
    subtree as it is: what adding it node by node would make, without the copying."""
    below = lower[KIDS]
    for name, child in sorted(upper[KIDS].items()):
        if name.startswith(_WH):
            if child[KIDS]:  # never in a real layer; dive adds them under the literal name
                _stack_onto(below.setdefault(name, _node()), child, adopt)
            below.pop(name[len(_WH):], None)
            continue
        target = below.get(name)
        if target is None:
            if adopt:
                below[name] = child
                continue
            target = below[name] = _node()
        if child[KIDS]:
            _stack_onto(target, child, adopt)
        target[SIZE], target[IS_DIR] = child[SIZE], child[IS_DIR]


class _Stop(Exception):
    """dive's visit of a layer ends at a whiteout of a path that is not there."""


def _visit_leaves(node: list, prefix: str, parts: tuple, lookup: list, data: dict) -> None:
    """Count every leaf of a layer tree, children first in name order (dive's
    ``VisitDepthChildFirst``): its size, or for a whiteout what it deletes."""
    for name, child in sorted(node[KIDS].items()):
        if child[KIDS]:
            _visit_leaves(child, f"{prefix}/{name}", parts + (name,), lookup, data)
            continue
        if name.startswith(_WH):
            real = name[len(_WH):]
            previous = _get(lookup, [*parts, real])
            if previous is None:
                raise _Stop
            size = _subtree_size(previous) if previous[IS_DIR] else 0
            path = f"{prefix}/{real}"
        else:
            size = child[SIZE]
            path = f"{prefix}/{name}"
        item = data.get(path)
        if item is None:
            data[path] = [size, size, 1]
        else:
            item[0] += size
            if size < item[1]:
                item[1] = size
            item[2] += 1


@dataclass
class DiveNumbers:
    efficiency: float
    wasted_bytes: int
    size: int
    user_size: int
    inefficient: list[tuple[str, int, int]]  # (path, count, cumulative size), largest first

    @property
    def wasted_user_percent(self) -> float:
        """dive's wasted/user ratio (Go float division: x/0 is +Inf, 0/0 is NaN)."""
        if self.user_size:
            return self.wasted_bytes / self.user_size
        return float("nan") if self.wasted_bytes == 0 else float("inf")


def dive_numbers(layers: list[list[Entry]]) -> DiveNumbers:
    counter = DiveCounter()
    for entries in layers:
        counter.push(entries)
    return counter.numbers()


class DiveCounter:
    """dive's numbers a layer at a time, oldest first (explore counts each layer as it
    arrives). Each layer's tree is its own; only the visit reads the layers below."""

    def __init__(self) -> None:
        self._data: dict[str, list[int]] = {}  # path -> [cumulative, minimum, count]
        self._stacked: list | None = None  # layers 0..i-1 stacked (dive: layer 0 when i is 0)
        self._sizes: list[int] = []

    def push(self, entries: list[Entry]) -> None:
        tree = _layer_tree(entries)
        self._sizes.append(sum(e.size for e in entries))
        stacked = self._stacked
        try:
            _visit_leaves(tree, "", (), stacked if stacked is not None else tree, self._data)
        except _Stop:
            pass  # dive's visitor returns an error there and the layer's visit ends
        first = stacked is None
        if first:
            stacked = self._stacked = _copy(tree)  # dive stacks from a copy of layer 0, then layer 0 again
        # a layer's tree is not read again once stacked: a whiteout-free one lends its nodes
        _stack_onto(stacked, tree, not first and not any(_WH in e.path for e in entries))

    def numbers(self) -> DiveNumbers:
        data, sizes = self._data, self._sizes
        minimum = sum(v[1] for v in data.values())
        discovered = sum(v[0] for v in data.values())
        inefficient = sorted(((p, v[2], v[0]) for p, v in data.items() if v[2] >= 2), key=lambda t: -t[2])
        return DiveNumbers(1.0 if discovered == 0 else minimum / discovered,
                           sum(t[2] for t in inefficient), sum(sizes), sum(sizes[1:]), inefficient)
