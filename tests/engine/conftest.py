"""Engine tests talk to real dockerds (tests/engines.py says which) and never pull."""
from __future__ import annotations

import pytest
from testimages import TEST_LABEL


@pytest.fixture
def context_dir(tmp_path):
    """A small build context: two files and a .dockerignore that excludes one of them."""
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "a.txt").write_text("hello\n")
    (ctx / "secret.key").write_text("do not send\n")
    (ctx / ".dockerignore").write_text("*.key\n")
    return ctx


@pytest.fixture
def run_build(docker_client, context_dir):
    """Run a build to the end; returns (events, result, build)."""
    from studio.engine.builder import Build, BuildRequest

    def run(text: str, context=None, **options):
        labels = {TEST_LABEL: "1", **options.pop("labels", {})}
        request = BuildRequest(text, str(context or context_dir), labels=labels, **options)
        build = Build(request, client=docker_client)
        events = list(build.events())
        return events, build.result, build

    return run
