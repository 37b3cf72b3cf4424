"""Engine tests talk to a real dockerd (started by scripts/engine-up) and never pull."""
from __future__ import annotations

import docker
import pytest

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
