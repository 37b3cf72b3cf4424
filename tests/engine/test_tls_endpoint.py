"""A TLS-protected ``tcp://`` engine, reached through DOCKER_HOST/DOCKER_TLS_VERIFY/
DOCKER_CERT_PATH and through a docker context that carries TLS material.

The endpoint is tests/engine/tls_proxy.py: mutual TLS in front of the local engine.
"""
from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from prerequisites import require
from testimages import TEST_LABEL

from studio.engine.builder import Build, BuildRequest
from studio.engine.connection import EngineUnavailable, connect, engine_status
from studio.engine.events import BuildFinished, BuildStarted

from tls_proxy import TlsEngineProxy, make_certificates


@pytest.fixture(autouse=True)
def _openssl_available():
    require(None if shutil.which("openssl") else "needs the openssl command")


BUSYBOX = "stage-studio-test/busybox:latest"


@pytest.fixture(scope="module")
def tls_engine(tmp_path_factory, engine):
    if not engine.host.startswith("unix://"):
        pytest.skip(f"the TLS proxy forwards to a unix socket; {engine.name} is at {engine.host}")
    certs = make_certificates(tmp_path_factory.mktemp("tls"))
    proxy = TlsEngineProxy(certs, engine.host.removeprefix("unix://"))
    yield proxy, certs
    proxy.close()


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))
    return monkeypatch


def _build(tmp_path, marker: str):
    ctx = tmp_path / "ctx"
    ctx.mkdir(exist_ok=True)
    (ctx / "note.txt").write_text(marker)
    text = f"FROM {BUSYBOX} AS base\nCOPY note.txt /note.txt\nRUN grep -q {marker} /note.txt\n"
    build = Build(BuildRequest(text, str(ctx), labels={TEST_LABEL: "1"}, no_cache=True))
    return list(build.events()), build


def test_docker_host_with_tls_variables(tls_engine, clean_env, tmp_path, docker_client):
    proxy, certs = tls_engine
    clean_env.setenv("DOCKER_HOST", proxy.host)
    clean_env.setenv("DOCKER_TLS_VERIFY", "1")
    clean_env.setenv("DOCKER_CERT_PATH", str(certs["ca"].parent))
    status = engine_status(timeout=5)
    assert status.ok, status.message
    assert status.server_version == docker_client.version()["Version"]
    assert status.host == proxy.host
    events, build = _build(tmp_path, "over-tls-env")
    assert build.result.ok, build.result.error
    assert build._client is not None  # went through the SDK
    assert isinstance(events[-1], BuildFinished)
    assert any(isinstance(e, BuildStarted) and e.backend == "buildkit" for e in events)
    assert docker_client.images.get(build.result.image_id).labels[TEST_LABEL] == "1"


def test_docker_context_with_tls_material(tls_engine, clean_env, tmp_path):
    proxy, certs = tls_engine
    config = tmp_path / "docker-config"
    digest = hashlib.sha256(b"secure").hexdigest()
    meta = config / "contexts" / "meta" / digest
    meta.mkdir(parents=True)
    meta.joinpath("meta.json").write_text(json.dumps(
        {"Name": "secure", "Metadata": {}, "Endpoints": {"docker": {"Host": proxy.host, "SkipTLSVerify": False}}}))
    tls = config / "contexts" / "tls" / digest / "docker"
    tls.mkdir(parents=True)
    for name in ("ca", "cert", "key"):
        shutil.copy(certs[name], tls / f"{name}.pem")
    (config / "config.json").write_text(json.dumps({"currentContext": "secure"}))
    status = engine_status(timeout=5)
    assert status.ok, status.message
    assert "context secure" in status.host
    events, build = _build(tmp_path, "over-tls-context")
    assert build.result.ok, build.result.error
    assert isinstance(events[-1], BuildFinished)


@pytest.mark.parametrize("case, expected", [
    ("client certificate from another CA", "not accept this client certificate"),
    ("key of another certificate", "cert.pem and key.pem do not belong together"),
    ("no TLS asked for", "only speaks TLS: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH"),
])
def test_tls_failures_are_explained(tls_engine, clean_env, tmp_path, case, expected):
    proxy, certs = tls_engine
    mine = tmp_path / "certs"
    mine.mkdir()
    shutil.copy(certs["ca"], mine / "ca.pem")
    if case == "client certificate from another CA":
        other = make_certificates(tmp_path / "other-ca")
        shutil.copy(other["cert"], mine / "cert.pem")
        shutil.copy(other["key"], mine / "key.pem")
    else:
        shutil.copy(certs["cert"], mine / "cert.pem")
        shutil.copy(certs["server_key"], mine / "key.pem")
    clean_env.setenv("DOCKER_HOST", proxy.host)
    if case != "no TLS asked for":
        clean_env.setenv("DOCKER_TLS_VERIFY", "1")
        clean_env.setenv("DOCKER_CERT_PATH", str(mine))
    status = engine_status(timeout=5)
    assert not status.ok
    assert proxy.host in status.message and "Traceback" not in status.message
    with pytest.raises(EngineUnavailable) as raised:
        connect(timeout=5)
    assert expected in str(raised.value), str(raised.value)
    if case != "no TLS asked for":
        assert str(raised.value).startswith(f"TLS handshake with the Docker Engine at {proxy.host} failed: ")
