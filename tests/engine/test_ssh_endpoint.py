"""An ``ssh://`` engine: DOCKER_HOST and a docker context, through a real sshd on loopback
and the system's ssh command (as the docker CLI does), with a build and a cancel."""
from __future__ import annotations

import hashlib
import json
import os
import time

import pytest
from prerequisites import require
import ssh_server
from helpers import by_kind, cancel_when, processes_running, wait_until
from testimages import TEST_LABEL

from studio.engine.builder import Build, BuildRequest
from studio.engine.connection import EngineUnavailable, connect, engine_status


@pytest.fixture(autouse=True)
def _sshd_available():
    require(ssh_server.available())


BUSYBOX = "stage-studio-test/busybox:latest"


@pytest.fixture(scope="module")
def sshd(tmp_path_factory, engine):
    server = ssh_server.SshServer(tmp_path_factory.mktemp("sshd"), engine.host)
    yield server
    server.close()


@pytest.fixture
def over_ssh(sshd, monkeypatch, tmp_path):
    for name in ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))
    monkeypatch.setenv("PATH", f"{sshd.bin}{os.pathsep}{os.environ['PATH']}")
    return monkeypatch


def test_docker_host_over_ssh_builds(sshd, over_ssh, tmp_path, docker_client):
    over_ssh.setenv("DOCKER_HOST", sshd.host)
    status = engine_status(timeout=15)
    assert status.ok, status.message
    assert status.server_version == docker_client.version()["Version"] and status.host == sshd.host
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "n.txt").write_text("over-ssh\n")
    text = f"FROM {BUSYBOX} AS base\nCOPY n.txt /n.txt\nRUN grep -q over-ssh /n.txt\n"
    build = Build(BuildRequest(text, str(ctx), labels={TEST_LABEL: "1"}, no_cache=True))
    events = list(build.events())
    assert build.result.ok, build.result.error
    assert by_kind(events, "step_finished"), "no step reported over ssh"
    assert docker_client.images.get(build.result.image_id).labels[TEST_LABEL] == "1"


def test_docker_context_over_ssh(sshd, over_ssh, tmp_path):
    config = tmp_path / "docker-config"
    meta = config / "contexts" / "meta" / hashlib.sha256(b"tunnel").hexdigest()
    meta.mkdir(parents=True)
    meta.joinpath("meta.json").write_text(json.dumps(
        {"Name": "tunnel", "Metadata": {}, "Endpoints": {"docker": {"Host": sshd.host, "SkipTLSVerify": False}}}))
    (config / "config.json").write_text(json.dumps({"currentContext": "tunnel"}))
    status = engine_status(timeout=15)
    assert status.ok, status.message
    assert "context tunnel" in status.host


def test_cancel_over_ssh_stops_the_engine_build(sshd, over_ssh, tmp_path, docker_client):
    over_ssh.setenv("DOCKER_HOST", sshd.host)
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    marker = f"ssh-cancel-{time.time_ns()}"
    text = f"FROM {BUSYBOX}\nRUN echo {marker} && sleep 60\n"
    build = Build(BuildRequest(text, str(ctx), labels={TEST_LABEL: "1"}, no_cache=True))
    cancel_when(build, lambda e: e.event == "step_log" and marker in getattr(e, "text", ""))
    assert not build.result.ok and "cancel" in build.result.error.message
    wait_until(lambda: not processes_running(marker), 10, "the RUN process still runs after cancel over ssh")


def test_unreachable_ssh_host_is_reported(over_ssh, sshd):
    over_ssh.setenv("DOCKER_HOST", f"ssh://{sshd.user}@127.0.0.1:9")
    with pytest.raises(EngineUnavailable) as raised:
        connect(timeout=10)
    assert "ssh://" in str(raised.value) and "Traceback" not in str(raised.value)


def test_ssh_refusal_is_reported_in_ssh_words(sshd, monkeypatch, tmp_path):
    """Without the wrapper's key and host-key options, ssh itself refuses (unknown host key
    or no accepted key); the message carries ssh's own explanation."""
    for name in ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))
    monkeypatch.setenv("DOCKER_HOST", sshd.host)
    with pytest.raises(EngineUnavailable) as raised:
        connect(timeout=10)
    message = str(raised.value)
    assert message.startswith(f"cannot reach the Docker Engine at {sshd.host} over ssh: "), message
    assert any(words in message for words in ("Host key verification failed", "Permission denied")), message
