"""The SVG export draws without Qt (picture.py + svg_writer.py), yet puts every box and
edge exactly where the window's scene puts them: the same boxes, sizes, edge ends and
routes as the Qt scene that the PNG export renders, for every example file and for
random graphs. The SVG is well-formed, names every stage, escapes what the Dockerfile
holds, and ``export --svg`` never loads PySide6."""
from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from studio.core import parse
from studio.paths import examples
from studio.ui.graph.box_geometry import label_width
from studio.ui.graph.curve_geometry import Columns, Route, controls, curve_bounds, curve_outline, curves_bounds
from studio.ui.graph.export import export_svg
from studio.ui.graph.picture import EdgeCurve, plan_picture
from studio.ui.graph.svg_writer import Tenths, path_data, route_path_data
from studio.ui.graph.png_export import build_scene
from studio.ui.graph.view import GraphView

SVG = "{http://www.w3.org/2000/svg}"


def qt_geometry(scene) -> tuple[dict, dict]:
    """Each box's (x, y, width, height) and each edge's curve points, by key, from Qt items."""
    boxes = {n.key: (n.pos().x(), n.pos().y(), n.box_rect().width(), n.box_rect().height())
             for n in scene.all_nodes()}
    return boxes, {key: edge._curve().points for key, edge in scene.edge_map.items()}


def plan_geometry(picture) -> tuple[dict, dict]:
    boxes = {n.key: (n.x, n.y, n.width, n.height) for n in (*picture.stages, *picture.images)}
    return boxes, {edge.key: edge.points() for edge in picture.edges}


def assert_same_geometry(graph, positions=None, expanded=None, routes=None) -> None:
    scene = build_scene(graph, positions, expanded, routes)
    picture = plan_picture(graph, positions, expanded, routes)
    qt_boxes, qt_edges = qt_geometry(scene)
    boxes, edges = plan_geometry(picture)
    assert boxes == qt_boxes
    assert edges == qt_edges
    for stage in picture.stages:  # what the header and rows show
        node = scene.stage_items[stage.key]
        assert (stage.collapsible, stage.skipped, stage.target, len(stage.lines)) == (
            node.collapsible, node.is_skipped, node.is_target, len(node.rows.lines))
        assert [r.index for r in node.rows.shown] == [*range(stage.shown), *([-1] if stage.hidden else [])]
        assert {line: node.rows.anchor_y(line) for line in stage.lines} == {
            line: stage.anchors.get(line, 16.0) for line in stage.lines}
    for image in picture.images:
        assert (image.dimmed, image.warning) == (scene.image_items[image.ref].is_dimmed,
                                                 scene.image_items[image.ref].warning)
    for edge in picture.edges:
        item = scene.edge_map[edge.key]
        assert (edge.label, edge.sibling, edge.dimmed) == (item.label, item.sibling, item.is_dimmed)
    svg = ET.fromstring(_svg(picture))  # and the SVG puts them there
    shown = {(round(x, 2), round(y, 2)) for x, y in _translations(svg)}
    assert shown == {(round(b[0], 2), round(b[1], 2)) for b in qt_boxes.values()}
    ends = sorted(_path_ends(svg))
    expected = sorted((p[0], p[-1]) for p in qt_edges.values())
    assert len(ends) == len(expected)
    for (a0, a1), (b0, b1) in zip(ends, expected):
        assert max(abs(u - v) for u, v in zip((*a0, *a1), (*b0, *b1))) <= 0.051


def _svg(picture) -> str:
    from studio.ui.graph.svg_writer import svg_text
    from studio.ui.graph.theme_values import DEFAULT_PALETTE, theme_colors

    return svg_text(picture, theme_colors(*DEFAULT_PALETTE))


def _translations(svg) -> list[tuple[float, float]]:
    out = []
    for g in svg.iter(f"{SVG}g"):
        found = re.fullmatch(r"translate\(([-\d.]+),([-\d.]+)\)", g.get("transform", ""))
        if found:
            out.append((float(found[1]), float(found[2])))
    return out


def _path_ends(svg) -> list[tuple]:
    """The first and last point of every edge curve."""
    out = []
    for path in svg.iter(f"{SVG}path"):
        if path.get("class") != "edge":
            continue
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
        start = (numbers[0], numbers[1])
        last = re.findall(r"[HC][^HC]*$", path.get("d"))[0]
        tail = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", last)]
        # (a level piece, H x, ends at the y its piece started from: the last C's or the start's)
        end = (tail[-1], _last_y(path.get("d"))) if last.startswith("H") else (tail[-2], tail[-1])
        out.append((start, end))
    return out


def _last_y(d: str) -> float:
    pieces = re.findall(r"[MC][^HC]*", d)
    return float(re.findall(r"-?\d+(?:\.\d+)?", pieces[-1])[-1])


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name)
def test_every_example_is_drawn_where_the_window_draws_it(qapp, path):
    graph = parse(path.read_text()).graph()
    assert_same_geometry(graph)
    assert_same_geometry(graph, expanded={stage.key for stage in graph.stages})


LINES = [
    "FROM busybox AS a", "FROM a AS b", "FROM scratch", "FROM b", "FROM ${X:-alpine} AS c", "FROM",
    "FROM a AS a", "FROM --platform=linux/arm64 busybox AS A", "COPY --from=a /x /y", "COPY --from=0 /x /y",
    "COPY --from=nginx:1 /etc /etc", "COPY --from=zzz /q /q", "RUN --mount=type=bind,from=b,target=/m ls",
    "RUN --mount=from=c true", "ARG X=alpine", "# comment", "", "WORKDIR /src", 'CMD ["x"]',
    "COPY --from=buid /x /y", "FROM a AS build", "COPY --from=a /very/long/path/to/some/file.tar.gz /x",
    "RUN echo <a & b> \"c\"", "COPY --from=b /a /b /c /d/", "HEALTHCHECK NONE", "EXPOSE 80 443",
    "FROM b AS d", "COPY --from=d /x /y", "RUN echo 1", "RUN echo 2", "RUN echo 3", "RUN echo 4",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(LINES), max_size=40), st.data())
def test_random_graphs_are_drawn_where_the_window_draws_them(qapp, lines, data):
    graph = parse("\n".join(lines) + "\n").graph()
    if not graph.stages:
        return
    target = data.draw(st.sampled_from([None] + [s.index for s in graph.stages]))
    if target is not None:
        graph = parse("\n".join(lines) + "\n").graph(target)
    keys = [n.key for n in build_scene(graph).all_nodes()]
    expanded = set(data.draw(st.lists(st.sampled_from(keys))))
    placed = data.draw(st.lists(st.sampled_from(keys), unique=True))  # some boxes where the user put them
    positions = {k: (data.draw(st.integers(-500, 2000)) / 2, data.draw(st.integers(-500, 2000)) / 2) for k in placed}
    assert_same_geometry(graph, positions, expanded)


@given(st.lists(st.tuples(st.integers(-30000, 30000), st.integers(-30000, 30000)), min_size=2, max_size=14))
def test_an_edge_path_is_the_windows_curve(ints):
    """The SVG path has the pieces EdgeItem draws (curve_geometry.controls), a level one
    whose controls run forwards written as a line, to a tenth of a pixel (the layout's
    points are in tenths; a route shares its columns' xs with other edges)."""
    points = [(x / 10, y / 10) for x, y in ints]

    def tenth(x: float) -> str:
        return f"{x:.1f}".replace("-0.0", "0.0") if abs(x) < 0.05 else f"{x:.1f}"

    expected = f"M{tenth(points[0][0])},{tenth(points[0][1])}" + "".join(
        f"H{tenth(bx)}" if ay == by and c0x <= c1x else
        f"C{tenth(c0x)},{tenth(ay)} {tenth(c1x)},{tenth(by)} {tenth(bx)},{tenth(by)}"
        for _ax, ay, c0x, c1x, bx, by in controls(points))
    shared = Tenths()
    assert path_data(points, shared) == expected
    assert path_data(points[::-1], shared) == path_data(points[::-1], Tenths())


points_lists = st.lists(st.tuples(st.integers(-3000, 3000), st.integers(-3000, 3000)), min_size=2, max_size=9).map(
    lambda ints: [(x / 10, y / 10) for x, y in ints])
labels = st.none() | st.tuples(st.integers(-400, 400), st.integers(-400, 400), st.integers(10, 90)).map(
    lambda t: (t[0] / 2, t[1] / 2, t[2], 16.0))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(points_lists.map(sorted) | points_lists, labels), min_size=1, max_size=6))
def test_the_edges_area_is_the_union_of_each_edges_area(curves):
    """The picture's edges area, found in passes over all their points at once
    (curves_bounds), is the union of each edge's curve_bounds (its points, its controls
    where they leave the points' box, its arrow head and its label), for curves that run
    forwards, backwards and in short steps."""
    each = [curve_bounds(points, label) for points, label in curves]
    assert curves_bounds(curves) == (min(b[0] for b in each), min(b[1] for b in each),
                                     max(b[2] for b in each), max(b[3] for b in each))


@st.composite
def layout_routes(draw):
    """A layout's columns (some narrower than a curve's reach, some gaps too) and a Route
    through some of them, ys in tenths (level steps, -0.0 and small negatives included),
    with its two ends anywhere."""
    tenth = st.integers(-3000, 3000).map(lambda i: i / 10)
    # lengths about a curve's reach (20, 40, 80) and long ones, as boxes and gaps have
    length = st.sampled_from([5.0, 19.9, 20.0, 30.0, 40.0, 60.0, 80.0, 80.1, 260.0]) | st.integers(1, 4000).map(lambda i: i / 10)
    widths = draw(st.lists(length, min_size=1, max_size=9))
    gaps = draw(st.lists(length, min_size=len(widths), max_size=len(widths)))
    lefts, rights, x = [], [], draw(tenth)
    for w, g in zip(widths, gaps):
        lefts.append(round(x, 1))
        rights.append(round(x + w, 1))
        x += w + g
    first = draw(st.integers(0, len(widths) - 1))
    last = draw(st.integers(first, len(widths) - 1))
    ys = draw(st.lists(tenth | st.sampled_from([0.0, -0.0, -0.04]), min_size=last - first + 1, max_size=last - first + 1))
    route = Route(first, ys, Columns(lefts, rights))
    points = [p for c, y in zip(range(first, last + 1), ys) for p in ((lefts[c], y), (rights[c], y))]
    assert route == points and list(route) == points and len(route) == len(points)
    assert [route[i] for i in range(-len(points), len(points))] == points + points  # (made without the list)
    ends = st.tuples(tenth, tenth)
    return draw(ends), route, draw(ends)


@settings(max_examples=500, deadline=None)
@given(layout_routes())
@example(((-30.0, 0.0), Route(0, [10.0, 20.0], Columns([0.0, 265.0], [5.0, 525.0])),
          (600.0, 0.0)))  # (a column too narrow for its curve)
def test_a_routes_path_is_the_path_through_its_points(parts):
    """A layout's route is written from per-column texts (route_path_data); the path is
    path_data's through the same points, byte for byte (which the window's curve is:
    test_an_edge_path_is_the_windows_curve), and the area found from its outline is the
    area around all its points."""
    start, route, end = parts
    shared = Tenths()
    assert route_path_data(start, route, end, shared) == path_data([start, *route, end], Tenths())
    assert route_path_data(start, route, end, shared) == path_data([start, *route, end], shared)  # (texts kept)
    points, ys = curve_outline(start, route, end)
    assert curves_bounds([(points, None, ys)]) == curve_bounds([start, *route, end], None)


def test_the_users_arrangement_and_routes_carry_over(qtbot):
    """What the view exports: boxes where the user put them, a box expanded, and the
    layout's waypoints for the long edges whose ends did not move."""
    text = "FROM busybox AS s0\n" + "".join(f"FROM s{i - 1} AS s{i}\nRUN true\n" for i in range(1, 5))
    text += "COPY --from=s0 /a /b\nCOPY --from=s1 /a /b\n" + "RUN true\n" * 8
    graph = parse(text).graph()
    view = GraphView()
    qtbot.addWidget(view)
    view.set_graph(graph)
    nodes = view.stage_nodes()
    nodes[2].setPos(nodes[2].pos().x() + 40, nodes[2].pos().y() + 300)
    nodes[4].set_expanded(True)
    routes = view.scene().routes()
    assert routes  # (the long edges still follow the layout's waypoints)
    assert_same_geometry(graph, view.positions(), {nodes[4].key}, routes)


def test_the_picture_is_as_large_as_the_qt_export(qapp):
    """The same area as the PNG export (up to the labels' widths, which the viewer's font sets)."""
    from studio.ui.graph.png_export import _source_rect

    for path in examples():
        graph = parse(path.read_text()).graph()
        picture = plan_picture(graph)
        left, top, right, bottom = picture.bounds([EdgeCurve(e, label_width) for e in picture.edges])
        rect = _source_rect(build_scene(graph)).adjusted(24, 24, -24, -24)
        assert abs(left - rect.left()) <= 12 and abs(right - rect.right()) <= 12, path.name
        assert abs(top - rect.top()) <= 12 and abs(bottom - rect.bottom()) <= 12, path.name


def test_a_picture_and_its_svg_leave_no_cycles_for_the_collector():
    """Why export pauses the collector while it draws (studio/gc_tuning.py): what it makes
    is freed by reference counting alone."""
    import gc

    graph = parse(max(examples(), key=lambda p: len(p.read_text())).read_text()).graph()
    gc.collect()
    gc.disable()
    try:
        _svg(plan_picture(graph))
        _svg(plan_picture(graph, expanded={s.key for s in plan_picture(graph).stages}))
        assert gc.collect() == 0
    finally:
        gc.enable()


HOSTILE = """FROM "<img>&amp;" AS x<y
RUN echo "</text><script>" &a \x01
FROM x<y AS a&b
COPY --from=x<y "/a b/<c>" /d
FROM scratch AS "quoted"
COPY --from=a&b /x /y
RUN echo "日本語 ünïcode"
RUN echo "\u202eevil.exe" > /list
"""


def test_hostile_names_and_instructions_are_escaped(tmp_path):
    graph = parse(HOSTILE).graph()
    out = tmp_path / "hostile.svg"
    assert export_svg(graph, out)
    root = ET.parse(out).getroot()  # well-formed
    assert not root.findall(f".//{SVG}script")
    text = " ".join(t for t in root.itertext())
    for stage in graph.stages:
        assert stage.label in text
    assert 'echo "</text><script>" &a' in text  # shown as written, not markup
    assert "&a \\x" in text and "\x01" not in text  # a control character is shown as an escape (XML cannot hold it)
    assert "\\u202eevil.exe" in text and "\u202e" not in text  # a right-to-left override would reverse the row
    assert "日本語 ünïcode" in text and out.read_bytes().isascii()  # (as character references)


def test_every_stage_is_named_even_when_its_title_is_cut(tmp_path):
    name = "a-stage-name-far-too-long-to-fit-in-the-header-of-its-box"
    out = tmp_path / "long.svg"
    export_svg(parse(f"FROM busybox AS {name}\nRUN true\n").graph(), out)
    root = ET.parse(out).getroot()
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert name in titles
    shown = [t for t in root.iter(f"{SVG}text") if t.get("font-weight") == "bold" and t.text and "…" in t.text]
    assert shown and all(len(t.text) < len(name) for t in shown)


def test_export_svg_never_loads_qt(tmp_path):
    src = tmp_path / "Dockerfile"
    src.write_text(examples()[0].read_text())
    out = tmp_path / "g.svg"
    code = ("import sys; from studio.cli import main; code = main(['export', sys.argv[1], '--svg', sys.argv[2]]); "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))); sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", code, str(src), str(out)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"
    assert "wrote" in proc.stdout and ET.parse(out).getroot().tag == f"{SVG}svg"
