"""A refactoring's "build both and compare": the file as it was is built and pinned as
the baseline, the refactoring is applied, the new text is built, and the saving shown
is the real engine's (checked against ``docker image inspect``)."""
from __future__ import annotations

import shutil
from importlib.resources import as_file, files

import pytest
from test_build_gui import build_window  # noqa: F401 (fixture)

from studio.ui.graph.design_interaction import DesignInteraction

pytestmark = pytest.mark.engine

EXAMPLES = files("studio.resources").joinpath("examples")
TOOLCHAIN = 8192 * 1024  # the single-stage example's pretend compiler: dd bs=1024 count=8192


def test_extract_then_build_both_and_compare(qtbot, build_window, docker_client, tmp_path):  # noqa: F811
    single = EXAMPLES.joinpath("offline-demo.single.Dockerfile").read_text(encoding="utf-8")
    window, path = build_window(single)
    with as_file(EXAMPLES.joinpath("offline-demo")) as context:
        shutil.copytree(context, path.parent, dirs_exist_ok=True)
    design: DesignInteraction = window.design.interaction
    window.design.ask_preview = lambda parent, title, diff, notes, can_compare: (True, True)
    design.ask_extract = lambda parent, stage, rows, first, taken: (first, 15, "build", ["/out/"])
    node = window.graph_view.stage_nodes()[0]
    menu = window.graph_view.interaction.build_context_menu(
        window.graph_view.mapFromScene(node.mapToScene(design.row_rect(node, 12).center())))
    next(a for a in menu.actions() if a.text() == "Extract into a builder stage…").trigger()
    builds = window.build.controller
    key = builds.file_key()
    qtbot.waitUntil(lambda: len(builds.history.records(key)) == 2 and not builds.running(), timeout=240_000)
    before, after = builds.history.records(key)
    assert before.ok and after.ok
    assert builds.history.baseline(key) is before
    assert [s.name for s in window.current_document().stages] == ["build", None]
    # what the charts compare is what the engine measured
    assert docker_client.api.inspect_image(builds.last_result.image_id)["Size"] == after.final_size
    assert before.final_size - after.final_size >= TOOLCHAIN
