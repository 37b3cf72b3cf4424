"""Registry credentials through the session: a registry on loopback asks for a login, the
engine asks the session, and the credentials of the user's docker config reach the
registry. (The registry then says "not found": nothing is pulled.)"""
from __future__ import annotations

import base64
import json
import shutil
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from studio.engine.builder import Build, BuildRequest

pytestmark = pytest.mark.engine
CERTS_D = Path("/etc/docker/certs.d")  # both engines read a registry's CA from here


class _Registry(BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        type(self).seen.append((self.path, self.headers.get("Authorization")))
        if not self.headers.get("Authorization"):
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="stage-studio-test"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}'
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET  # noqa: N815

    def log_message(self, *args):
        pass


class _EitherServer(ThreadingHTTPServer):
    """HTTP and HTTPS on one port: Docker 20.10's BuildKit speaks plain HTTP to a loopback
    registry (insecure by default), 26.1's speaks TLS."""

    tls: ssl.SSLContext

    def get_request(self):
        sock, address = super().get_request()
        first = sock.recv(1, socket.MSG_PEEK)
        if first == b"\x16":  # a TLS ClientHello
            sock = self.tls.wrap_socket(sock, server_side=True)
        return sock, address


@pytest.fixture
def registry(tmp_path):
    """A registry on 127.0.0.1 (HTTP, or TLS with a CA the engines trust for its port only)."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    server = _EitherServer(("127.0.0.1", 0), _Registry)
    server.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.tls.load_cert_chain(cert, key)
    host = f"127.0.0.1:{server.server_address[1]}"
    trust = CERTS_D / host
    trust.mkdir(parents=True, exist_ok=True)
    shutil.copy(cert, trust / "ca.crt")
    _Registry.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield host
    finally:
        server.shutdown()
        shutil.rmtree(trust, ignore_errors=True)


def test_the_engine_gets_registry_credentials_from_the_users_docker_config(registry, engine, tmp_path,
                                                                          monkeypatch):
    config = tmp_path / "docker-config"
    config.mkdir()
    login = base64.b64encode(b"tester:s3cret-pass").decode()
    (config / "config.json").write_text(json.dumps({"auths": {registry: {"auth": login}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    (tmp_path / "ctx").mkdir()
    build = Build(BuildRequest(f"FROM {registry}/team/app:1\nRUN true\n", str(tmp_path / "ctx")))
    list(build.events())
    assert not build.result.ok and build.result.error.line == 1
    assert (None in {auth for _, auth in _Registry.seen}), "the registry never asked for a login"
    assert f"Basic {login}" in {auth for _, auth in _Registry.seen}, _Registry.seen
