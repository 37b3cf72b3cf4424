"""Builds on a buildx builder (buildx 0.13.1, its ``docker`` driver, on both engines): the
same per-stage events as an Engine API build, failures on their line, cancel, sizes."""
from __future__ import annotations

import io
import subprocess
import threading
import tarfile
from pathlib import Path

import pytest
from testimages import TEST_LABEL

from studio.engine.builder import Build, BuildRequest
from studio.engine.buildx import list_builders

pytestmark = pytest.mark.engine
BB = "stage-studio-test/busybox:latest"
@pytest.fixture
def buildx(buildx_config, engine):
    return engine


def _build(docker_client, text: str, ctx: Path, **options):
    build = Build(BuildRequest(text, str(ctx), labels={TEST_LABEL: "1"}, builder="default", **options),
                  client=docker_client)
    return list(build.events()), build


def test_the_default_builder_uses_the_docker_driver(buildx):
    builders = {b.name: b for b in list_builders()}
    assert builders["default"].driver == "docker" and builders["default"].loads_into_engine


def test_a_buildx_build_reports_every_stage_and_its_steps(buildx, docker_client, tmp_path):
    (tmp_path / "in.txt").write_text("from the context\n")
    text = (f"FROM {BB} AS compile\nCOPY in.txt /in.txt\nRUN cat /in.txt > /out.txt\n"
            f"FROM {BB}\nCOPY --from=compile /out.txt /app/out.txt\n")
    events, build = _build(docker_client, text, tmp_path, no_cache=True, sizes=True)
    assert build.result.ok, build.result.error
    assert build.backend == "buildx"
    finished = {(e.stage, e.line) for e in events if e.event == "step_finished"}
    assert {(0, 2), (0, 3), (1, 5)} <= finished
    assert [s.state for s in build.result.stages] == ["done", "done"]
    container = docker_client.containers.create(build.result.image_id, command=["true"])
    try:
        stream, _ = container.get_archive("/app/out.txt")
        tar = tarfile.open(fileobj=io.BytesIO(b"".join(stream)))
        assert tar.extractfile("out.txt").read() == b"from the context\n"
    finally:
        container.remove(force=True)
    sizes = {s.index: s.size for s in build.result.stages}
    assert sizes[1] == docker_client.api.inspect_image(build.result.image_id)["Size"]


def test_a_failing_step_is_reported_on_its_line(buildx, docker_client, tmp_path):
    events, build = _build(docker_client, f"FROM {BB}\nRUN echo fine\nRUN exit 3\n", tmp_path, no_cache=True)
    assert not build.result.ok
    failure = build.result.error
    assert failure.line == 3 and failure.exit_code == 3 and events[-1].event == "build_failed"


def test_an_unknown_builder_is_named(buildx, docker_client, tmp_path):
    build = Build(BuildRequest(f"FROM {BB}\n", str(tmp_path), builder="no-such-builder"), client=docker_client)
    list(build.events())
    assert not build.result.ok and "no-such-builder" in build.result.error.message


def test_cancel_stops_buildx_and_its_build(buildx, docker_client, tmp_path):
    # Cancel once the step's process runs (it says so): Docker 26.1's BuildKit can miss a cancel
    # that arrives between the step's start and its process's, through buildx and the CLI alike.
    build = Build(BuildRequest(f"FROM {BB}\nRUN echo running && sleep 67.25\n", str(tmp_path), builder="default",
                               no_cache=True, labels={TEST_LABEL: "1"}), client=docker_client)
    for event in build.events():
        if event.event == "step_log" and "running" in event.text:
            build.cancel()
    assert not build.result.ok and "cancel" in build.result.error.message
    assert build.buildx.process.poll() is not None

    def sleeping() -> bool:  # the step's process, by its own odd duration
        return any(line.strip() == "sleep 67.25" for line in
                   subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout.splitlines())

    gone = threading.Event()
    for _ in range(100):  # the engine stops the step when buildx cancels: wait for that, at most 10 s
        if not sleeping():
            gone.set()
            break
        gone.wait(0.1)
    assert gone.is_set(), "the RUN step kept running after the cancel"


@pytest.mark.parametrize("cli", ["/usr/bin/docker", "/usr/local/bin/docker"])
def test_a_docker_cli_without_buildx_is_named(engine, docker_client, tmp_path, monkeypatch, cli):
    """Debian's 20.10 CLI and the 28.x client here have no buildx plugin: the real CLI's own
    complaint is kept and the fix is named, never just an exit code."""
    if not Path(cli).exists():
        pytest.skip(f"{cli} is not installed")
    probe = subprocess.run([cli, "buildx", "version"], capture_output=True, text=True,
                           env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    if probe.returncode == 0:
        pytest.skip(f"{cli} has a buildx plugin here")
    monkeypatch.setenv("STAGE_STUDIO_DOCKER", cli)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.docker/cli-plugins of the test user
    build = Build(BuildRequest(f"FROM {BB}\n", str(tmp_path), builder="default"), client=docker_client)
    list(build.events())
    message = build.result.error.message
    assert not build.result.ok and "has no buildx plugin" in message and "docker-buildx" in message
    assert "exited with" not in message
