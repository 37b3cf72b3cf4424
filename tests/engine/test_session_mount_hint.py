"""The session-mount finding names the flag that gives a secret; the engine confirms that
this flag makes the secret appear and that without it the step runs with the file missing."""
from __future__ import annotations

import re

import pytest
from testimages import TEST_LABEL

from studio.core import parse
from studio.engine.builder import Build, BuildRequest
from studio.engine.session.secrets import parse_secret

pytestmark = pytest.mark.engine
BB = "stage-studio-test/busybox:latest"


@pytest.mark.parametrize("mount", ["id=tok", "target=/run/secrets/tok"])  # BuildKit: id defaults to the target's name
def test_the_flag_the_finding_names_gives_the_secret(docker_client, tmp_path, mount):
    text = (f"FROM {BB}\nRUN --mount=type=secret,{mount} "
            "if test -e /run/secrets/tok; then cat /run/secrets/tok > /got; else echo missing > /got; fi\n")
    finding = next(d for d in parse(text).diagnostics if d.code == "session-mount")
    flag = re.search(r"--secret (id=\S+),src=FILE", finding.message)
    assert finding.severity == "info" and flag, finding.message
    (tmp_path / "value").write_text("given\n")
    secret = parse_secret(f"{flag.group(1)},src={tmp_path / 'value'}")
    for secrets, expected in (([secret], b"given\n"), ([], b"missing\n")):
        request = BuildRequest(text, str(tmp_path), labels={TEST_LABEL: "1"}, secrets=secrets, no_cache=True)
        build = Build(request, client=docker_client)
        list(build.events())
        assert build.result.ok, build.result.error
        container = docker_client.containers.create(build.result.image_id, ["cat", "/got"])
        try:
            container.start()
            container.wait(timeout=60)
            assert container.logs(stdout=True, stderr=False) == expected
        finally:
            container.remove(force=True)
