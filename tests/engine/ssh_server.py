"""A throwaway sshd on loopback that lets the tests reach the local engine over ssh://.

The docker CLI (and Stage Studio) reach an ``ssh://`` engine by running
``ssh ... docker system dial-stdio`` on the remote host; here the "remote" host is this
machine, so the server needs only sshd, a key, and a docker CLI on its PATH. The client
side gets its options (key, port, no host-key prompt) from an ``ssh`` wrapper placed first
on PATH, the way a user's ~/.ssh/config would give them.
"""
from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

SSHD = "/usr/sbin/sshd"


def available() -> str | None:
    """Why the ssh tests cannot run here, or None."""
    if not Path(SSHD).exists():
        return "sshd is not installed (Debian: openssh-server)"
    if shutil.which("ssh") is None:
        return "the ssh client is not installed"
    if shutil.which("docker") is None:
        return "no docker CLI for `docker system dial-stdio` on the ssh side"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SshServer:
    def __init__(self, where: Path, engine_host: str) -> None:
        where.mkdir(parents=True, exist_ok=True)
        self.where = where
        self.port = _free_port()
        self.user = getpass.getuser()
        for name in ("host_key", "client_key"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(where / name)], check=True)
        (where / "authorized_keys").write_text((where / "client_key.pub").read_text())
        os.chmod(where / "authorized_keys", 0o600)
        config = where / "sshd_config"
        config.write_text(
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {where / 'host_key'}\n"
            f"AuthorizedKeysFile {where / 'authorized_keys'}\nPidFile {where / 'sshd.pid'}\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
            "PermitRootLogin prohibit-password\n"
            # `docker system dial-stdio` on the "remote" side reaches the engine under test
            f"SetEnv DOCKER_HOST={engine_host}\n")
        Path("/run/sshd").mkdir(exist_ok=True)  # privilege separation directory
        self.process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._listening = threading.Event()
        self.listening = False
        threading.Thread(target=self._keep_log, name="sshd-log", daemon=True).start()
        self._wait_listening()
        self.bin = where / "bin"
        self.bin.mkdir()
        wrapper = self.bin / "ssh"
        wrapper.write_text(
            "#!/bin/sh\n"
            f"exec {shutil.which('ssh')} -i {where / 'client_key'} -o IdentitiesOnly=yes -o BatchMode=yes "
            f"-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \"$@\"\n")
        wrapper.chmod(0o755)

    @property
    def host(self) -> str:
        return f"ssh://{self.user}@127.0.0.1:{self.port}"

    def _keep_log(self) -> None:
        """Copy sshd's log (``-e``: to stderr) into sshd.log; note when it says it listens."""
        with open(self.where / "sshd.log", "wb") as log:
            for line in self.process.stderr:
                log.write(line)
                log.flush()
                if b"Server listening on" in line:
                    self.listening = True
                    self._listening.set()
        self._listening.set()  # it exited: stop waiting (the caller sees why)

    def _wait_listening(self) -> None:
        """Wait for sshd's own word that it has bound its port (no polling)."""
        if not self._listening.wait(timeout=10):
            raise RuntimeError("sshd did not start listening")
        if not self.listening:  # its log ended first: it exited
            self.process.wait(5)
            raise RuntimeError(f"sshd exited: {(self.where / 'sshd.log').read_text()[-500:]}")
        socket.create_connection(("127.0.0.1", self.port), timeout=5).close()  # and it answers

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
