"""Engine tests talk to a real dockerd (started by scripts/engine-up) and never pull."""
from __future__ import annotations

import docker
import pytest
from testimages import TEST_LABEL, remove_test_images

BUSYBOX = "stage-studio-test/busybox:latest"


@pytest.fixture(scope="session")
def docker_client():
    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except docker.errors.DockerException as exc:  # pragma: no cover - environment problem
        pytest.fail(f"no Docker Engine answers (run scripts/engine-up): {exc}")
    try:
        client.images.get(BUSYBOX)
    except docker.errors.ImageNotFound:  # pragma: no cover
        pytest.fail(f"offline base image {BUSYBOX} is missing (run scripts/engine-up)")
    yield client
    client.close()


@pytest.fixture(scope="session")
def busybox_image(docker_client) -> str:
    return BUSYBOX




@pytest.fixture(scope="session", autouse=True)
def _remove_test_images():
    """Every image the engine tests make carries TEST_LABEL; remove them all at the end."""
    yield
    try:
        client = docker.from_env(timeout=60)
        remove_test_images(client)
        client.close()
    except docker.errors.DockerException:  # pragma: no cover - engine gone
        pass


@pytest.fixture
def context_dir(tmp_path):
    """A small build context: two files and a .dockerignore that excludes one of them."""
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "a.txt").write_text("hello\n")
    (ctx / "secret.key").write_text("do not send\n")
    (ctx / ".dockerignore").write_text("*.key\n")
    return ctx


@pytest.fixture
def run_build(docker_client, context_dir):
    """Run a build to the end; returns (events, result, build)."""
    from studio.engine.builder import Build, BuildRequest

    def run(text: str, context=None, **options):
        labels = {TEST_LABEL: "1", **options.pop("labels", {})}
        request = BuildRequest(text, str(context or context_dir), labels=labels, **options)
        build = Build(request, client=docker_client)
        events = list(build.events())
        return events, build.result, build

    return run
