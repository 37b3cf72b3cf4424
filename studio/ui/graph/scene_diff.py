"""How a new StageGraph is brought into the scene's items, touching only what changed.

After a keystroke the core hands back the very same Stage and Edge objects for every
stage the edit did not touch, and moved copies (same text, other offsets and lines) for
the stages below it. So while every stage keeps its key, a box filled from the same
Stage object with the same diagnostics, target and reachability is left alone, and so
is an edge made from the same Edge object; a moved stage only shifts its line numbers.
Everything else goes through the items' setters, which repaint only what they change.
Edge curves are redone once, after every box has its new rows: a box whose rows moved
before its edges had their new lines would bend them away and back, repainting both.
A scene updated this way equals a scene built afresh from the same text (the tests
compare them after random edits).
"""
from __future__ import annotations

from studio.core.model import Diagnostic, Edge, Stage, StageGraph
from studio.ui.graph.edge_item import EdgeItem
from studio.ui.graph.image_node import ImageNode
from studio.ui.graph.labels import badge, base_text, diagnostics_by_line, image_warnings, stage_keys
from studio.ui.graph.rows import StageRows, header_source
from studio.ui.graph.stage_node import StageNode

NO_DIAGNOSTICS: list[Diagnostic] = []


class SceneDiff:
    """Applies graphs to one GraphScene (``scene.diff``) and remembers what the last one
    looked like: the stage names, target and reachable stages, the text's header, and
    each consumer's edge items (each keeps the Edge object it was made from)."""

    def __init__(self, scene) -> None:
        self.scene = scene
        self.names: list[str | None] | None = None
        self.target: int | None = None
        self.reachable: set[int] = set()
        self.header: str | None = None  # the text before the first FROM, as last seen
        self.items_of: dict[int, list[EdgeItem]] = {}  # consumer index -> its edges' items, in order
        self._linked: set | None = None  # (while applying) the links the last graph had
        self._made = False  # (while applying) whether an edge item was made

    def forget(self) -> None:
        """The boxes were changed from outside: the next graph fills every one."""
        self.names = None

    def apply(self, graph: StageGraph, diagnostics: dict[int, list[Diagnostic]] | None,
              text: str | None) -> list:
        """Bring the scene's items in line with ``graph``; return the items that are new."""
        scene = self.scene
        scene.graph = graph
        header = header_source(graph.stages, text)
        names = [st.name for st in graph.stages]
        if header != self.header:  # e.g. a new escape character: every row may read differently
            for node in scene.stage_items.values():
                node.row_source.forget()
            self.header, self.names = header, None
        if diagnostics is None:
            diagnostics = diagnostics_by_line(graph)
        reachable = set(graph.reachable)
        # every box keeps its key, index and label (so its base line and its edges' ends too)
        same_shape = names == self.names
        same_marks = same_shape and graph.target == self.target and reachable == self.reachable
        self.names, self.target, self.reachable = names, graph.target, reachable
        scene.adjusting_later = []  # boxes whose rows changed: their edges are redone at the end
        try:
            new = self._stages(graph, reachable, diagnostics, text, same_marks)
            images = self._images(graph, new)
            edges_changed = self._edges(graph, images, reachable, same_shape, same_marks)
        finally:
            later, scene.adjusting_later = scene.adjusting_later, None
        for node in {id(n): n for n in later}.values():
            for edge in node.edges:
                edge.adjust()
        alive = {id(n) for n in scene.by_index.values()}  # a reused box may have a new key
        gone = [n for n in scene.stage_items.values() if id(n) not in alive]
        gone += [i for r, i in scene.image_items.items() if images.get(r) is not i]
        for item in gone:
            scene.departed[item.key] = (item.pos().x(), item.pos().y())
            scene.removeItem(item)
        scene.stage_items = {node.key: node for node in scene.by_index.values()}
        scene.image_items = images
        if new or gone:
            scene.geometry_changed()
        if edges_changed or not same_marks or gone:
            for item in images.values():
                consumers = [e.target_item for e in item.edges]
                item.set_dimmed(bool(consumers) and all(c.is_skipped for c in consumers))
        warn_images(graph, diagnostics, images)
        if edges_changed:
            scene.focus_selection()
        return new

    def _stages(self, graph: StageGraph, reachable: set[int], diagnostics: dict[int, list[Diagnostic]],
                text: str | None, same_marks: bool) -> list:
        scene = self.scene
        keys = stage_keys(graph.stages)
        new: list = []
        by_index: dict[int, StageNode] = {}
        reuse = _reuse(scene.stage_items, graph.stages, keys)
        for st, key in zip(graph.stages, keys):
            node = scene.stage_items.get(key) if key not in reuse else reuse[key]
            if node is not None and node.key != key:
                node.key = key
            if node is None:
                node = StageNode(scene.theme, st.index, key)
                node.set_row_limit(scene.row_limit)
                node.row_source = StageRows()
                scene.add_item(node)
                new.append(node)
            node.index = st.index
            by_index[st.index] = node
            diags = diagnostics.get(st.index, NO_DIAGNOSTICS)
            filled = node.row_source.filled
            if same_marks and filled is not None and filled[0] is st and filled[1] == diags:
                continue  # the stage this box shows, untouched by the edit
            _fill_stage(node, st, graph, reachable, diags, text, filled if same_marks else None)
            node.row_source.filled = (st, diags)
        scene.by_index = by_index
        return new

    def _images(self, graph: StageGraph, new: list) -> dict[str, ImageNode]:
        scene = self.scene
        live: dict[str, ImageNode] = {}
        for ref in graph.external_images:
            item = scene.image_items.get(ref)
            if item is None:
                item = ImageNode(scene.theme, ref)
                scene.add_item(item)
                new.append(item)
            live[ref] = item
        return live

    def _edges(self, graph: StageGraph, images: dict[str, ImageNode], reachable: set[int],
               same_shape: bool, same_marks: bool) -> bool:
        """Bring the edge items in line; returns whether any edge item came or went.
        Edges are taken by consumer: one whose edges link as its items do, in the same
        order, keeps its items (a stage the edit did not touch hands back the very Edge
        objects they were made from; a moved one new objects on other lines)."""
        scene = self.scene
        scene.new_edges = []  # links this update made (see make_room_for_new_edges)
        before = self.items_of if same_shape else {}
        by_target: dict[int, list[Edge]] = {}
        for edge in graph.edges:
            by_target.setdefault(edge.target, []).append(edge)
        items_of: dict[int, list[EdgeItem]] = {}
        live: dict[tuple, EdgeItem] = {}
        redone: list[EdgeItem] = []  # the items of consumers whose edges changed
        self._linked, self._made = None, False
        for target, edges in by_target.items():
            old = before.get(target, [])
            if len(old) == len(edges) and all(item.made_from is edge or _same_link(item.made_from, edge)
                                              for item, edge in zip(old, edges)):
                items_of[target] = old
                for item, edge in zip(old, edges):
                    live[item.map_key] = item
                    if item.made_from is not edge:
                        item.made_from = edge
                        item.set_info(edge.line, edge.sources, edge.dest)
                    if not same_marks:
                        item.set_dimmed(target not in reachable)
                continue
            redone += old
            items_of[target] = self._consumer_edges(edges, old, images, reachable, same_marks, live)
        if same_shape:
            redone += [item for target, old in before.items() if target not in by_target for item in old]
        else:
            redone = list(scene.edge_map.values())
        changed = self._made
        for item in redone:
            if live.get(item.map_key) is not item:
                scene.remove_edge(item)
                changed = True
        scene.edge_map, self.items_of = live, items_of
        return changed

    def _consumer_edges(self, edges: list[Edge], old: list[EdgeItem], images: dict[str, ImageNode],
                        reachable: set[int], same_marks: bool, live: dict[tuple, EdgeItem]) -> list[EdgeItem]:
        """The items for one consumer's ``edges``. An item is found for an Edge by its
        place among the consumer's old items if it links the same way (a moved stage's
        edges: new objects, only their lines differ), else by its key."""
        scene = self.scene
        old_map, by_index = scene.edge_map, scene.by_index
        out: list[EdgeItem] = []
        ordinals: dict[tuple, int] = {}
        for k, edge in enumerate(edges):
            item = old[k] if k < len(old) else None
            if item is not None and item.made_from is not edge and not _same_link(item.made_from, edge):
                item = None
            if item is not None:  # (the same ends: same stage names and images)
                src, tgt, base_key = item.source_item, item.target_item, item.map_key[:3]
            else:
                src, tgt = _source_item(edge, by_index, images), by_index.get(edge.target)
                if src is None or tgt is None:
                    continue
                base_key = (src.key, tgt.key, edge.kind)
            n = ordinals.get(base_key, 0)
            ordinals[base_key] = n + 1
            if item is not None and item.sibling == n:
                live[item.map_key] = item
                out.append(item)
                if item.made_from is not edge:
                    item.made_from = edge
                    item.set_info(edge.line, edge.sources, edge.dest)
                if not same_marks:
                    item.set_dimmed(edge.target not in reachable)
                continue
            key = (*base_key, n)
            item = old_map.get(key)
            if item is None or item.source_item is not src or item.target_item is not tgt:
                if item is not None:
                    scene.remove_edge(item)
                item = EdgeItem(scene.theme, src, tgt, edge.kind, edge.line)
                scene.addItem(item)
                self._made = True
                if self._linked is None:
                    self._linked = {(id(e.source_item), id(e.target_item), e.kind) for e in old_map.values()}
                if (id(src), id(tgt), edge.kind) not in self._linked:  # (not just a renamed or renumbered one)
                    scene.new_edges.append(item)
            live[key] = item
            out.append(item)
            item.made_from, item.map_key = edge, key
            item.set_info(edge.line, edge.sources, edge.dest)
            if item.sibling != n:
                item.sibling, item._at = n, None  # (its label moves)
                item.adjust()
            item.set_dimmed(edge.target not in reachable)
        return out


def _fill_stage(node: StageNode, st: Stage, graph: StageGraph, reachable: set[int],
                diags: list[Diagnostic], text: str | None, filled: tuple | None) -> None:
    """Give ``node`` what ``st`` says. ``filled``: the (Stage, diagnostics) it was last
    filled from, when the graph around it (names, target, reachable) is the same."""
    prev, prev_diags = filled if filled is not None else (None, None)
    if prev is None or not _same_head(prev, st):
        node.set_title(st.label)
        shown, tip = base_text(st, graph.stages)
        node.set_base(shown, tip)
        node.set_target(graph.target == st.index)
        node.set_skipped(st.index not in reachable)
    node.set_line(st.line)
    kept = node.rows.texts
    texts = node.row_source.update(st, text)
    if texts is not None and texts is kept and prev is not None and text is not None:
        # the stage's very text (its slice is the same), maybe on other lines
        node.shift_rows(st.line - prev.line)
    elif texts is not None:
        node.set_rows([ins.line for ins in st.instructions], texts)
    if prev is None or prev_diags != diags:
        badge(node, diags)


def _same_head(a: Stage, b: Stage) -> bool:
    """Whether the title and base line read the same for both (in the same graph shape)."""
    return (a.index == b.index and a.name == b.name and a.base == b.base and a.base_kind == b.base_kind
            and a.base_stage == b.base_stage and a.base_resolved == b.base_resolved)


def _same_link(a: Edge, b: Edge) -> bool:
    """Whether both edges link the same stages or image the same way, carrying the same."""
    return (a.source == b.source and a.target == b.target and a.kind == b.kind and a.sources == b.sources
            and a.dest == b.dest)


def _source_item(edge: Edge, by_index: dict, images: dict[str, ImageNode]):
    if isinstance(edge.source, int):
        return by_index.get(edge.source)
    return images.get(edge.source)


def _reuse(items: dict[str, StageNode], stages: list[Stage], keys: list[str]) -> dict[str, StageNode]:
    """Boxes to keep for stages whose key changed. A renamed stage keeps its box
    (same index, new name); unnamed stages, keyed by an index that shifts when a
    stage above comes or goes, pair up with the leftover unnamed boxes in order."""
    wanted = set(keys)
    old = [n for k, n in items.items() if k not in wanted]
    if not old:
        return {}
    new = [(st, k) for st, k in zip(stages, keys) if k not in items]
    out: dict[str, StageNode] = {}
    by_index = {n.index: n for n in old}
    for st, key in new:
        node = by_index.get(st.index)
        if node is not None and (st.name is not None) == (not node.title.startswith("#")):
            out[key] = node
            old.remove(node)
    rest_old = [n for n in old if n.title.startswith("#")]
    rest_new = [k for st, k in new if k not in out and st.name is None]
    out.update(zip(rest_new, rest_old))
    return out


def warn_images(graph: StageGraph, diagnostics: dict[int, list[Diagnostic]],
                images: dict[str, ImageNode]) -> None:
    """An image that lint thinks is a mistyped stage name carries that warning."""
    warned = image_warnings(graph, diagnostics, images)
    for ref, item in images.items():
        item.set_warning(warned.get(ref))
