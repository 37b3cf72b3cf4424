"""A test whose tools are missing skips locally but fails under CI (tests/prerequisites.py)."""
from __future__ import annotations

import pytest
from prerequisites import require


def test_missing_tools_skip_locally_and_fail_under_ci(monkeypatch):
    monkeypatch.delenv("STUDIO_CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="needs sshd"):
        require("needs sshd")
    monkeypatch.setenv("STUDIO_CI", "1")
    with pytest.raises(pytest.fail.Exception, match="cannot run under CI: needs sshd"):
        require("needs sshd")
    require(None)  # nothing missing: the test runs
