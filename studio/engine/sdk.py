"""Every use of the docker SDK's private internals, in one place.

The SDK (pinned ``docker>=7,<8`` in pyproject.toml) has no public call for a few things a
build needs: a raw streamed ``POST /build`` whose socket another thread can shut down
(cancel), a plain ``GET`` whose headers we read (the ping), a streamed body read into our
own buffer (an image's save stream), setting the API version the ping negotiated, and an
adapter of our own for ``ssh://``. Each helper here wraps one such
internal, and tests/engine/test_sdk.py checks each against the installed SDK and a real
engine, so an SDK release that moves one fails there by name instead of somewhere deep in
a build.
"""
from __future__ import annotations

import socket
from typing import Any, NamedTuple

READ_CHUNK = 64 * 1024


def get(api, path: str, timeout: float | None = None):
    """``GET path`` as a ``requests`` response (the SDK's ``_get`` and ``_url``)."""
    return api._get(api._url(path), timeout=timeout)


def get_body(api, path: str, timeout: float | None = None):
    """``GET path`` streamed, as the ``readinto`` of its body (raising the SDK's APIError,
    ImageNotFound..., on an error status). It is http.client's own response under the SDK's
    (``response.raw._fp``): that undoes the chunked framing straight into the caller's
    buffer, where urllib3's reads copy every chunk twice."""
    response = api._get(api._url(path), stream=True, **({"timeout": timeout} if timeout else {}))
    api._raise_for_status(response)
    inner = getattr(response.raw, "_fp", None)
    readinto = inner.readinto if hasattr(inner, "readinto") else response.raw.readinto

    def read_body(buffer) -> int:
        return readinto(buffer) if response is not None else 0  # the response must live while read

    return read_body


class RawBody(NamedTuple):
    """A streamed answer's body below http.client: the plain socket it arrives on, the bytes
    http.client had already buffered from it, and whether it is chunked (the caller undoes
    the framing). ``response`` must live while the socket is read."""

    sock: socket.socket
    head: bytes
    chunked: bool
    length: int | None  # the Content-Length, when not chunked
    response: Any


def get_raw_body(api, path: str, timeout: float | None = None) -> RawBody | Any:
    """``GET path`` streamed, asking the engine to close the connection after the answer.
    When it comes over a plain socket (unix or tcp, not TLS or ssh), a ``RawBody`` to read
    with ``recv_into`` straight from the kernel; otherwise ``get_body``'s ``readinto``
    (the same request, read through http.client). Errors as ``get_body``."""
    response = api._get(api._url(path), stream=True, headers={"Connection": "close"},
                        **({"timeout": timeout} if timeout else {}))
    api._raise_for_status(response)
    inner = getattr(response.raw, "_fp", None)
    buffered = getattr(inner, "fp", None)
    sock = response_socket(response)
    if type(sock) is socket.socket and hasattr(buffered, "read1") and hasattr(inner, "chunked"):
        # what http.client read past the headers is in its buffer: read1 hands over only that
        head = buffered.read1(1 << 20) if not inner.chunked or inner.chunk_left is None else None
        if head is not None:
            return RawBody(sock, head, bool(inner.chunked), inner.length, response)
    readinto = inner.readinto if hasattr(inner, "readinto") else response.raw.readinto

    def read_body(buffer) -> int:
        return readinto(buffer) if response is not None else 0  # the response must live while read

    return read_body


def get_json(api, path: str, timeout: float | None = None) -> Any:
    """``GET path`` decoded as JSON, raising the SDK's APIError on an error status."""
    return api._result(get(api, path, timeout), True)


def url(api, path: str) -> str:
    """The engine URL of ``path`` with the client's API version (the SDK's ``_url``)."""
    return api._url(path)


def set_api_version(api, version: str) -> None:
    """Use API ``version`` from now on (the SDK only sets it while constructing)."""
    api._version = version


def post_stream(api, path: str, params: dict[str, Any], data, headers: dict[str, str]):
    """``POST path`` with a streamed body and a streamed answer, no read timeout
    (the SDK's ``_post``); returns ``(response, chunk iterator, socket or None)``."""
    response = api._post(api._url(path), params=params, data=data, headers=headers, stream=True, timeout=None)
    chunks = response.raw.stream(READ_CHUNK, decode_content=False)
    return response, chunks, response_socket(response)


def response_socket(response):
    """The socket under a streamed response (unix, tcp, tls; a paramiko-like channel), so
    that ``shutdown`` from another thread cancels the build in the engine and unblocks the
    reader (a bare ``close()`` does neither); None when it cannot be found."""
    fp = getattr(getattr(response.raw, "_fp", None), "fp", None)
    raw = getattr(fp, "raw", None)
    for candidate in (getattr(raw, "_sock", None), getattr(fp, "channel", None), raw):
        if candidate is not None and hasattr(candidate, "shutdown"):
            return candidate
    return None


def use_adapter(api, adapter) -> None:
    """Send every request of ``api`` through ``adapter`` (our ssh:// transport): the SDK
    keeps its unix-socket adapter in ``_custom_adapter`` and mounts it for its scheme."""
    api._custom_adapter.close()
    api._custom_adapter = adapter
    api.mount("http+docker://", adapter)


def new_connection(api, path: str):
    """A fresh, connected urllib3 connection to the engine through the SDK's adapter for
    ``path`` (whatever transport it is: unix, tcp, TLS with the user's certificates, ssh),
    for a request written by hand (the session upgrade)."""
    import requests

    target = api._url(path)
    adapter = api.get_adapter(target)
    prepared = requests.Request("POST", target).prepare()
    verify, cert = getattr(api, "verify", True), getattr(api, "cert", None)
    pool = adapter.get_connection_with_tls_context(prepared, verify, None, cert)
    if target.startswith("https://"):
        adapter.cert_verify(pool, target, verify, cert)
    conn = pool._new_conn()
    conn.connect()
    return conn


def close_quietly(client) -> None:
    """Close a docker client, best effort (a build ends the same whether this works or not)."""
    if client is not None:
        try:
            client.close()
        except Exception:  # noqa: BLE001 - closing is best effort
            pass


def shutdown_socket(sock) -> None:
    """Shut a build request's socket both ways: the engine cancels the build and the
    reading thread is unblocked at once (a bare close does neither)."""
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except (OSError, TypeError, AttributeError):
        try:
            sock.shutdown(2)  # paramiko channels take a plain int
        except Exception:  # noqa: BLE001
            pass
