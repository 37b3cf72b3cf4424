"""``ssh://`` engines reached the way the docker CLI reaches them.

The CLI runs ``ssh [-l user] [-p port] -- host docker system dial-stdio`` and speaks HTTP
over the command's standard input and output; the remote docker CLI relays the bytes to
the remote engine's socket. The docker SDK does the same only through paramiko, an
optional extra that is not installed here and that would double the SDK's import time
for every user. So this module gives the SDK a requests adapter whose connections are that
ssh command: the SDK still makes every Engine API call, and the user's ssh setup
(~/.ssh/config, agent, known_hosts, ProxyJump) applies exactly as for the CLI.

Each connection is a socket pair: one end is the ssh process's stdin and stdout, the
other is the HTTP connection's socket, so shutting that socket down (how a build is
cancelled) ends the ssh session and with it the remote request.
"""
from __future__ import annotations

import socket
import subprocess
import tempfile
from urllib.parse import urlsplit

import requests.adapters
import urllib3.connection
import urllib3.connectionpool


def ssh_command(host: str) -> list[str]:
    """The command that opens a byte stream to the engine behind ``ssh://[user@]host[:port][/socket]``.

    BatchMode: never prompt (the GUI has no terminal; a key needs ssh-agent), failing
    with a message instead."""
    parts = urlsplit(host)
    if parts.scheme != "ssh" or not parts.hostname:
        raise ValueError(f"not an ssh:// engine address: {host!r}")
    args = ["ssh", "-o", "ConnectTimeout=30", "-o", "BatchMode=yes", "-T"]
    if parts.username:
        args += ["-l", parts.username]
    if parts.port:
        args += ["-p", str(parts.port)]
    args += ["--", parts.hostname, "docker"]
    if parts.path not in ("", "/"):
        args += ["--host", f"unix://{parts.path}"]
    return args + ["system", "dial-stdio"]


class _StdioConnection(urllib3.connection.HTTPConnection):
    def __init__(self, command: list[str], timeout: float, errors) -> None:
        super().__init__("localhost", timeout=timeout)
        self.command = command
        self.stdio_timeout = timeout
        self.errors = errors  # where ssh's stderr goes (shared by the adapter's connections)
        self.process: subprocess.Popen | None = None

    def connect(self) -> None:
        ours, theirs = socket.socketpair()
        try:
            self.process = subprocess.Popen(self.command, stdin=theirs, stdout=theirs, stderr=self.errors,
                                            start_new_session=True)
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        ours.settimeout(self.stdio_timeout)
        self.sock = ours

    def close(self) -> None:
        super().close()  # ssh sees the end of its input and leaves
        process, self.process = self.process, None
        if process is not None:
            try:
                process.wait(0.2)
            except subprocess.TimeoutExpired:
                process.terminate()


class _StdioPool(urllib3.connectionpool.HTTPConnectionPool):
    def __init__(self, command: list[str], timeout: float, maxsize: int, errors) -> None:
        super().__init__("localhost", timeout=timeout, maxsize=maxsize)
        self.command = command
        self.stdio_timeout = timeout
        self.errors = errors

    def _new_conn(self) -> _StdioConnection:
        return _StdioConnection(self.command, self.stdio_timeout, self.errors)


class SshStdioAdapter(requests.adapters.HTTPAdapter):
    """Mount on a docker ``APIClient`` for the ``http+docker://`` scheme."""

    def __init__(self, host: str, timeout: float, maxsize: int = 10) -> None:
        self.command = ssh_command(host)
        self.stdio_timeout = timeout
        self.maxsize = maxsize
        self.errors = tempfile.TemporaryFile()
        self._pool: _StdioPool | None = None
        super().__init__()

    def ssh_error(self) -> str:
        """What ssh last said on stderr (why a connection failed), or ''."""
        self.errors.seek(0)
        lines = self.errors.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else ""

    def get_connection(self, url, proxies=None) -> _StdioPool:  # noqa: ARG002 - no proxies over ssh
        if self._pool is None:
            self._pool = _StdioPool(self.command, self.stdio_timeout, self.maxsize, self.errors)
        return self._pool

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):  # noqa: ARG002
        return self.get_connection(request.url, proxies)

    def request_url(self, request, proxies) -> str:  # noqa: ARG002
        return request.path_url

    def close(self) -> None:
        super().close()
        if self._pool is not None:
            self._pool.close()
            self._pool = None
