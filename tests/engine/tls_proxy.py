"""A TLS endpoint in front of the local engine, for tests of ``tcp://`` + TLS connections.

There is no remote engine here, so the tests make one the way a TLS-protected daemon looks
from outside: a TCP port that speaks TLS, requires a client certificate signed by its own CA
(as ``dockerd --tlsverify`` does), and forwards the plain bytes to the engine's unix socket.
Certificates are made with the ``openssl`` command.
"""
from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path

def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certificates(where: Path) -> dict[str, Path]:
    """A CA, a server certificate for 127.0.0.1/localhost and a client certificate.

    Returns paths by role: ca, server_cert, server_key, cert, key (the client's, named as
    ``DOCKER_CERT_PATH`` expects: ca.pem, cert.pem, key.pem).
    """
    if shutil.which("openssl") is None:
        raise RuntimeError("the openssl command is needed to make test certificates")
    where.mkdir(parents=True, exist_ok=True)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=stage-studio test CA",
             "-keyout", "ca-key.pem", "-out", "ca.pem", cwd=where)
    (where / "server.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    (where / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    for role, ext in (("server", "server.ext"), ("client", "client.ext")):
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={role}", "-keyout", f"{role}-key.pem",
                 "-out", f"{role}.csr", cwd=where)
        _openssl("x509", "-req", "-in", f"{role}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                 "-days", "2", "-extfile", ext, "-out", f"{role}-cert.pem", cwd=where)
    (where / "cert.pem").write_bytes((where / "client-cert.pem").read_bytes())
    (where / "key.pem").write_bytes((where / "client-key.pem").read_bytes())
    return {"ca": where / "ca.pem", "server_cert": where / "server-cert.pem",
            "server_key": where / "server-key.pem", "cert": where / "cert.pem", "key": where / "key.pem"}


class TlsEngineProxy:
    """Listens on 127.0.0.1:<port> with TLS and mutual authentication; every accepted
    connection is piped to the engine's unix socket until either side ends."""

    def __init__(self, certs: dict[str, Path], engine_socket: str) -> None:
        self.engine_socket = engine_socket
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(str(certs["server_cert"]), str(certs["server_key"]))
        self.context.load_verify_locations(str(certs["ca"]))
        self.context.verify_mode = ssl.CERT_REQUIRED
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.handshake_errors: list[str] = []
        self._closed = False
        threading.Thread(target=self._accept, name="tls-proxy", daemon=True).start()

    @property
    def host(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._closed = True
        self.listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(raw,), daemon=True).start()

    def _serve(self, raw: socket.socket) -> None:
        first = raw.recv(1, socket.MSG_PEEK)
        if first and first != b"\x16":  # not a TLS handshake record: answer as Go's TLS server does
            raw.recv(65536)  # the request head (closing with it unread would reset the connection)
            raw.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n")
            raw.shutdown(socket.SHUT_WR)
            raw.close()
            return
        try:
            tls = self.context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            self.handshake_errors.append(str(exc))
            raw.close()
            return
        engine = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        engine.connect(self.engine_socket)

        def client_to_engine() -> None:
            try:
                while data := tls.recv(65536):
                    engine.sendall(data)
            except OSError:
                pass
            try:  # the client hung up (or cancelled): so does the engine's side, as with a real TCP peer
                engine.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        upstream = threading.Thread(target=client_to_engine, daemon=True)
        upstream.start()
        try:
            while data := engine.recv(65536):
                tls.sendall(data)
        except OSError:
            pass
        finally:
            for end in (tls, engine):
                try:
                    end.close()
                except OSError:
                    pass
