"""A minimal HTTP/1.1 client for the build stream over a plain unix or tcp socket.

Opt-in (STAGE_STUDIO_ENGINE_CLIENT=light); by default every call goes through the docker
SDK. Why it exists: importing the SDK (requests, urllib3) costs about 0.1 s, as much as a
whole cached build takes in the engine, which a one-shot CLI build of an all-cached file
notices. It serves local unix and plain tcp sockets only; TLS, ssh and npipe always use
the SDK. Requests use unversioned paths,
which the engine serves at its own API version (no version negotiation round trip).
"""
from __future__ import annotations

import socket
from collections.abc import Iterable, Iterator
from urllib.parse import urlencode, urlsplit

READ_SIZE = 64 * 1024


class TransportError(OSError):
    """The engine could not be reached or answered something that is not HTTP."""


def supported(host: str | None) -> bool:
    """True for endpoints this client speaks: the default socket, unix://, plain tcp://."""
    import os

    if os.environ.get("DOCKER_TLS_VERIFY") or os.environ.get("DOCKER_CERT_PATH"):
        return False
    return host is None or host.startswith("unix://") or host.startswith("tcp://")


def _connect(host: str | None, timeout: float) -> socket.socket:
    if host is None or host.startswith("unix://"):
        path = "/var/run/docker.sock" if host is None else host[len("unix://"):]
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        address: object = path
    else:
        parts = urlsplit(host.replace("tcp://", "http://", 1))
        sock = socket.socket(socket.AF_INET6 if ":" in (parts.hostname or "") else socket.AF_INET,
                             socket.SOCK_STREAM)
        address = (parts.hostname or "127.0.0.1", parts.port or 2375)
    sock.settimeout(timeout)
    try:
        sock.connect(address)
    except OSError:
        sock.close()
        raise
    return sock


class Response:
    """Status, headers and a body iterator; ``socket`` is what cancel shuts down."""

    def __init__(self, sock: socket.socket, status: int, headers: dict[str, str], rest: bytes) -> None:
        self.socket = sock
        self.status_code = status
        self.headers = headers
        self._rest = rest

    def chunks(self) -> Iterator[bytes]:
        """The body as it arrives (chunked transfer decoded)."""
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            yield from self._chunked()
            return
        remaining = int(self.headers.get("content-length", "-1"))
        data = self._rest
        while True:
            if data:
                if remaining >= 0:
                    data = data[:remaining]
                    remaining -= len(data)
                yield data
            if remaining == 0:
                return
            data = self.socket.recv(READ_SIZE)
            if not data:
                return

    def _chunked(self) -> Iterator[bytes]:
        buffer = self._rest
        while True:
            while b"\r\n" not in buffer:
                more = self.socket.recv(READ_SIZE)
                if not more:
                    return
                buffer += more
            size_line, buffer = buffer.split(b"\r\n", 1)
            try:
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
            except ValueError as exc:
                raise TransportError(f"bad chunk header from the engine: {size_line[:40]!r}") from exc
            if size == 0:
                return
            while len(buffer) < size + 2:
                more = self.socket.recv(max(READ_SIZE, size + 2 - len(buffer)))
                if not more:
                    if buffer:
                        yield buffer[:size]
                    return
                buffer += more
            yield buffer[:size]
            buffer = buffer[size + 2:]

    def text(self) -> str:
        return b"".join(self.chunks()).decode("utf-8", "replace")

    def close(self) -> None:
        try:
            self.socket.close()
        except OSError:
            pass


def request(host: str | None, method: str, path: str, params: dict | None = None,
            body: Iterable[bytes] | None = None, length: int | None = None,
            headers: dict[str, str] | None = None, timeout: float = 5.0,
            on_socket=None) -> Response:
    """Send one request and read the response head. ``on_socket(sock)`` is called as soon as
    the socket exists, so a cancel can shut it down even during the upload."""
    sock = _connect(host, timeout)
    if on_socket is not None:
        on_socket(sock)
    target = path + ("?" + urlencode(params, doseq=True) if params else "")
    head = [f"{method} {target} HTTP/1.1", "Host: docker", "User-Agent: stage-studio"]
    for key, value in (headers or {}).items():
        head.append(f"{key}: {value}")
    if body is not None:
        head.append(f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked")
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
    if body is not None:
        for chunk in body:
            if not chunk:
                continue
            sock.sendall(chunk if length is not None else b"%x\r\n%s\r\n" % (len(chunk), chunk))
        if length is None:
            sock.sendall(b"0\r\n\r\n")
    sock.settimeout(None)  # builds stream for as long as they take; cancel shuts the socket down
    data = b""
    while b"\r\n\r\n" not in data:
        more = sock.recv(READ_SIZE)
        if not more:
            raise TransportError("the engine closed the connection without answering")
        data += more
    head_bytes, rest = data.split(b"\r\n\r\n", 1)
    lines = head_bytes.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError) as exc:
        raise TransportError(f"not an HTTP answer: {lines[0][:80]!r}") from exc
    parsed = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        parsed[key.strip().lower()] = value.strip()
    return Response(sock, status, parsed, rest)


class LightAPI:
    """The few JSON calls the size pass needs, with the SDK's method names and results."""

    def __init__(self, host: str | None) -> None:
        self.host = host

    def _get(self, path: str, params: dict | None = None):
        import json
        from urllib.parse import quote

        response = request(self.host, "GET", quote(path), params, timeout=30)
        try:
            body = response.text()
        finally:
            response.close()
        if response.status_code >= 400:
            try:
                message = json.loads(body).get("message", body)
            except ValueError:
                message = body
            raise TransportError(f"{response.status_code}: {message}")
        return json.loads(body)

    def inspect_image(self, image: str) -> dict:
        return self._get(f"/images/{image}/json")

    def history(self, image: str) -> list[dict]:
        return self._get(f"/images/{image}/history")

    def images(self, filters: dict | None = None) -> list[dict]:
        import json

        wanted = {k: [v] if isinstance(v, str) else list(v) for k, v in (filters or {}).items()}
        return self._get("/images/json", {"filters": json.dumps(wanted)} if wanted else None)
