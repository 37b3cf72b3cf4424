"""Build numbers of stages whose text changed since the build are marked as the last build's."""
from __future__ import annotations

from studio.core import parse
from studio.ui.buildpanel.outdated import fingerprints, outdated_stages
from studio.ui.graph.stage_paint import footer_texts

TEXT = """ARG BASE=busybox
FROM ${BASE} AS deps
RUN echo deps

FROM deps AS build
RUN echo build

FROM busybox AS assets
RUN echo assets

FROM scratch AS final
COPY --from=build /app /app
COPY --from=assets /a /a
"""


def _outdated(before: str, after: str) -> set[int]:
    built = fingerprints(parse(before))
    doc = parse(after)
    return outdated_stages(doc, doc.graph(), built)


def test_an_edit_marks_its_stage_and_everything_built_on_it():
    assert _outdated(TEXT, TEXT) == set()
    assert _outdated(TEXT, TEXT.replace("echo build", "echo build2")) == {1, 3}
    assert _outdated(TEXT, TEXT.replace("echo assets", "echo a2")) == {2, 3}
    assert _outdated(TEXT, TEXT.replace("echo deps", "echo d2")) == {0, 1, 3}
    assert _outdated(TEXT, TEXT.replace("COPY --from=assets /a /a", "COPY --from=assets /b /b")) == {3}


def test_the_preamble_counts_for_every_stage_and_new_stages_have_no_numbers():
    assert _outdated(TEXT, TEXT.replace("BASE=busybox", "BASE=alpine")) == {0, 1, 2, 3}
    added = TEXT + "\nFROM busybox AS extra\nRUN echo new\n"
    assert _outdated(TEXT, added) == {4}
    renamed = TEXT.replace("AS assets", "AS static").replace("--from=assets", "--from=static")
    assert _outdated(TEXT, renamed) == {2, 3}


def test_an_outdated_box_says_its_numbers_are_the_last_builds(qtbot):
    from PySide6.QtGui import QFontMetricsF

    from studio.ui.graph import theme as T
    from studio.ui.graph.view import GraphView

    view = GraphView()
    qtbot.addWidget(view)
    view.set_graph(parse(TEXT).graph())
    node = view.stage_nodes()[1]
    node.set_build(state="done")
    node.set_build(progress=(2, 2))
    node.set_build(elapsed=1.5)
    node.set_build(size=("5.00 MB", None))
    fm = QFontMetricsF(node.theme.small_font)
    width = T.NODE_WIDTH - 2 * T.PAD - 4
    assert footer_texts(node, fm, width) == ("done  2/2  1.5s", "5.00 MB")
    node.set_build(outdated=True)
    assert node.outdated
    assert footer_texts(node, fm, width) == ("last build: done  1.5s", "5.00 MB")
    view.grab()
