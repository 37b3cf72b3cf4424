"""The plain-words stage explanations agree with the graph and with build sizes."""
from __future__ import annotations

from dataclasses import dataclass, field

from studio.core import parse
from studio.core.explain import build_order, copied_paths, explain_stage, walkthrough
from studio.paths import EXAMPLES

FOO_BAR = (EXAMPLES / "build-essential-foo-bar.Dockerfile").read_text()


@dataclass
class Layer:
    line: int | None
    size: int


@dataclass
class Cost:
    size: int
    layers: list[Layer] = field(default_factory=list)


def test_build_order_puts_dependencies_first_and_skips_what_the_target_does_not_need():
    graph = parse(FOO_BAR).graph()
    order = build_order(graph)
    assert order[0] == 0 and order[-1] == 3 and set(order) == {0, 1, 2, 3}
    graph = parse(FOO_BAR).graph(target="foo")
    assert build_order(graph) == [0, 1]


def test_walkthrough_lists_every_stage_with_skipped_ones_last():
    graph = parse(FOO_BAR).graph(target="foo")
    steps = walkthrough(graph)
    assert [s.index for s in steps] == [0, 1, 2, 3]
    assert [s.needed for s in steps] == [True, True, False, False]
    assert steps[2].build_order is None and "skips" in steps[2].needed_reason


def test_explanation_names_base_feeds_and_paths():
    graph = parse(FOO_BAR).graph()
    base = explain_stage(graph, 0)
    assert "debian:bookworm-slim" in base.starts_from
    assert {(f.label, f.kind) for f in base.feeds} == {("foo", "from"), ("bar", "from")}
    foo = explain_stage(graph, 1)
    assert "stage build-essential" in foo.starts_from
    assert [(f.stage, f.kind, f.paths) for f in foo.feeds] == [(3, "copy", ["/src/foo"])]
    assert any("make foo" in a for a in foo.adds)
    final = explain_stage(graph, 3)
    assert final.is_target and "build target" in final.needed_reason
    text = "\n".join(foo.paragraphs())
    assert "/src/foo" in text and "line 26" in text


def test_scratch_and_arg_resolved_bases_are_described():
    doc = parse("ARG V=1.2\nFROM img:${V} AS a\nRUN x\nFROM scratch\nCOPY --from=a /x /x\n")
    graph = doc.graph(build_args={"V": "9"})
    assert "img:9" in explain_stage(graph, 0).starts_from
    assert "written img:${V}" in explain_stage(graph, 0).starts_from
    assert "scratch" in explain_stage(graph, 1).starts_from
    assert copied_paths(graph.edges, 0) == ["/x"]


def test_costs_count_own_layers_and_what_reaches_the_final_image():
    text = (
        "FROM base AS build\n"       # 1
        "RUN make big\n"             # 2: 5000 bytes, stays behind
        "RUN make app\n"             # 3: 300 bytes, copied out
        "FROM build AS test\n"       # 4
        "RUN run tests\n"            # 5
        "FROM small\n"               # 6
        "COPY --from=build /app /app\n"  # 7: 300 bytes in the final image
    )
    graph = parse(text).graph()
    costs = {
        0: Cost(9300, [Layer(3, 300), Layer(2, 5000), Layer(None, 4000)]),
        2: Cost(1300, [Layer(7, 300), Layer(None, 1000)]),
    }
    build = explain_stage(graph, 0, costs)
    assert build.cost == 5300  # its own two RUN layers, not the base image
    assert build.reaching_final == 300  # only the copied artifact
    final = explain_stage(graph, 2, costs)
    assert final.cost == 300 and final.reaching_final == 300
    assert explain_stage(graph, 1, costs).cost is None  # not built: no numbers invented
    assert "5.30 kB" in "\n".join(build.paragraphs())  # the same units as the boxes and charts
