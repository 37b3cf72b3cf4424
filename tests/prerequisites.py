"""A test whose tools are missing here (sshd, openssl, Debian's docker CLI, setpriv) skips
and says why; under CI (``STUDIO_CI=1``, which .ci/run sets) it fails instead, so CI can
never pass by skipping the ssh:// or TLS tests."""
from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("STUDIO_CI") == "1"


def require(missing: str | None) -> None:
    """``missing``: why the test cannot run here, or None when it can."""
    if missing is None:
        return
    if in_ci():
        pytest.fail(f"cannot run under CI: {missing}", pytrace=False)
    pytest.skip(missing)
