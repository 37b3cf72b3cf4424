"""The light socket client: a fake HTTP server on a unix socket, then the real engine."""
from __future__ import annotations

import json
import socket
import threading

import docker
import pytest
from helpers import by_kind, cancel_when

from studio.engine import rawhttp
from studio.engine.builder import LIGHT_CLIENT_ENV, Build, BuildRequest


def serve_once(path: str, reply: bytes, seen: list) -> threading.Thread:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)

    def run() -> None:
        conn, _ = server.accept()
        data = b""
        while b"\r\n\r\n" not in data:
            data += conn.recv(4096)
        head, body = data.split(b"\r\n\r\n", 1)
        length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1]) \
            if b"content-length" in head.lower() else 0
        while len(body) < length:
            body += conn.recv(4096)
        seen.append((head.decode(), body))
        for i in range(0, len(reply), 7):  # dribble the answer out in small pieces
            conn.sendall(reply[i:i + 7])
        conn.close()
        server.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_chunked_answer_and_sized_body(tmp_path):
    path = str(tmp_path / "fake.sock")
    messages = [b'{"stream":"one"}\r\n', b'{"stream":"two"}\r\n']
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(m), m) for m in messages) + b"0\r\n\r\n"
    seen: list = []
    thread = serve_once(path, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked, seen)
    response = rawhttp.request(f"unix://{path}", "POST", "/build", {"t": "a b"}, body=[b"abc", b"de"], length=5)
    assert response.status_code == 200
    assert b"".join(response.chunks()) == b"".join(messages)
    thread.join(2)
    head, body = seen[0]
    assert head.startswith("POST /build?t=a+b HTTP/1.1") and body == b"abcde"


def test_error_status_and_content_length(tmp_path):
    path = str(tmp_path / "fake.sock")
    payload = json.dumps({"message": "no such image"}).encode()
    serve_once(path, b"HTTP/1.1 404 Not Found\r\nContent-Length: %d\r\n\r\n%s" % (len(payload), payload), [])
    with pytest.raises(rawhttp.TransportError, match="404: no such image"):
        rawhttp.LightAPI(f"unix://{path}").inspect_image("nope")


def test_not_http_is_an_error(tmp_path):
    path = str(tmp_path / "fake.sock")
    serve_once(path, b"SSH-2.0-nope\r\n\r\n", [])
    with pytest.raises(rawhttp.TransportError):
        rawhttp.request(f"unix://{path}", "GET", "/_ping")


def test_light_client_builds_and_cancels_against_the_engine(engine, context_dir, monkeypatch):
    monkeypatch.setenv(LIGHT_CLIENT_ENV, "light")
    text = "FROM stage-studio-test/busybox:latest\nRUN echo light-start && sleep 39\n"
    build = Build(BuildRequest(text, str(context_dir), no_cache=True, labels={"io.github.stagestudio.test": "1"}))
    events, took = cancel_when(build, lambda e: e.event == "step_log" and "light-start" in e.text)
    assert build._host == engine.host and build._client is None  # the SDK was not used
    assert by_kind(events, "build_started")[0].backend == "buildkit"
    assert took < 3 and build.result.error.message == "the build was cancelled"


def test_builds_go_through_the_docker_sdk_unless_the_light_client_is_asked_for(docker_client, context_dir,
                                                                               monkeypatch):
    monkeypatch.delenv(LIGHT_CLIENT_ENV, raising=False)
    text = "FROM stage-studio-test/busybox:latest\nRUN echo sdk-path\n"
    build = Build(BuildRequest(text, str(context_dir), labels={"io.github.stagestudio.test": "1"}))
    events = list(build.events())
    assert build.result.ok, [e for e in events if e.event == "build_failed"]
    assert isinstance(build._client, docker.DockerClient)  # the SDK made the calls
