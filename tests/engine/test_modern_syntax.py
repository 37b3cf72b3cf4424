"""Heredocs and ``COPY --link``: Dockerfile frontend 1.4 syntax, built into Docker 23.0 and
later. Older engines (Debian 12's 20.10) reject it, and the rejection is shown on its line;
newer ones build it, through the API and through ``stage-studio build``."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import assert_every_planned_step_reported, by_kind, files_in, stage_states
from testimages import TEST_LABEL

BB = "stage-studio-test/busybox:latest"

MODERN = f"""\
FROM {BB} AS gen
RUN <<EOF
echo generated > /gen.txt
echo second line >> /gen.txt
EOF

FROM {BB}
COPY --link --from=gen /gen.txt /out/gen.txt
COPY --link a.txt /out/
COPY <<EOT /out/inline.txt
written by a heredoc
EOT
"""


@pytest.mark.engine_since("23.0")
def test_heredocs_and_copy_link_build_on_engines_since_23_0(run_build, docker_client):
    events, result, _ = run_build(MODERN, backend="buildkit", no_cache=True)
    assert result.ok, result.error
    assert stage_states(events) == {0: "done", 1: "done"}
    assert_every_planned_step_reported(events)
    assert files_in(docker_client, result.image_id, "/out") == {
        "out/gen.txt": b"generated\nsecond line\n",
        "out/a.txt": b"hello\n",
        "out/inline.txt": b"written by a heredoc\n",
    }


@pytest.mark.engine_since("23.0")
def test_cli_builds_heredocs_and_copy_link_on_engines_since_23_0(context_dir, engine):
    """What the README promises: ./dev engine modern, then DOCKER_HOST=... stage-studio build."""
    (context_dir / "Dockerfile").write_text(MODERN)
    proc = subprocess.run([sys.executable, "-m", "studio", "build", str(context_dir / "Dockerfile"), "--json",
                           "--no-cache", "--label", f"{TEST_LABEL}=1"], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["ok"] and [s["state"] for s in result["stages"]] == ["done", "done"]
    assert engine.client.images.get(result["image_id"]).labels[TEST_LABEL] == "1"


@pytest.mark.engine_before("23.0")
@pytest.mark.parametrize("text, lines, word", [
    (f"FROM {BB}\nRUN <<EOF\necho from-heredoc\nEOF\n", (2, 3), "heredoc"),
    (f"FROM {BB}\nRUN true\nCOPY --link a.txt /\n", (3,), "link"),
], ids=["heredoc", "copy-link"])
def test_heredoc_and_copy_link_are_rejected_on_their_line_by_engines_before_23_0(run_build, text, lines, word):
    events, result, _ = run_build(text, backend="buildkit")
    assert not result.ok
    failure = by_kind(events, "build_failed")[0]
    assert failure.line in lines and word in failure.message
