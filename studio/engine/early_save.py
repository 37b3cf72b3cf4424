"""An image's save requested over the engine's unix socket before the docker SDK is loaded.

Docker 20.10 writes the whole image to a temporary directory before it sends the first
byte of ``GET /images/{name}/get``, so every millisecond between the start of
``stage-studio explore`` and the request is added to the run. Importing the docker SDK
alone takes ~0.08 s; dive (Go) asks within a few milliseconds of starting. So the command
sends the request first, with the standard library only, on the socket the SDK would
use, and goes on: connecting through the SDK (the ping, the API version), inspecting the
image, importing the reader. ``adopt`` then reads the answer's status line and headers
and hands the body to ``socket_reader``, or raises the engine's own error message.

Only a local unix socket is asked early (DOCKER_HOST unset or ``unix://``, no docker
context); any other endpoint, or a socket that cannot be reached now, makes ``start``
return None and the SDK path asks as before. The request names the image as the user
wrote it and the SDK's inspect resolves the same name a moment later: ``matches`` lets
the caller check that the archive holds that image and not one tagged in between.
"""
from __future__ import annotations

import json
import socket
from urllib.parse import quote

from studio.engine.endpoint_name import host_or_context

DEFAULT_SOCKET = "/var/run/docker.sock"  # the SDK's and the CLI's default on Linux
_HEAD_LIMIT = 64 << 10


class EarlySaveError(OSError):
    """The engine refused the save or answered with something that is not HTTP."""


def local_socket() -> str | None:
    """The unix socket the SDK would reach with no docker context set, or None when the
    endpoint is anything else (tcp, ssh, a context: those take the SDK's path)."""
    host, context = host_or_context()
    if context != "default":
        return None
    if host is None:
        return DEFAULT_SOCKET
    if host.startswith("unix://"):
        return host[len("unix://"):] or None
    return None


class EarlySave:
    """One ``GET /images/{image}/get`` in flight on its own connection."""

    def __init__(self, sock: socket.socket, image: str) -> None:
        self.sock = sock
        self.image = image
        self._body = None

    @classmethod
    def start(cls, image: str, path: str | None = None) -> EarlySave | None:
        """Send the request now; None when it cannot be sent early (the SDK path asks)."""
        path = path or local_socket()
        if not path or not _plain_reference(image):
            return None
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(3.0)  # as connection.DEFAULT_TIMEOUT: a dead socket file fails fast
            sock.connect(path)
            target = f"/images/{quote(image, safe='/:')}/get"  # quoted as the SDK quotes names
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: docker\r\nUser-Agent: stage-studio\r\n"
                         "Connection: close\r\n\r\n".encode("ascii", "strict"))
        except (OSError, UnicodeEncodeError):
            sock.close()
            return None
        return cls(sock, image)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def adopt(self, timeout: float):
        """The answer's body, to read with ``socket_reader.body_chunks``. Waits for the
        engine (up to ``timeout`` s, which 20.10 spends writing the image) and raises
        EarlySaveError with the engine's message on an error status. Asked again, the
        same body."""
        if self._body is not None:
            return self._body
        self.sock.settimeout(timeout)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                got = self.sock.recv(_HEAD_LIMIT)
                if not got:
                    raise EarlySaveError("the engine closed the connection before answering the save request")
                data += got
                if len(data) > _HEAD_LIMIT and b"\r\n\r\n" not in data:
                    raise EarlySaveError("the engine's answer to the save request is not HTTP (no end of headers)")
        except TimeoutError:
            self.close()
            raise EarlySaveError(f"the engine did not answer the save request within {timeout:g} s") from None
        except OSError:
            self.close()
            raise
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = _status(lines[0])
        headers = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        length = int(headers["content-length"]) if headers.get("content-length", "").isdigit() else None
        from studio.engine.sdk import RawBody

        body = RawBody(self.sock, rest, chunked, length, self)
        if status != 200:
            raise EarlySaveError(_error_text(self.image, status, body))
        self._body = body
        return body


def _plain_reference(image: str) -> bool:
    """A name, tag, digest or id, nothing a URL path would read otherwise (``..``, ``//``,
    ``?``): anything else is left to the SDK's request and its error."""
    if not image or len(image) > 512 or not (image[0].isascii() and image[0].isalnum()):
        return False
    if any(not (c.isascii() and (c.isalnum() or c in "._:/@+-")) for c in image):
        return False
    return all(part not in ("", ".", "..") for part in image.split("/"))


def _status(line: str) -> int:
    parts = line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise EarlySaveError(f"the engine's answer to the save request is not HTTP: {line[:80]!r}")
    return int(parts[1])


def _error_text(image: str, status: int, body) -> str:
    """The engine's ``{"message": ...}`` for an error status, read whole (it is short)."""
    from studio.engine.socket_reader import body_chunks

    text = b""
    try:
        for part in body_chunks(body, 10.0):
            text += bytes(part)
            if len(text) > _HEAD_LIMIT:
                break
    except OSError:
        pass
    try:
        message = json.loads(text)["message"]
    except (ValueError, KeyError, TypeError):
        message = text.decode("utf-8", "replace").strip()[:300]
    said = f": {message}" if message else ""
    return f"the engine refused to save {image} ({status}){said}"

