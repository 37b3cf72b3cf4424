"""What the engines accept as a target for an unnamed stage, next to what Stage Studio
says about it (tests/core/test_stage_naming.py): docker build's --target takes names
only, on both engines and both builders, so ``stage-studio`` names an unnamed stage
``#N`` and takes its number (it names the stage for the engine itself)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from prerequisites import require
from testimages import TEST_LABEL

CLI = "/usr/bin/docker"  # Debian's 20.10 CLI: BuildKit builds with DOCKER_BUILDKIT=1
BB = "stage-studio-test/busybox:latest"
TEXT = f"FROM {BB} AS build\nRUN echo hi > /a\n\nFROM {BB}\nCOPY --from=build /a /a\nRUN echo one > /one\n\nFROM scratch\n"


@pytest.mark.parametrize("buildkit", [True, False], ids=["buildkit", "classic"])
@pytest.mark.parametrize("typed", ["stage-1", "1", "#1"])
def test_docker_build_cannot_target_an_unnamed_stage(typed, buildkit, engine, context_dir):
    require(None if os.path.exists(CLI) else "needs Debian's docker CLI (apt-get install docker.io)")
    (context_dir / "Dockerfile").write_text(TEXT)
    proc = subprocess.run([CLI, "build", "-q", "--label", f"{TEST_LABEL}=1", "--target", typed, str(context_dir)],
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "DOCKER_HOST": engine.host, "DOCKER_BUILDKIT": "1" if buildkit else "0"})
    assert proc.returncode != 0
    assert typed in proc.stderr and ("could not be found" in proc.stderr or "failed to reach build target" in proc.stderr)


@pytest.mark.parametrize("typed", ["1", "#1"])
def test_stage_studio_builds_an_unnamed_stage_by_its_number(typed, engine, context_dir, docker_client):
    (context_dir / "Dockerfile").write_text(TEXT)
    proc = subprocess.run([sys.executable, "-m", "studio", "build", str(context_dir / "Dockerfile"), "--json",
                           "--target", typed, "--label", f"{TEST_LABEL}=1"],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.splitlines()[-1])
    assert [s["state"] for s in result["stages"]][2] == "skipped"  # the last stage is not built
    image = docker_client.api.inspect_image(result["image_id"])
    history = " ".join(h["CreatedBy"] for h in docker_client.api.history(image["Id"]))
    assert "echo one > /one" in history
