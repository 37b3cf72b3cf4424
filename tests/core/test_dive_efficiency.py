"""dive's numbers computed fast (directory cache, stacking by merging trees, leaves visited
with path strings) equal a plain model of dive's algorithm on random layers, quirks
included (whiteouts of missing paths end a layer's visit; unlisted parents; opaque
markers; directories listed bare). The model walks every path from the root, as dive's
``AddPath`` and ``VisitDepthChildFirst`` do. Real dive judges both on real images in
tests/engine/test_explore.py."""
from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from studio.core.dive_efficiency import dive_numbers
from studio.core.layer_files import Entry


class Model:
    def __init__(self) -> None:
        self.kids: dict[str, Model] = {}
        self.size, self.is_dir = 0, False

    def add(self, parts: list[str], size: int, is_dir: bool) -> None:
        node = self
        for name in parts:
            if name not in node.kids:
                if name.startswith(".wh..wh.."):
                    return
                node.kids[name] = Model()
            node = node.kids[name]
        node.size, node.is_dir = size, is_dir

    def get(self, parts: list[str]):
        node = self
        for name in parts:
            node = node.kids.get(name)
            if node is None:
                return None
        return node

    def total(self) -> int:
        return self.size + sum(k.total() for k in self.kids.values())

    def post_order(self, prefix: list[str]):
        for name in sorted(self.kids):
            yield from self.kids[name].post_order(prefix + [name])
            yield prefix + [name], self.kids[name]

    def copy(self) -> Model:
        out = Model()
        out.size, out.is_dir = self.size, self.is_dir
        out.kids = {k: v.copy() for k, v in self.kids.items()}
        return out


def model_numbers(layers: list[list[Entry]]) -> tuple[float, int, list]:
    trees = []
    for entries in layers:
        tree = Model()
        for e in entries:
            tree.add(e.path.split("/"), e.size, e.kind == "5")
        trees.append(tree)
    data: dict[str, list[int]] = {}
    stacked = None
    for tree in trees:
        lookup = stacked if stacked is not None else tree
        for parts, node in tree.post_order([]):
            if node.kids:
                continue
            whiteout = parts[-1].startswith(".wh.")
            real = parts[:-1] + [parts[-1][4:]] if whiteout else parts
            if whiteout:
                previous = lookup.get(real)
                if previous is None:
                    break
                size = previous.total() if previous.is_dir else 0
            else:
                size = node.size
            item = data.setdefault("/" + "/".join(real), [0, size, 0])
            item[0], item[1], item[2] = item[0] + size, min(item[1], size), item[2] + 1
        if stacked is None:
            stacked = tree.copy()
        for parts, node in tree.post_order([]):
            if parts[-1].startswith(".wh."):
                real = parts[:-1] + [parts[-1][4:]]
                parent = stacked.get(real[:-1])
                if parent is not None:
                    parent.kids.pop(real[-1], None)
            else:
                stacked.add(parts, node.size, node.is_dir)
    minimum = sum(v[1] for v in data.values())
    discovered = sum(v[0] for v in data.values())
    inefficient = sorted(((p, v[2], v[0]) for p, v in data.items() if v[2] >= 2), key=lambda t: -t[2])
    return 1.0 if discovered == 0 else minimum / discovered, sum(t[2] for t in inefficient), inefficient


NAMES = st.sampled_from(["a", "b", "c", ".wh.a", ".wh.b", ".wh..wh..opq", "-a", ".wh.-a"])
ENTRY = st.tuples(st.lists(NAMES, min_size=1, max_size=3), st.integers(0, 50), st.booleans())
LAYERS = st.lists(st.lists(ENTRY, max_size=8), min_size=1, max_size=4)


@settings(max_examples=400, deadline=None)
@given(LAYERS)
@example([[(["a"], 0, True), (["a", "b"], 10, False)], [(["a"], 0, True)], [([".wh.a"], 0, False)]])
@example([[(["a", "b"], 10, False)], [(["a", ".wh.c"], 0, False), (["a", "b"], 5, False)]])
@example([[(["z"], 10, False)],  # a whiteout (of a size) in a folder new to the stack, deleted later
          [(["d"], 0, True), (["d", "-a"], 5, False), (["d", ".wh.q"], 7, False)],
          [(["d"], 0, True)], [([".wh.d"], 0, False)]])
def test_fast_numbers_equal_the_model(layers):
    tars = [[Entry("/".join(parts), "5" if is_dir else "0", size, 0o644) for parts, size, is_dir in layer]
            for layer in layers]
    numbers = dive_numbers(tars)
    efficiency, wasted, inefficient = model_numbers(tars)
    assert (numbers.efficiency, numbers.wasted_bytes) == (efficiency, wasted)
    assert sorted(numbers.inefficient) == sorted(inefficient)
