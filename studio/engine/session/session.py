"""A BuildKit session over the Engine API, as the docker CLI opens one, without the CLI.

The engine calls back into the session for what a build needs from the client: the
context and the Dockerfile (file sync), secrets, the SSH agent, registry credentials, and
a health check every few seconds. A build names its session with ``session=ID`` and,
to take its context through it, ``remote=client-session``.

Protocol facts this relies on are written down in docs/buildkit-session.md.
"""
from __future__ import annotations

import hashlib
import os
import secrets as random
import threading
from pathlib import Path

from studio.engine.session.auth import credentials
from studio.engine.session.filesync import DiffCopyHandler, SyncedDir, SyncStats
from studio.engine.session.grpc_server import GrpcServer, UnaryHandler
from studio.engine.session.secrets import SecretSpec, get_secret
from studio.engine.session.sshforward import SshSpec, check_agent, forward_agent
from studio.engine.session.transport import SessionUnavailable, open_session

MIN_API = (1, 39)  # POST /session left experimental in API 1.39 (Docker 18.09)

HEALTH = "/grpc.health.v1.Health/Check"
DIFF_COPY = "/moby.filesync.v1.FileSync/DiffCopy"
GET_SECRET = "/moby.buildkit.secrets.v1.Secrets/GetSecret"
CHECK_AGENT = "/moby.sshforward.v1.SSH/CheckAgent"
FORWARD_AGENT = "/moby.sshforward.v1.SSH/ForwardAgent"
CREDENTIALS = "/moby.filesync.v1.Auth/Credentials"


def supports_sessions(api_version: str) -> bool:
    try:
        major, minor = (int(x) for x in api_version.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= MIN_API


def shared_key(context_dir: str | os.PathLike | None) -> str:
    """Stable per context folder and machine user, so the engine keeps what it received
    last time and asks only for files that changed (the CLI hashes its node id and the
    folder the same way). The folder's path is hashed as the bytes the file system holds,
    as Go does, so a path that is not UTF-8 is a key like any other."""
    folder = os.fsencode(os.path.realpath(context_dir)) if context_dir else b"-"
    return hashlib.sha256(_node_id().encode() + b":" + folder).hexdigest()


def _node_id() -> str:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "stage-studio"
    path = base / "build-node-id"
    try:
        return path.read_text().strip() or _new_node_id(path)
    except OSError:
        return _new_node_id(path)


def _new_node_id(path: Path) -> str:
    value = random.token_hex(16)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value)
    except OSError:
        pass  # a read-only home: the key then changes per run, which costs only speed
    return value


class BuildSession:
    """One session: opened before the build request, closed when the build ends."""

    def __init__(self, dirs: dict[str, SyncedDir], secret_specs: list[SecretSpec] | None = None,
                 ssh_specs: list[SshSpec] | None = None, key: str = "", name: str = "stage-studio") -> None:
        self.id = random.token_hex(16)
        self.dirs = dirs
        self.secrets = {spec.id: spec for spec in secret_specs or []}
        self.ssh = {spec.id: spec for spec in ssh_specs or []}
        self.key = key or self.id
        self.name = name
        self.stats = SyncStats()
        self.server: GrpcServer | None = None
        self._thread: threading.Thread | None = None

    def routes(self) -> dict:
        routes = {
            HEALTH: UnaryHandler(lambda call, request: b"\x08\x01"),  # SERVING
            DIFF_COPY: lambda call: DiffCopyHandler(call, self.dirs, self.stats),
            CREDENTIALS: UnaryHandler(lambda call, request: credentials(request)),
        }
        if self.secrets:
            routes[GET_SECRET] = UnaryHandler(lambda call, request: get_secret(self.secrets, request))
        if self.ssh:
            routes[CHECK_AGENT] = UnaryHandler(lambda call, request: check_agent(self.ssh, request))
            routes[FORWARD_AGENT] = lambda call: forward_agent(self.server, call, self.ssh)
        return routes

    def start(self, api) -> None:
        """Open the session on the engine behind ``api`` (a docker ``APIClient``)."""
        if not supports_sessions(str(api.api_version)):
            raise SessionUnavailable(f"the engine's API {api.api_version} has no sessions (needs 1.39)")
        routes = self.routes()
        headers = [("X-Docker-Expose-Session-Uuid", self.id), ("X-Docker-Expose-Session-Name", self.name),
                   ("X-Docker-Expose-Session-Sharedkey", self.key)]
        headers += [("X-Docker-Expose-Session-Grpc-Method", path) for path in routes]
        sock = open_session(api, headers)
        self.server = GrpcServer(sock, routes)
        self._thread = threading.Thread(target=self._serve, name="buildkit-session", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        assert self.server is not None
        try:
            self.server.serve()
        finally:
            try:
                self.server.sock.close()
            except OSError:
                pass

    def close(self) -> None:
        """End the session (any thread); the engine drops what it was waiting for."""
        if self.server is not None:
            self.server.close()
            try:
                import socket

                self.server.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    @property
    def fault(self) -> BaseException | None:
        """An unexpected error that ended the session (a bug, never the engine leaving)."""
        return self.server.fault if self.server is not None else None

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()
