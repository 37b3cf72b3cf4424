"""Open ``POST /session`` on the engine and hand back the upgraded socket.

Why not ``api._post``: the engine learns which gRPC methods we serve from one
``X-Docker-Expose-Session-Grpc-Method`` header per method, and requests merges repeated
header names into one comma-joined value, which the engine does not split. So the request
is written by hand on a connection taken from the docker SDK's own adapter, which keeps
every transport the SDK knows (unix socket, tcp, TLS with the user's certificates, our
ssh:// adapter); the response head is read a byte at a time so that not one byte of the
engine's HTTP/2 preface, which follows the ``101`` at once, is buffered away.
"""
from __future__ import annotations

import socket

from studio.engine import sdk

HEAD_LIMIT = 64 * 1024


class SessionUnavailable(Exception):
    """The engine cannot open a session (too old, or the transport cannot be upgraded)."""


def open_session(api, headers: list[tuple[str, str]], timeout: float = 30.0) -> socket.socket:
    """POST /session with ``headers`` (names may repeat); return the upgraded socket."""
    try:
        conn = sdk.new_connection(api, "/session")
    except Exception as exc:  # noqa: BLE001 - every transport fails its own way
        raise SessionUnavailable(f"cannot connect to the engine for a session: {exc}") from exc
    sock = conn.sock
    if sock is None:
        raise SessionUnavailable("the engine connection has no socket to upgrade")
    lines = [f"POST /v{api.api_version}/session HTTP/1.1", "Host: docker", "Content-Length: 0",
             "Connection: Upgrade", "Upgrade: h2c"]
    lines += [f"{name}: {value}" for name, value in headers]
    try:
        sock.settimeout(timeout)
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = _read_head(sock)
        sock.settimeout(None)
    except OSError as exc:
        _close(sock)
        raise SessionUnavailable(f"the engine did not answer the session request: {exc}") from exc
    status_line = head.split(b"\r\n", 1)[0].decode("latin-1")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or parts[1] != "101":
        _close(sock)
        raise SessionUnavailable(f"the engine refused a session: {status_line or 'no answer'}")
    return sock


def _read_head(sock: socket.socket) -> bytes:
    head = bytearray()
    while not head.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        if not byte:
            raise OSError("connection closed during the response head")
        head += byte
        if len(head) > HEAD_LIMIT:
            raise OSError("response head too long")
    return bytes(head)


def _close(sock: socket.socket) -> None:
    try:
        sock.close()
    except OSError:
        pass
