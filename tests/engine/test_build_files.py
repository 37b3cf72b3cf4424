"""build --files on the real engine: every final file carries its line and stage, COPY --from
edges say what crossed them, and the deleting line gets the lint finding."""
from __future__ import annotations

import json

import pytest

from studio.cli import main
from studio.core import parse
from studio.core.lint.rules_facts import buried_findings
from studio.engine.build_files import buried_facts

from test_explore import remove_labelled

pytestmark = pytest.mark.engine
OWN_LABEL = "io.github.stagestudio.test.build-files"

MULTI = """\
FROM stage-studio-test/busybox:latest AS builder
RUN mkdir -p /out && dd if=/dev/zero of=/out/app bs=1024 count=300 2>/dev/null && echo cfg > /out/app.cfg
RUN dd if=/dev/zero of=/scratch.bin bs=1024 count=500 2>/dev/null

FROM stage-studio-test/busybox:latest
RUN dd if=/dev/zero of=/tmp/huge.bin bs=1024 count=2048 2>/dev/null
COPY --from=builder /out/ /app/
RUN rm /tmp/huge.bin
"""


@pytest.fixture(scope="module")
def files_build(docker_client, tmp_path_factory):
    """Built once; its own label keeps other suites' clean-up of test images off it."""
    from studio.engine.builder import Build, BuildRequest

    ctx = tmp_path_factory.mktemp("ctx")
    build = Build(BuildRequest(MULTI, str(ctx), labels={OWN_LABEL: "1"}, sizes=True, files=True),
                  client=docker_client)
    events = list(build.events())
    assert build.result.ok, build.result.error
    yield build, events
    remove_labelled(docker_client, OWN_LABEL)


def test_every_final_file_has_a_line_and_a_stage(files_build):
    build, _ = files_build
    final = build.result.stages[1].explored
    assert final is not None and final.files
    for path, item in final.files.items():
        layer = final.layers[item.layer]
        assert layer.line is not None and layer.stage is not None, path
    assert final.layer_of("/app/app").line == 7 and final.layer_of("/app/app").stage == 1
    assert final.layer_of("/bin/sh").line == 5  # the base image's files belong to the FROM line
    assert final.layer_of("/app/app").origin == 0  # its bytes come from the builder
    assert final.layer_of("/bin/sh").origin == "stage-studio-test/busybox:latest"
    builder = build.result.stages[0].explored
    assert builder.layer_of("/scratch.bin").line == 3 and builder.layer_of("/scratch.bin").stage == 0


def test_copy_from_edge_carries_what_the_builder_had_there(files_build):
    build, _ = files_build
    (crossing,) = build.result.copies
    builder = build.result.stages[0].explored
    under_out = {p: f.size for p, f in builder.files.items() if p.startswith("out/") and f.kind != "5"}
    assert (crossing.line, crossing.source, crossing.target) == (7, 0, 1)
    assert crossing.files == len(under_out) == 2
    assert crossing.bytes == sum(under_out.values()) == 300 * 1024 + 4


def test_lint_from_facts_sits_on_the_deleting_line(files_build):
    build, _ = files_build
    doc = parse(MULTI)
    (finding,) = buried_findings(doc, buried_facts(build.result.stages[1].explored))
    assert finding.line == 8 and finding.code == "deleted-in-later-layer"
    assert "`/tmp/huge.bin` (2.10 MB) is written at line 6 and deleted at line 8" in finding.message
    assert MULTI[finding.start:finding.end] == "RUN rm /tmp/huge.bin"


def test_cli_build_files_json(docker_client, tmp_path, capsys):
    from testimages import TEST_LABEL

    (tmp_path / "Dockerfile").write_text(MULTI)
    code = main(["build", str(tmp_path / "Dockerfile"), "--files", "--json", "--label", f"{TEST_LABEL}=1"])
    assert code == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    final = result["stages"][1]["files"]
    assert final["wasted_bytes"] == 2 * 1024 * 1024 and 0 < final["efficiency"] < 1
    assert {layer["line"] for layer in final["layers"]} == {5, 6, 7, 8}
    assert result["copies"] == [{"line": 7, "from": 0, "to": 1, "files": 2, "bytes": 300 * 1024 + 4}]
    assert all(f["line"] and f["stage"] is not None for f in final["files"])


def test_a_stage_image_removed_since_the_build_is_said_in_words(docker_client, tmp_path):
    """A new user saw ``ImageNotFound: 404 Cli...``: the stage image is gone, so say so."""
    from studio.engine.build_files import explore_stages
    from studio.engine.builder import Build, BuildRequest

    build = Build(BuildRequest("FROM stage-studio-test/busybox:latest AS work\nRUN echo hi > /x\n", str(tmp_path),
                               labels={OWN_LABEL: "1"}, sizes=True), client=docker_client)
    list(build.events())
    assert build.result.ok, build.result.error
    docker_client.api.remove_image(build.result.stages[0].image_id, force=True)
    (warning,) = list(explore_stages(build, docker_client.api))
    assert warning.message == ("the image of stage work is no longer in the engine (removed since the build); "
                               "build again to see its files")
