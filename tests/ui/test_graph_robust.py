"""Whatever the text looks like while it is typed, the graph view never fails and
always shows one box per stage (property test over Dockerfile-like line soups)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.core import parse
from studio.ui.graph.view import GraphView

LINES = [
    "FROM busybox AS a", "FROM a AS b", "FROM scratch", "FROM b", "FROM ${X:-alpine} AS c", "FROM",
    "FROM a AS a", "FROM --platform=linux/arm64 busybox AS A", "COPY --from=a /x /y", "COPY --from=0 /x /y",
    "COPY --from=nginx:1 /etc /etc", "COPY --from=zzz", "RUN --mount=type=bind,from=b,target=/m ls",
    "RUN --mount=from=c true", "RUN echo hi \\", "ARG X=alpine", "# comment", "", "RUN <<EOF", "EOF",
    "ONBUILD COPY --from=a /q /q", "WORKDIR /src", "CMD [\"x\"]", "COPY --from=b \\",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(LINES), max_size=14), min_size=1, max_size=4))
def test_any_sequence_of_texts_updates_cleanly(qtbot, texts):
    view = GraphView()
    qtbot.addWidget(view)
    for lines in texts:
        graph = parse("\n".join(lines) + "\n").graph()
        view.set_graph(graph)
        nodes = view.stage_nodes()
        assert sorted(nodes) == [s.index for s in graph.stages]
        for stage in graph.stages:
            assert nodes[stage.index].scene() is view.scene()
        assert len(set(map(id, nodes.values()))) == len(nodes)
        for edge in view.edge_items():
            assert edge.scene() is view.scene()
            assert edge.source_item.scene() is view.scene()
            assert edge.target_item.scene() is view.scene()
    view.grab()
