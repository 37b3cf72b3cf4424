"""SSH agent forwarding for ``RUN --mount=type=ssh``: the engine opens a stream per agent
connection a build step makes, and we splice it to the user's agent socket.

``--ssh default`` is ``$SSH_AUTH_SOCK``; ``--ssh ID=PATH`` names another agent socket.
(Key files as PATH, which the CLI loads into an agent of its own, are not supported:
load them into ssh-agent with ssh-add.)
"""
from __future__ import annotations

import os
import socket
import stat
from dataclasses import dataclass

from studio.engine.protowire import field_bytes, read_message
from studio.engine.session.grpc_server import NOT_FOUND, Call, GrpcError, GrpcServer

SSH_ID_KEY = "buildkit.ssh.id"
DEFAULT_ID = "default"


class SshSpecError(ValueError):
    """An --ssh value that cannot be used."""


@dataclass(frozen=True)
class SshSpec:
    id: str
    socket: str


def parse_ssh(text: str) -> SshSpec:
    ident, sep, paths = text.partition("=")
    ident = ident.strip() or DEFAULT_ID
    path = paths.split(",")[0].strip() if sep else ""
    if not path:
        path = os.environ.get("SSH_AUTH_SOCK", "")
        if not path:
            raise SshSpecError(f"--ssh {text}: SSH_AUTH_SOCK is not set; start ssh-agent or give ID=SOCKET")
    path = os.path.expanduser(path)
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise SshSpecError(f"--ssh {text}: {path}: {(exc.strerror or str(exc)).lower()}") from None
    if not stat.S_ISSOCK(mode):
        raise SshSpecError(f"--ssh {text}: {path} is not an agent socket (key files: load them with ssh-add)")
    return SshSpec(ident, path)


def _requested_id(call: Call | None, request: bytes) -> str:
    if request:
        value = read_message(request).get(1, [b""])[0]
        if isinstance(value, bytes) and value:
            return value.decode()
    if call is not None:
        return call.first(SSH_ID_KEY) or DEFAULT_ID
    return DEFAULT_ID


def check_agent(specs: dict[str, SshSpec], request: bytes) -> bytes:
    ident = _requested_id(None, request)
    if ident not in specs:
        raise GrpcError(NOT_FOUND, f"unset ssh forward key {ident}")
    return b""


class _Forward:
    """One agent connection: engine bytes to the agent, agent bytes back."""

    def __init__(self, server: GrpcServer, call: Call, spec: SshSpec) -> None:
        self.server = server
        self.agent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.agent.connect(spec.socket)
        except OSError as exc:
            self.agent.close()
            raise GrpcError(NOT_FOUND, f"cannot reach the ssh agent for {spec.id}: {exc}") from None
        self.call = call
        server.watched[self.agent.fileno()] = self._from_agent

    def _from_agent(self) -> None:
        try:
            data = self.agent.recv(65536)
        except OSError:
            data = b""
        if data:
            self.call.send(field_bytes(1, data))
        else:
            self._stop()
            self.call.finish()

    def on_message(self, call: Call, payload: bytes) -> None:
        data = read_message(payload).get(1, [b""])[0]
        if isinstance(data, bytes) and data:
            self.agent.sendall(data)

    def on_half_close(self, call: Call) -> None:
        try:
            self.agent.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def on_cancel(self, call: Call) -> None:
        self._stop()

    def _stop(self) -> None:
        self.server.watched.pop(self.agent.fileno(), None) if self.agent.fileno() >= 0 else None
        self.agent.close()


def forward_agent(server: GrpcServer | None, call: Call, specs: dict[str, SshSpec]) -> _Forward:
    assert server is not None
    ident = _requested_id(call, b"")
    spec = specs.get(ident)
    if spec is None:
        raise GrpcError(NOT_FOUND, f"unset ssh forward key {ident}")
    return _Forward(server, call, spec)
