"""Registry credentials for the engine, read as the docker CLI reads them: a credential
helper for the host (``credHelpers``), the default store (``credsStore``), or a
``auths`` entry of ``~/.docker/config.json`` (``$DOCKER_CONFIG``). The engine asks when a
registry answers 401; an empty answer means anonymous."""
from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path

from studio.engine.protowire import field_bytes, read_message

HUB_KEYS = ("https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io")


def config_path() -> Path:
    return Path(os.environ.get("DOCKER_CONFIG") or Path.home() / ".docker") / "config.json"


def lookup(host: str) -> tuple[str, str]:
    """``(username, secret)`` for a registry host, or ``("", "")``."""
    try:
        config = json.loads(config_path().read_text())
    except (OSError, ValueError):
        return "", ""
    keys = HUB_KEYS if host in HUB_KEYS else (host, f"https://{host}", f"http://{host}")
    helper = next((config.get("credHelpers", {}).get(k) for k in keys if config.get("credHelpers", {}).get(k)),
                  None) or config.get("credsStore")
    if helper:
        found = _from_helper(helper, keys[0] if host in HUB_KEYS else host)
        if found[0] or found[1]:
            return found
    auths = config.get("auths", {})
    for key in keys:
        entry = auths.get(key) or auths.get(key.rstrip("/"))
        if not entry:
            continue
        if entry.get("identitytoken"):
            return "<token>", entry["identitytoken"]
        if entry.get("auth"):
            try:
                user, _, secret = base64.b64decode(entry["auth"]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                continue
            return user, secret
        if entry.get("username"):
            return entry["username"], entry.get("password", "")
    return "", ""


def _from_helper(helper: str, server: str) -> tuple[str, str]:
    try:
        done = subprocess.run([f"docker-credential-{helper}", "get"], input=server.encode(), capture_output=True,
                              timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "", ""
    if done.returncode != 0:
        return "", ""
    try:
        found = json.loads(done.stdout)
    except ValueError:
        return "", ""
    return str(found.get("Username", "")), str(found.get("Secret", ""))


def credentials(request: bytes) -> bytes:
    host = read_message(request).get(1, [b""])[0]
    host = host.decode() if isinstance(host, bytes) else str(host)
    user, secret = lookup(host)
    return field_bytes(1, user) + field_bytes(2, secret)
