"""One test per private internal of the docker SDK that studio.engine.sdk wraps, against the
installed SDK and a real engine: an SDK release that moves one fails here, by name."""
from __future__ import annotations

import io
import re
import tarfile
import threading
from importlib.metadata import version

import docker
import pytest
from testimages import TEST_LABEL

from studio.engine import sdk

BUSYBOX = "stage-studio-test/busybox:latest"


def test_the_installed_sdk_is_the_pinned_major():
    assert version("docker").split(".")[0] == "7"


def test_get_returns_the_raw_response_with_its_headers(docker_client):
    response = sdk.get(docker_client.api, "/_ping", 10)
    assert response.status_code == 200 and response.text == "OK"
    assert response.headers["Api-Version"] == docker_client.version()["ApiVersion"]


def test_get_body_reads_the_whole_chunked_body_into_our_buffer(docker_client):
    image = "stage-studio-test/busybox:latest"
    expected = b"".join(docker_client.api.get_image(image))
    readinto = sdk.get_body(docker_client.api, f"/images/{image}/get")
    buf, got = bytearray(70_000), []  # not a multiple of the engine's chunks
    while n := readinto(buf):
        got.append(bytes(buf[:n]))
    body = b"".join(got)
    # (Docker 25+ stamps the save's blobs/sha256 folder with the time of the save: two saves
    # a second apart differ there, and only there)
    assert len(body) == len(expected) and _members(body) == _members(expected)
    with pytest.raises(docker.errors.NotFound):
        sdk.get_body(docker_client.api, "/images/stage-studio-no-such-image:x/get")


def _members(archive: bytes) -> list[tuple]:
    """A tar's entries, each with its content, all but the folders' times."""
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        return [(m.name, m.type, m.size, m.mode, m.linkname, m.mtime if not m.isdir() else None,
                 tar.extractfile(m).read() if m.isreg() else None) for m in tar]


def test_get_raw_body_hands_over_the_socket_and_what_http_client_buffered(docker_client):
    from studio.engine.socket_reader import body_chunks

    image = "stage-studio-test/busybox:latest"
    expected = b"".join(docker_client.api.get_image(image))
    body = sdk.get_raw_body(docker_client.api, f"/images/{image}/get")
    assert isinstance(body, sdk.RawBody) and body.chunked  # a unix socket; the engine chunks the archive
    got = b"".join(bytes(v) for v in body_chunks(body, 60))
    assert len(got) == len(expected) and _members(got) == _members(expected)  # (see the test above)
    with pytest.raises(docker.errors.NotFound):
        sdk.get_raw_body(docker_client.api, "/images/stage-studio-no-such-image:x/get")


def test_get_json_decodes_and_raises_the_sdks_error(docker_client):
    assert sdk.get_json(docker_client.api, "/version", 10)["Version"] == docker_client.version()["Version"]
    with pytest.raises(docker.errors.NotFound):
        sdk.get_json(docker_client.api, "/images/stage-studio-no-such-image:x/json", 10)


def test_url_and_set_api_version(engine):
    api = docker.APIClient(base_url=engine.host, version="1.30")
    try:
        assert re.search(r"/v1\.30/build$", sdk.url(api, "/build"))
        sdk.set_api_version(api, "1.41")
        assert api.api_version == "1.41" and sdk.url(api, "/build").endswith("/v1.41/build")
        assert sdk.get(api, "/_ping", 10).status_code == 200
    finally:
        api.close()


def _context(dockerfile: str) -> bytes:
    data = dockerfile.encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_post_stream_streams_and_its_socket_shutdown_ends_the_build(docker_client):
    """The build's socket, shut down from another thread, unblocks the reader (a cancel)."""
    body = _context(f"FROM {BUSYBOX}\nRUN echo started && sleep 120\n")
    params = {"nocache": "1", "labels": f'{{"{TEST_LABEL}": "1"}}', "rm": "1", "forcerm": "1"}
    response, chunks, sock = sdk.post_stream(docker_client.api, "/build", params, body,
                                             {"Content-Type": "application/x-tar"})
    assert response.status_code == 200 and sock is not None and hasattr(sock, "shutdown")
    seen = bytearray()
    started, ended = threading.Event(), threading.Event()

    def read() -> None:
        try:
            for chunk in chunks:
                seen.extend(chunk)
                if b"started" in seen:
                    started.set()
        except Exception:  # noqa: BLE001 - a shut-down socket raises from deep inside
            pass
        ended.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert started.wait(60), seen.decode(errors="replace")[-500:]
    sdk.response_socket(response).shutdown(2)
    assert ended.wait(30), "the reader was not unblocked by the shutdown"
    response.close()


def test_use_adapter_sends_every_request_through_ours(docker_client, engine):
    if not engine.host.startswith("unix://"):
        pytest.skip("the adapter under test speaks to a unix socket")
    from docker.transport import UnixHTTPAdapter

    sent = []

    class Recording(UnixHTTPAdapter):
        def send(self, request, *args, **kwargs):
            sent.append(request.path_url)
            return super().send(request, *args, **kwargs)

    client = docker.DockerClient(base_url=engine.host, version=docker_client.api.api_version)
    try:
        sdk.use_adapter(client.api, Recording("http+unix://" + engine.host.removeprefix("unix://")))
        assert client.ping() is True
        assert any(path.endswith("/_ping") for path in sent)
    finally:
        client.close()


def test_new_connection_is_a_live_connection_to_the_engine(docker_client):
    conn = sdk.new_connection(docker_client.api, "/_ping")
    try:
        conn.sock.sendall(b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer:
            part = conn.sock.recv(4096)
            if not part:
                break
            answer += part
        assert answer.startswith(b"HTTP/1.1 200")
    finally:
        conn.close()
