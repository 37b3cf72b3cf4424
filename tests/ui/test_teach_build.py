"""The Explain panel's numbers after a real build: the offline demo is built against the
real dockerd with sizes, the result goes to the window the way the build controller hands
it out, and every number shown must be the engine's (in human_size form)."""
from __future__ import annotations

import pytest
from testimages import TEST_LABEL

from studio.core.units import human_size
from studio.engine.builder import Build, BuildRequest
from studio.paths import EXAMPLES

OWN = "Its own instructions added"
REACHES = "The final image carries from it"
WHOLE = "Whole stage image (base included)"


@pytest.fixture(scope="module")
def demo_result(docker_client):
    client = docker_client
    text = (EXAMPLES / "offline-demo.multi.Dockerfile").read_text(encoding="utf-8")
    build = Build(BuildRequest(text, str(EXAMPLES / "offline-demo"), sizes=True,
                               labels={TEST_LABEL: "1"}), client=client)
    for _event in build.events():
        pass
    return text, build.result


def shown_rows(text: str) -> dict[str, str]:
    lines = [line.strip() for line in text.splitlines()]
    return {label: lines[lines.index(label) + 1] for label in (OWN, REACHES, WHOLE) if label in lines}


def layer_bytes(stage_result, lines) -> int:
    return sum(layer.size for layer in stage_result.layers if layer.line in lines)


def test_the_panel_shows_the_engines_bytes_for_every_stage(open_window, demo_result):
    text, result = demo_result
    assert result.ok, result.error
    window, _ = open_window(text)
    window.build.controller.sig_finished.emit(result)  # what a finished GUI build emits
    panel = window.teach.explain
    graph = window.controller.graph
    by_index = {s.index: s for s in result.stages}
    final = by_index[graph.target]
    for stage in graph.stages:
        engine = by_index[stage.index]
        panel.show_stage(stage.index)
        rows = shown_rows(panel.text())
        own_lines = {ins.line for ins in stage.instructions}
        assert rows[WHOLE] == human_size(engine.size)
        assert rows[OWN] == human_size(layer_bytes(engine, own_lines))
        copied_into_final = {e.line for e in graph.edges if e.kind == "copy" and e.source == stage.index
                             and e.target == graph.target}
        expected_reach = layer_bytes(final, copied_into_final)
        if stage.index == graph.target:
            expected_reach = layer_bytes(engine, own_lines)
        assert rows[REACHES] == human_size(expected_reach)
    # the lesson of the demo, in the engine's own numbers: the 8 MB toolchain stays behind
    toolchain = next(s for s in graph.stages if s.name == "toolchain")
    panel.show_stage(toolchain.index)
    rows = shown_rows(panel.text())
    assert layer_bytes(by_index[toolchain.index], {toolchain.line + 1}) >= 8 * 1024 * 1024
    assert rows[REACHES] == "0 B"


def test_numbers_go_away_when_the_stages_change(open_window, demo_result):
    text, result = demo_result
    window, _ = open_window(text)
    window.build.controller.sig_finished.emit(result)
    panel = window.teach.explain
    panel.show_stage(0)
    assert OWN in panel.text()
    window.edits.rename_stage(0, "compiler")  # another file now: the numbers would lie
    panel.show_stage(0)
    assert OWN not in panel.text() and "Build with sizes" in panel.text()
