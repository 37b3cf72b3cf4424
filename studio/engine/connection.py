"""Find and reach the Docker Engine the way the docker CLI does, without ever hanging.

Resolution order (as the CLI's ``resolveContextName``): ``DOCKER_HOST`` wins, then
``DOCKER_CONTEXT``, then ``currentContext`` in ``$DOCKER_CONFIG/config.json``; a named
context's endpoint and TLS files come from ``$DOCKER_CONFIG/contexts``. ``DOCKER_HOST``
itself (with ``DOCKER_TLS_VERIFY`` / ``DOCKER_CERT_PATH`` and ``ssh://``) is handled by the
SDK's ``from_env``.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from studio.engine import sdk
from studio.engine.endpoint_name import config_dir, host_or_context

DEFAULT_TIMEOUT = 3.0
API_TIMEOUT = 120  # per-request read timeout once connected (builds use their own)
SSH_TIMEOUT = 10.0  # an ssh:// engine needs an ssh handshake and a remote docker CLI first


class EngineUnavailable(Exception):
    """The engine could not be reached; the message is meant for the user."""


@dataclass
class EngineStatus:
    ok: bool
    message: str
    server_version: str | None = None
    api_version: str | None = None
    os: str | None = None
    arch: str | None = None
    buildkit: bool = False
    host: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Endpoint:
    host: str | None  # None: the SDK default (the local unix socket)
    context: str  # "default" or the docker context's name
    tls_dir: Path | None = None  # a context's TLS material (ca.pem, cert.pem, key.pem)
    skip_tls_verify: bool = False


def _config_dir() -> Path:
    return Path(config_dir())


def resolve_endpoint() -> Endpoint:
    """Which engine the CLI would talk to right now."""
    host, name = host_or_context()
    if host is not None or name == "default":
        return Endpoint(host, "default")
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta_file = _config_dir() / "contexts" / "meta" / digest / "meta.json"
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        docker_ep = meta["Endpoints"]["docker"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EngineUnavailable(f"docker context {name!r} cannot be read ({meta_file}): {exc}") from exc
    tls_dir = _config_dir() / "contexts" / "tls" / digest / "docker"
    return Endpoint(docker_ep.get("Host"), name, tls_dir if tls_dir.is_dir() else None,
                    bool(docker_ep.get("SkipTLSVerify")))


def connect(timeout: float = DEFAULT_TIMEOUT):
    """A ``docker.DockerClient`` for the current endpoint, checked with a ping.

    ``timeout`` bounds the whole connection (version negotiation and ping run in a
    worker thread with a hard deadline, so a black-holed host cannot block the caller);
    the returned client keeps a long read timeout for streaming builds.
    Raises EngineUnavailable with a readable message.
    """
    endpoint = resolve_endpoint()
    timeout = _time_for(endpoint, timeout)
    outcome: dict[str, Any] = {}

    def attempt() -> None:
        client = None
        try:
            client = _make_client(endpoint, timeout)
            response = sdk.get(client.api, "/_ping", timeout)
            if response.status_code == 400 and "HTTPS server" in response.text:
                raise EngineUnavailable(
                    f"the Docker Engine at {_where(endpoint)} only speaks TLS: set DOCKER_TLS_VERIFY=1 and "
                    f"DOCKER_CERT_PATH (a directory with ca.pem, cert.pem, key.pem), or use a docker context with TLS")
            response.raise_for_status()
            sdk.set_api_version(client.api, negotiated_version(response.headers.get("Api-Version")))
            client.api.timeout = API_TIMEOUT
            outcome["client"] = client
            outcome["headers"] = dict(response.headers)
        except Exception as exc:  # noqa: BLE001 - any failure becomes a status message
            ssh = getattr(client, "_stage_studio_ssh", None)
            if ssh is not None and ssh.ssh_error():  # ssh's own words say why, better than a reset
                outcome["error"] = EngineUnavailable(
                    f"cannot reach the Docker Engine at {_where(endpoint)} over ssh: {ssh.ssh_error()[:300]}")
            else:
                outcome["error"] = exc

    worker = threading.Thread(target=attempt, name="docker-connect", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise EngineUnavailable(f"the Docker Engine at {_where(endpoint)} did not answer within {timeout:g} s")
    if "error" in outcome:
        error = outcome["error"]
        raise error if isinstance(error, EngineUnavailable) else EngineUnavailable(_explain(error, endpoint))
    client = outcome["client"]
    client._stage_studio_ping = outcome["headers"]
    return client


def _time_for(endpoint: Endpoint, timeout: float) -> float:
    """At least SSH_TIMEOUT for an ssh:// engine (the default suits a local socket)."""
    return max(timeout, SSH_TIMEOUT) if (endpoint.host or "").startswith("ssh://") else timeout


def negotiated_version(engine_api: str | None) -> str:
    """The API version to speak: the engine's own (from its /_ping), capped at the newest
    the SDK knows, as the docker CLI negotiates. An old engine that does not say gets the
    SDK's minimum."""
    from docker.constants import DEFAULT_DOCKER_API_VERSION, MINIMUM_DOCKER_API_VERSION
    from docker.utils import version_lt

    if not engine_api:
        return MINIMUM_DOCKER_API_VERSION
    try:
        if version_lt(engine_api, DEFAULT_DOCKER_API_VERSION):
            return engine_api
    except ValueError:
        return MINIMUM_DOCKER_API_VERSION
    return DEFAULT_DOCKER_API_VERSION


def _make_client(endpoint: Endpoint, timeout: float):
    """The SDK client, at the SDK's minimum API version until the ping negotiates (this
    skips the SDK's own ``GET /version`` round trip: the ping says the same)."""
    import docker  # lazy: the SDK pulls in requests/urllib3, not needed for --help
    from docker.constants import MINIMUM_DOCKER_API_VERSION

    if (endpoint.host or "").startswith("ssh://"):
        return _over_ssh(endpoint.host, timeout)
    if endpoint.host is None or endpoint.context == "default":
        return _engine_ca_first(docker.from_env(timeout=timeout, version=MINIMUM_DOCKER_API_VERSION))
    tls: Any = False
    if endpoint.host.startswith("tcp://") and endpoint.tls_dir is not None:
        files = {n: endpoint.tls_dir / f"{n}.pem" for n in ("ca", "cert", "key")}
        tls = docker.tls.TLSConfig(
            client_cert=(str(files["cert"]), str(files["key"])) if files["cert"].exists() else None,
            ca_cert=str(files["ca"]) if files["ca"].exists() and not endpoint.skip_tls_verify else None,
            verify=not endpoint.skip_tls_verify)
    return _engine_ca_first(docker.DockerClient(base_url=endpoint.host, tls=tls, timeout=timeout, version=MINIMUM_DOCKER_API_VERSION))


def _over_ssh(host: str, timeout: float):
    """An SDK client whose connections are ``ssh ... docker system dial-stdio`` (see sshstdio)."""
    import shutil

    import docker
    from docker.constants import MINIMUM_DOCKER_API_VERSION

    from studio.engine.sshstdio import SshStdioAdapter

    if shutil.which("ssh") is None:
        raise EngineUnavailable(f"{host} needs the ssh command, which is not installed")
    try:
        adapter = SshStdioAdapter(host, timeout)
    except ValueError as exc:
        raise EngineUnavailable(str(exc)) from exc
    # a unix-socket client never opens its socket before the first request: give it the ssh adapter
    client = docker.DockerClient(base_url="unix:///var/run/docker.sock", timeout=timeout,
                                 version=MINIMUM_DOCKER_API_VERSION)
    sdk.use_adapter(client.api, adapter)
    client._stage_studio_ssh = adapter
    return client


def _engine_ca_first(client):
    """Verify the engine against its own CA even when REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE
    are set: requests lets those variables replace a session's CA file on every request,
    so a TLS engine configured exactly as the docker CLI wants would fail verification."""
    api = client.api
    ca = api.verify
    if isinstance(ca, str):
        merge = api.merge_environment_settings

        def merge_keeping_engine_ca(url, proxies, stream, verify, cert):
            settings = merge(url, proxies, stream, verify, cert)
            if verify is None:
                settings["verify"] = ca
            return settings

        api.merge_environment_settings = merge_keeping_engine_ca
    return client


def _where(endpoint: Endpoint) -> str:
    where = endpoint.host or "unix:///var/run/docker.sock"
    return where if endpoint.context == "default" else f"{where} (context {endpoint.context})"


_TLS_HINTS = {
    "CERTIFICATE_VERIFY_FAILED": "the engine's certificate is not signed by the CA in ca.pem",
    "TLSV1_ALERT_UNKNOWN_CA": "the engine does not accept this client certificate (cert.pem/key.pem)",
    "SSLV3_ALERT_BAD_CERTIFICATE": "the engine rejected the client certificate (cert.pem/key.pem)",
    "TLSV13_ALERT_CERTIFICATE_REQUIRED": "the engine requires a client certificate (cert.pem/key.pem)",
    "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE": "cert.pem is not a client certificate",
    "KEY_VALUES_MISMATCH": "cert.pem and key.pem do not belong together",
    "WRONG_VERSION_NUMBER": "the engine does not speak TLS on this port; use it without TLS",
}


def _uses_tls(endpoint: Endpoint) -> bool:
    if endpoint.context != "default":
        return endpoint.tls_dir is not None
    return bool(os.environ.get("DOCKER_TLS_VERIFY") or os.environ.get("DOCKER_CERT_PATH"))


def _explain(exc: BaseException, endpoint: Endpoint) -> str:
    text = str(exc)
    if "Permission denied" in text:
        return f"permission denied on {_where(endpoint)}: add yourself to the docker group"
    tls = re.search(r"\[(?:SSL|X509|PEM): ([A-Z0-9_]+)\] ?([^'\"(]*)", text)
    if tls:
        detail = tls.group(2).strip() or tls.group(1)
        hint = _TLS_HINTS.get(tls.group(1), "check the CA and client certificate the engine expects")
        return f"TLS handshake with the Docker Engine at {_where(endpoint)} failed: {detail} ({hint})"
    if _uses_tls(endpoint) and any(s in text for s in ("Connection reset", "Connection aborted", "EOF occurred")):
        # TLS 1.3 rejects a client certificate after the client's side of the handshake is
        # done, so the refusal often arrives as a reset instead of the alert
        return (f"TLS handshake with the Docker Engine at {_where(endpoint)} failed: the engine closed the "
                f"connection (it probably does not accept this client certificate: cert.pem/key.pem)")
    if any(s in text for s in ("No such file", "Connection refused", "connection refused",
                               "FileNotFoundError", "Max retries")):
        return f"no Docker Engine is running at {_where(endpoint)}"
    first = text.splitlines()[0] if text else type(exc).__name__
    return f"cannot reach the Docker Engine at {_where(endpoint)}: {first[:300]}"


def buildkit_available(version: dict[str, Any], ping_headers: dict[str, str]) -> bool:
    """BuildKit needs engine >= 18.09 on Linux containers; /_ping may say so directly."""
    if str(version.get("Os", "")).lower() == "windows":
        return False
    if ping_headers.get("Builder-Version") == "2":
        return True
    try:
        major, minor = (int(p) for p in str(version.get("ApiVersion", "0.0")).split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (1, 39)


def engine_status(timeout: float = DEFAULT_TIMEOUT) -> EngineStatus:
    """A one-shot summary for status bars and ``--json``; never raises, never hangs past timeout."""
    outcome: dict[str, EngineStatus] = {}

    def probe() -> None:
        try:
            outcome["status"] = _probe(timeout)
        except Exception as exc:  # noqa: BLE001
            outcome["status"] = EngineStatus(False, f"cannot reach the Docker Engine: {exc}")

    try:
        timeout = _time_for(resolve_endpoint(), timeout)
    except EngineUnavailable:
        pass
    worker = threading.Thread(target=probe, name="docker-status", daemon=True)
    worker.start()
    worker.join(timeout + 0.5)
    if "status" in outcome:
        return outcome["status"]
    host = None
    try:
        host = _where(resolve_endpoint())
    except Exception:  # noqa: BLE001
        pass
    return EngineStatus(False, f"the Docker Engine did not answer within {timeout:g} s", host=host)


def _probe(timeout: float) -> EngineStatus:
    try:
        endpoint = resolve_endpoint()
    except EngineUnavailable as exc:
        return EngineStatus(False, str(exc))
    host = _where(endpoint)
    try:
        client = connect(timeout)
    except EngineUnavailable as exc:
        return EngineStatus(False, str(exc), host=host)
    try:
        headers = getattr(client, "_stage_studio_ping", {})
        version = sdk.get_json(client.api, "/version", timeout)
    except Exception as exc:  # noqa: BLE001
        return EngineStatus(False, _explain(exc, endpoint), host=host)
    finally:
        client.close()
    status = EngineStatus(
        True, f"Docker Engine {version.get('Version', '?')} (API {version.get('ApiVersion', '?')})",
        server_version=version.get("Version"), api_version=version.get("ApiVersion"),
        os=version.get("Os"), arch=version.get("Arch"),
        buildkit=buildkit_available(version, headers), host=host)
    if not status.buildkit:
        status.message += ", classic builder only"
    return status
