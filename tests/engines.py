"""The engines every engine test runs against, and the markers that narrow that.

By default: Debian 12's 20.10 on the default socket and Docker 26.1 started by
``./dev engine modern``. ``STUDIO_TEST_ENGINES=name-X.Y=HOST,...`` replaces the list (for
example ``mine-27.3=unix:///run/user/1000/docker.sock``); the ``X.Y`` that ends a name is
checked against the engine's own version, so a test id never names the wrong engine.

A test that can only pass on some engines says why in its name and carries
``@pytest.mark.engine_since("23.0")`` or ``@pytest.mark.engine_before("23.0")``.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

MODERN_HOST = "unix:///run/stage-studio-modern/docker.sock"
DEFAULT_ENGINES = f"debian-20.10=unix:///var/run/docker.sock,modern-26.1={MODERN_HOST}"
# Where a test that did not ask for an engine finds one: nowhere, so it cannot quietly
# test only the default engine. Use the ``engine`` (or ``docker_client``) fixture.
NO_ENGINE_HOST = "unix:///nonexistent/stage-studio-test-did-not-ask-for-the-engine-fixture.sock"


@dataclass(frozen=True)
class EngineSpec:
    name: str
    host: str

    @property
    def version(self) -> tuple[int, int] | None:
        """The X.Y that ends the name, if any."""
        found = re.search(r"-(\d+)\.(\d+)$", self.name)
        return (int(found.group(1)), int(found.group(2))) if found else None


def configured() -> list[EngineSpec]:
    text = os.environ.get("STUDIO_TEST_ENGINES", "").strip() or DEFAULT_ENGINES
    specs = []
    for item in text.split(","):
        name, sep, host = item.strip().partition("=")
        if not sep or not name or not host:
            raise ValueError(f"STUDIO_TEST_ENGINES: {item!r} is not NAME=HOST")
        specs.append(EngineSpec(name, host))
    return specs


def parse_version(text: str) -> tuple[int, int]:
    major, minor = re.match(r"(\d+)\.(\d+)", text).groups()
    return int(major), int(minor)


def wanted(spec: EngineSpec, since: str | None, before: str | None) -> bool:
    """Whether an engine named like ``spec`` falls inside [since, before). An engine
    whose name carries no version runs every test."""
    if spec.version is None:
        return True
    if since and spec.version < parse_version(since):
        return False
    return not (before and spec.version >= parse_version(before))


def version_mismatch(spec: EngineSpec, server_version: str) -> str | None:
    """Why the engine's own version contradicts its name, or None."""
    if spec.version is None or parse_version(server_version) == spec.version:
        return None
    return (f"engine {spec.name!r} at {spec.host} is Docker {server_version}: name it after its "
            "version in STUDIO_TEST_ENGINES (NAME-X.Y=HOST)")
