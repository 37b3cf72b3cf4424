"""What multi-stage "saved" means, checked against the engine: the final image plus the
saving equals the size of the gallery pair's real single-stage build (within 1 %)."""
from __future__ import annotations

from pathlib import Path

from studio.engine.builder import Build, BuildRequest

EXAMPLES = Path(__file__).resolve().parents[2] / "studio" / "resources" / "examples"


def build(client, name: str, label: str):
    text = (EXAMPLES / name).read_text()
    request = BuildRequest(text, str(EXAMPLES / "offline-demo"), sizes=True, labels={label: "1"})
    run = Build(request, client=client)
    list(run.events())
    assert run.result.ok, run.result.error
    return run.result


def test_final_plus_saved_is_the_single_stage_build(docker_client):
    from testimages import TEST_LABEL

    multi = build(docker_client, "offline-demo.multi.Dockerfile", TEST_LABEL)
    single = build(docker_client, "offline-demo.single.Dockerfile", TEST_LABEL)
    final = docker_client.api.inspect_image(multi.image_id)["Size"]
    real_single = docker_client.api.inspect_image(single.image_id)["Size"]
    assert multi.final["size"] == final
    estimate = final + multi.saved
    assert abs(estimate - real_single) <= real_single / 100, (estimate, real_single)
    # what the final image copies from the builders is not counted as saved
    copied = sum(layer.size for layer in multi.stages[2].layers if layer.instruction.startswith("COPY --from"))
    assert copied > 1_000_000 and multi.saved < real_single - copied + real_single / 100
