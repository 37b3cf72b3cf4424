"""Engine status and connection: the real engine, an engine that is down, docker contexts."""
from __future__ import annotations

import hashlib
import json
import threading

import pytest

from studio.engine.connection import EngineUnavailable, connect, engine_status, resolve_endpoint


def test_status_of_the_running_engine(docker_client):
    status = engine_status(timeout=5)
    version = docker_client.version()
    assert status.ok, status.message
    assert status.server_version == version["Version"] and status.api_version == version["ApiVersion"]
    assert status.os == version["Os"] and status.arch == version["Arch"]
    assert status.buildkit is True
    assert version["Version"] in status.message


@pytest.mark.parametrize("host", ["unix:///tmp/stage-studio-no-engine.sock", "tcp://127.0.0.1:9"])
def test_engine_down_gives_a_clear_status_quickly(monkeypatch, host):
    monkeypatch.setenv("DOCKER_HOST", host)
    answers = []
    asking = threading.Thread(target=lambda: answers.append(engine_status(timeout=3)), daemon=True)
    asking.start()
    asking.join(30)  # a guard against a hang, not a measurement
    assert answers, "engine_status hung on an engine that is down"
    status = answers[0]
    assert not status.ok
    assert "no Docker Engine is running at" in status.message and host in status.message
    assert "Traceback" not in status.message
    with pytest.raises(EngineUnavailable):
        connect(timeout=2)


def _write_context(config_dir, name: str, host: str) -> None:
    meta_dir = config_dir / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    meta_dir.mkdir(parents=True)
    (meta_dir / "meta.json").write_text(json.dumps(
        {"Name": name, "Metadata": {}, "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": False}}}))


def test_docker_context_from_config_and_env(tmp_path, monkeypatch):
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    _write_context(tmp_path, "remote", "unix:///tmp/stage-studio-ctx-missing.sock")
    _write_context(tmp_path, "local", "unix:///var/run/docker.sock")
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "remote"}))
    endpoint = resolve_endpoint()
    assert (endpoint.context, endpoint.host) == ("remote", "unix:///tmp/stage-studio-ctx-missing.sock")
    status = engine_status(timeout=3)
    assert not status.ok and "context remote" in status.message
    # DOCKER_CONTEXT overrides the config file; DOCKER_HOST overrides both
    monkeypatch.setenv("DOCKER_CONTEXT", "local")
    assert engine_status(timeout=5).ok
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:9")
    assert resolve_endpoint().host == "tcp://127.0.0.1:9"


def test_unknown_context_is_reported(tmp_path, monkeypatch):
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    monkeypatch.setenv("DOCKER_CONTEXT", "ghost")
    status = engine_status(timeout=3)
    assert not status.ok and "ghost" in status.message


def test_ssh_engines_get_time_for_the_handshake():
    from studio.engine.connection import SSH_TIMEOUT, Endpoint, _time_for

    assert _time_for(Endpoint("ssh://me@buildhost", "default"), 3.0) == SSH_TIMEOUT
    assert _time_for(Endpoint("ssh://me@buildhost", "remote"), 30.0) == 30.0
    assert _time_for(Endpoint("unix:///var/run/docker.sock", "default"), 3.0) == 3.0
    assert _time_for(Endpoint(None, "default"), 3.0) == 3.0
