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


class _Node:
    __slots__ = ("children", "size", "is_dir")

    def __init__(self, size: int = 0, is_dir: bool = False) -> None:
        self.children: dict[str, _Node] = {}
        self.size = size
        self.is_dir = is_dir

    def copy(self) -> _Node:
        out = _Node(self.size, self.is_dir)
        out.children = {k: v.copy() for k, v in self.children.items()}
        return out

    def subtree_size(self) -> int:
        return self.size + sum(c.subtree_size() for c in self.children.values())


def _add_path(root: _Node, parts: list[str], size: int, is_dir: bool) -> None:
    node = root
    last = len(parts) - 1
    for i, name in enumerate(parts):
        child = node.children.get(name)
        if child is None:
            if name.startswith(_OPQ_PREFIX):
                return
            child = node.children[name] = _Node()
        node = child
        if i == last:
            node.size, node.is_dir = size, is_dir


def _layer_tree(entries: list[Entry]) -> _Node:
    root = _Node()
    for e in entries:
        _add_path(root, e.path.split("/"), e.size, e.kind == "5")
    return root


def _post_order(node: _Node, prefix: list[str]):
    """(parts, node) children first, names in byte order, as dive's VisitDepthChildFirst."""
    for name in sorted(node.children):
        child = node.children[name]
        parts = prefix + [name]
        yield from _post_order(child, parts)
        yield parts, child


def _real_parts(parts: list[str]) -> list[str]:
    last = parts[-1]
    return parts[:-1] + [last[len(_WH):]] if last.startswith(_WH) else parts


def _get(root: _Node, parts: list[str]) -> _Node | None:
    node = root
    for name in parts:
        node = node.children.get(name)
        if node is None:
            return None
    return node


def _stack_onto(lower: _Node, upper: _Node) -> None:
    for parts, node in _post_order(upper, []):
        if parts[-1].startswith(_WH):
            real = _real_parts(parts)
            parent = _get(lower, real[:-1])
            if parent is not None:
                parent.children.pop(real[-1], None)
        else:
            _add_path(lower, parts, node.size, node.is_dir)


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
    trees = [_layer_tree(entries) for entries in layers]
    sizes = [sum(e.size for e in entries) for entries in layers]
    data: dict[str, list[int]] = {}  # path -> [cumulative, minimum, count]
    stacked: _Node | None = None  # layers 0..i-1 stacked (dive: layer 0 when i is 0)
    for tree in trees:
        lookup = stacked if stacked is not None else tree
        for parts, node in _post_order(tree, []):
            if node.children:
                continue
            real = _real_parts(parts)
            if parts[-1].startswith(_WH):
                previous = _get(lookup, real)
                if previous is None:
                    break  # dive's visitor returns an error here and the layer's visit ends
                size = previous.subtree_size() if previous.is_dir else 0
            else:
                size = node.size
            path = "/" + "/".join(real)
            item = data.get(path)
            if item is None:
                data[path] = [size, size, 1]
            else:
                item[0] += size
                item[1] = min(item[1], size)
                item[2] += 1
        if stacked is None:
            stacked = tree.copy()  # dive stacks from a copy of layer 0, then layer 0 again
        _stack_onto(stacked, tree)
    minimum = sum(v[1] for v in data.values())
    discovered = sum(v[0] for v in data.values())
    inefficient = sorted(((p, v[2], v[0]) for p, v in data.items() if v[2] >= 2), key=lambda t: -t[2])
    return DiveNumbers(1.0 if discovered == 0 else minimum / discovered,
                       sum(t[2] for t in inefficient), sum(sizes), sum(sizes[1:]), inefficient)
