"""Shared test setup: Qt runs offscreen, and every engine test runs once per engine."""
from __future__ import annotations

import os

import docker
import pytest
from engines import NO_ENGINE_HOST, EngineSpec, configured, version_mismatch, wanted
from testimages import remove_test_images

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_SCALE_FACTOR_ROUNDING_POLICY", "PassThrough")
# The user's real settings and recovery files are never touched by tests.
os.environ.setdefault("XDG_CONFIG_HOME", os.path.join(os.environ.get("TMPDIR", "/tmp"), "stage-studio-test-config"))
os.environ.setdefault("XDG_DATA_HOME", os.path.join(os.environ.get("TMPDIR", "/tmp"), "stage-studio-test-data"))

BUSYBOX = "stage-studio-test/busybox:latest"


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "engine_since(version, why): run only on engines at least this version")
    config.addinivalue_line("markers", "engine_before(version, why): run only on engines older than this version")


def pytest_generate_tests(metafunc) -> None:
    """Every test that uses the ``engine`` fixture (``docker_client`` and ``run_build`` use it)
    runs once per configured engine, with the engine's name as its id."""
    if "engine" not in metafunc.fixturenames:
        return
    since = metafunc.definition.get_closest_marker("engine_since")
    before = metafunc.definition.get_closest_marker("engine_before")
    specs = [spec for spec in configured()
             if wanted(spec, since.args[0] if since else None, before.args[0] if before else None)]
    metafunc.parametrize("engine", specs, ids=[spec.name for spec in specs], indirect=True, scope="session")


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if "engine" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.engine)


class Engine:
    """One running engine the tests build on: its name, host, version and an SDK client."""

    def __init__(self, spec: EngineSpec, client: docker.DockerClient, version: str) -> None:
        self.name, self.host, self.client, self.version = spec.name, spec.host, client, version

    def __repr__(self) -> str:
        return f"Engine({self.name}, {self.host}, {self.version})"


@pytest.fixture(scope="session")
def engine(request):
    """The engine of this test's id. One that is listed but does not answer fails the test
    (it never skips): start it with ./dev engine debian|modern, or change STUDIO_TEST_ENGINES."""
    spec: EngineSpec = request.param
    environment = {k: v for k, v in os.environ.items() if k != "DOCKER_CONTEXT"}
    environment["DOCKER_HOST"] = spec.host
    try:
        client = docker.from_env(environment=environment, timeout=120)
        version = client.version()["Version"]
    except docker.errors.DockerException as exc:
        pytest.fail(f"engine {spec.name} does not answer at {spec.host} (./dev engine debian|modern): {exc}")
    if (why := version_mismatch(spec, version)) is not None:
        pytest.fail(why)
    try:
        client.images.get(BUSYBOX)
    except docker.errors.ImageNotFound:
        pytest.fail(f"offline base image {BUSYBOX} is missing on {spec.name} "
                    f"(DOCKER_HOST={spec.host} scripts/make_test_images.py)")
    yield Engine(spec, client, version)
    if not _other_test_runs():
        try:  # every image the tests make carries TEST_LABEL; remove them all
            remove_test_images(client)
        except docker.errors.DockerException:  # pragma: no cover - engine gone
            pass
    client.close()


_RUNS = os.path.join(os.environ.get("TMPDIR", "/tmp"), "stage-studio-test-runs")


def _other_test_runs() -> bool:
    """Whether another test run uses the engines now: then its images must stay (the label
    is shared), and the last run to finish removes them."""
    try:
        pids = [int(name) for name in os.listdir(_RUNS) if name.isdigit()]
    except OSError:
        return False
    return any(pid != os.getpid() and os.path.exists(f"/proc/{pid}") for pid in pids)


def pytest_sessionstart(session) -> None:
    os.makedirs(_RUNS, exist_ok=True)
    open(os.path.join(_RUNS, str(os.getpid())), "w").close()


def pytest_sessionfinish(session, exitstatus) -> None:
    try:
        os.remove(os.path.join(_RUNS, str(os.getpid())))
    except OSError:
        pass


@pytest.fixture(scope="session")
def docker_client(engine) -> docker.DockerClient:
    return engine.client


@pytest.fixture(scope="session")
def busybox_image(engine) -> str:
    return BUSYBOX


@pytest.fixture(autouse=True)
def _engine_host(request, monkeypatch):
    """Code under test reaches the engine of the test's id through DOCKER_HOST; a test that
    did not ask for an engine reaches none, so it cannot quietly test one engine only."""
    if "engine" in request.fixturenames:
        monkeypatch.setenv("DOCKER_HOST", request.getfixturevalue("engine").host)
    else:
        monkeypatch.setenv("DOCKER_HOST", NO_ENGINE_HOST)
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)


# scripts/engine-modern unpacks Debian 13's docker-buildx 0.13.1 beside the modern engine.
BUILDX_PLUGIN = "/var/lib/stage-studio-modern/root/usr/libexec/docker/cli-plugins/docker-buildx"


@pytest.fixture
def buildx_config(tmp_path, monkeypatch):
    """A docker config folder whose CLI plugins hold buildx (set as DOCKER_CONFIG)."""
    if not os.path.isfile(BUILDX_PLUGIN):
        pytest.fail(f"{BUILDX_PLUGIN} is missing: ./dev engine modern unpacks buildx 0.13.1 there")
    config = tmp_path / "docker-config"
    (config / "cli-plugins").mkdir(parents=True)
    (config / "cli-plugins" / "docker-buildx").symlink_to(BUILDX_PLUGIN)
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    return config
