"""The save asked for before the SDK is loaded (early_save.py) gives the archive the SDK's
request gives, the engine's own refusal when it refuses, and a loud error when the name
moved to another image between the request and the inspect; only a local unix socket is
asked early, and nothing heavy is imported before the request leaves."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import docker
import pytest

from studio.engine.early_save import DEFAULT_SOCKET, EarlySave, EarlySaveError, local_socket
from studio.engine.explore import explore_image
from studio.engine.image_archive import ImageArchiveError, PendingSave, read_archive

ROOT = Path(__file__).resolve().parents[2]
LABEL = "io.github.stagestudio.test.early-save"


def _report_facts(report) -> tuple:
    return (report.image_id, report.layout, [(layer.size, layer.instruction, [tuple(c) for c in layer.changes])
                                             for layer in report.layers],
            sorted((p, f.size, f.layer) for p, f in report.files.items()), report.dive.wasted_bytes,
            report.dive.efficiency)


@pytest.mark.engine
def test_early_request_reads_the_same_archive_as_the_sdks(docker_client, busybox_image):
    early = EarlySave.start(busybox_image)
    assert early is not None, "the test engine is on a unix socket: the save must be asked early"
    try:
        pending = PendingSave(docker_client.api, busybox_image, early)
        ours = explore_image(docker_client.api, busybox_image, pending=pending)
    finally:
        early.close()
    assert early._body is not None  # the early answer was the one read
    sdk_side = explore_image(docker_client.api, busybox_image)
    assert _report_facts(ours) == _report_facts(sdk_side)
    assert ours.files


@pytest.mark.engine
def test_engine_refusal_is_the_engines_message(docker_client):
    early = EarlySave.start("stage-studio-test/no-such-image:never")
    assert early is not None
    try:
        with pytest.raises(EarlySaveError) as caught:
            early.adopt(60)
    finally:
        early.close()
    text = str(caught.value)
    assert "refused to save" in text and "no-such-image" in text  # the engine names the reference


@pytest.mark.engine
def test_a_name_moved_to_another_image_fails_loudly(docker_client, busybox_image, tmp_path):
    tag = "stage-studio-test/early-save-moved:1"
    other = docker_client.images.build(fileobj=_dockerfile(busybox_image), labels={LABEL: "1"}, rm=True)[0]
    docker_client.api.tag(busybox_image, tag)
    try:
        early = EarlySave.start(tag)
        try:
            body = early.adopt(300)  # the engine has resolved the name: it saves busybox
            docker_client.api.tag(other.id, tag)  # now the name is another image's
            pending = PendingSave(docker_client.api, tag, early)
            assert pending.stream() is not None and early.adopt(1) is body
            archive = read_archive(pending.stream())
            with pytest.raises(ImageArchiveError, match="changed while it was read"):
                pending.check(archive)
        finally:
            early.close()
    finally:
        for name in (tag, other.id):  # the tag may have been the other image's only name
            try:
                docker_client.api.remove_image(name)
            except docker.errors.NotFound:
                pass


def _dockerfile(base: str):
    import io

    return io.BytesIO(f"FROM {base}\nRUN echo moved > /moved.txt\n".encode())


@pytest.mark.engine
def test_cli_explore_asks_before_importing_the_sdk(engine, busybox_image):
    """The command's request leaves before ``docker`` (the SDK, ~0.08 s of imports) or
    studio.core's parser is loaded: the engine starts writing the image that much sooner."""
    probe = (
        "import sys\n"
        "import studio.engine.early_save as e\n"
        "start = e.EarlySave.start\n"
        "def spy(image, path=None):\n"
        "    heavy = sorted(m for m in ('docker', 'requests', 'studio.core.parser', 'studio.engine.explore')"
        " if m in sys.modules)\n"
        "    print('HEAVY', heavy, file=sys.stderr)\n"
        "    got = start(image, path)\n"
        "    print('EARLY', got is not None, file=sys.stderr)\n"
        "    return got\n"
        "e.EarlySave.start = staticmethod(spy)\n"
        "from studio.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    env = {**os.environ, "DOCKER_HOST": engine.host}
    env.pop("DOCKER_CONTEXT", None)
    proc = subprocess.run([sys.executable, "-c", probe, "explore", busybox_image, "--json"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stderr and "EARLY True" in proc.stderr
    assert json.loads(proc.stdout)["files"]


def test_only_a_local_unix_socket_is_asked_early(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
    monkeypatch.setenv("DOCKER_HOST", "unix:///run/some/docker.sock")
    assert local_socket() == "/run/some/docker.sock"
    for host in ("tcp://127.0.0.1:2375", "ssh://me@host", "npipe:////./pipe/docker_engine"):
        monkeypatch.setenv("DOCKER_HOST", host)
        assert local_socket() is None
    monkeypatch.delenv("DOCKER_HOST")
    assert local_socket() == DEFAULT_SOCKET
    monkeypatch.setenv("DOCKER_CONTEXT", "remote")
    assert local_socket() is None
    monkeypatch.delenv("DOCKER_CONTEXT")
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "remote"}))
    assert local_socket() is None
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "default"}))
    assert local_socket() == DEFAULT_SOCKET


def test_no_socket_means_no_early_request(tmp_path):
    assert EarlySave.start("any:1", str(tmp_path / "missing.sock")) is None


ODD_NAMES = ["../../containers/json", "a//b", "a/./b", "x?all=1", "x#y", "with space", "-rm", "", "ünïcode"]
PLAIN_NAMES = ["busybox", "stage-studio-test/busybox:latest", "localhost:5000/a/b:1.0-rc_2", "sha256:" + "0" * 64,
               "a@sha256:" + "f" * 64, "0123abcd"]


@pytest.mark.parametrize("name, asked", [(n, False) for n in ODD_NAMES] + [(n, True) for n in PLAIN_NAMES])
def test_only_a_plain_reference_is_asked_early(tmp_path, name, asked):
    """A name a URL path would read otherwise ('..', '//', '?') is left to the SDK's request."""
    path = str(tmp_path / "fake.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    try:
        early = EarlySave.start(name, path)
        assert (early is not None) == asked
        if early is not None:
            early.close()
    finally:
        server.close()


@pytest.mark.parametrize("answer, words", [
    (b"", "closed the connection before answering"),
    (b"SSH-2.0-OpenSSH_9.2\r\n\r\n", "not HTTP"),
    (b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: 27\r\n\r\n"
     b'{"message":"disk is full"}\n', "refused to save name/with+plus:1 (500): disk is full"),
])
def test_odd_answers_are_named(tmp_path, answer, words):
    path = str(tmp_path / "fake.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    asked: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(4096)
            asked.append(data)
            conn.sendall(answer)

    thread = threading.Thread(target=serve)
    thread.start()
    early = EarlySave.start("name/with+plus:1", path)
    try:
        with pytest.raises(EarlySaveError, match=re.escape(words)):
            early.adopt(10)
    finally:
        early.close()
        thread.join()
        server.close()
    assert asked[0].startswith(b"GET /images/name/with%2Bplus:1/get HTTP/1.1\r\n")
