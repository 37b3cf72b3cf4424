"""Which engine the docker CLI would talk to, as far as it can be told without reading a
context's files: ``DOCKER_HOST`` wins, then ``DOCKER_CONTEXT``, then ``currentContext`` in
``$DOCKER_CONFIG/config.json`` (the CLI's ``resolveContextName``).

Kept to ``os`` and ``json`` so that ``stage-studio explore`` can ask for an image's save
before anything heavier is imported (early_save.py); ``connection.resolve_endpoint``
reads a named context's endpoint from here on.
"""
from __future__ import annotations

import json
import os


def config_dir() -> str:
    return os.environ.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")


def host_or_context() -> tuple[str | None, str]:
    """``(DOCKER_HOST, "default")`` when it is set, else ``(None, context name)`` where the
    name is ``"default"`` when none is chosen."""
    if os.environ.get("DOCKER_HOST"):
        return os.environ["DOCKER_HOST"], "default"
    name = os.environ.get("DOCKER_CONTEXT") or ""
    if not name:
        try:
            with open(os.path.join(config_dir(), "config.json"), encoding="utf-8") as fh:
                name = str(json.load(fh).get("currentContext") or "")
        except (OSError, ValueError, AttributeError):
            name = ""
    return None, name or "default"
