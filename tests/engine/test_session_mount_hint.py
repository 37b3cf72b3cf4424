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


def test_what_the_finding_says_happens_without_the_secret_is_what_the_engine_does(docker_client, tmp_path):
    cases = {"id=tok,required=true": "fails", "id=tok,required": "fails", "id=tok,required=false": "absent",
             "id=tok": "absent"}
    for mount, expected in cases.items():
        text = (f"FROM {BB}\nRUN --mount=type=secret,{mount} "
                "if test -e /run/secrets/tok; then echo present; else echo absent; fi\n")
        finding = next(d for d in parse(text).diagnostics if d.code == "session-mount").message
        assert "Build > Secrets and SSH" in finding
        build = Build(BuildRequest(text, str(tmp_path), labels={TEST_LABEL: "1"}, no_cache=True), client=docker_client)
        events = list(build.events())
        if expected == "fails":
            assert "without it the build fails at this step (secret tok not found)" in finding, finding
            assert not build.result.ok
            # 20.10: "secret tok not found: not found"; 26.1: "secret tok: not found"
            assert re.search(r"secret tok:? not found", build.result.error.message), build.result.error
            assert build.result.error.line == 2
        else:
            assert "without it the step runs and /run/secrets/tok is absent" in finding, finding
            assert build.result.ok, build.result.error
            output = "".join(e.text for e in events if e.event == "step_log")
            assert "absent" in output and "present" not in output
