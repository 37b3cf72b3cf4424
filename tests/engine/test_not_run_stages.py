"""After a failure only the stage that holds it is "failed"; a stage the build needed but
never ran is "not_run", and one whose step was running when BuildKit stopped it because
another stage failed is "stopped", on both engines and both builders, in the events, the
result and the CLI's lines. The window's boxes say
the same (tests/ui/test_build_not_run.py)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid

import pytest
from testimages import TEST_LABEL

BB = "stage-studio-test/busybox:latest"
# build fails; the final stage only copies from it (and shares build's FROM vertex)
COPIES_FROM_FAILED = f"FROM {BB} AS build\nRUN echo building && exit 1\n\nFROM {BB}\nCOPY --from=build /etc/hostname /h\n"


def cli_build(path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studio", "build", str(path), "--no-cache",
                           "--label", f"{TEST_LABEL}=1", *extra], capture_output=True, text=True, timeout=180)


@pytest.mark.parametrize("backend", ["buildkit", "classic"])
def test_a_stage_that_never_ran_is_not_run_never_failed(backend, run_build):
    events, result, _build = run_build(COPIES_FROM_FAILED + f"# {uuid.uuid4().hex}\n", backend=backend,
                                       no_cache=True)
    finished = {e.stage: e.state for e in events if e.event == "stage_finished"}
    assert finished == {0: "failed", 1: "not_run"}
    assert [s.state for s in result.stages] == ["failed", "not_run"]
    assert result.error is not None and result.error.stage == 0 and result.error.line == 2


@pytest.mark.parametrize("backend", ["buildkit", "classic"])
def test_the_cli_says_not_run_in_its_lines_and_json(backend, engine, context_dir):
    path = context_dir / "Dockerfile"
    path.write_text(COPIES_FROM_FAILED)
    proc = cli_build(path, "--backend", backend)
    assert proc.returncode == 1
    assert "[#1] not run" in proc.stdout.splitlines() and "[build] FAILED" in proc.stdout
    assert "[#1] FAILED" not in proc.stdout
    proc = cli_build(path, "--backend", backend, "--json")
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    states = [e["state"] for e in lines if e["event"] == "stage_finished" and e["stage"] == 1]
    assert states == ["not_run"] and [s["state"] for s in lines[-1]["stages"]] == ["failed", "not_run"]
    # the FROM vertex both stages share is named after build; stage 1's step never carries
    # build's label (BuildKit may also merge it with an identical vertex of another build
    # running on the engine at the time, and then names it without any label: "[1/2] FROM")
    names = [e["name"] for e in lines if e["event"] == "step_started" and e["stage"] == 1]
    if backend == "buildkit":
        assert names and all(re.match(r"\[(stage-1 )?1/2\] FROM ", n) for n in names), names


def _stopped_by_another() -> str:
    """BuildKit runs a and b at once; a fails once b's RUN has started (they share a cache
    mount), and a's failure cancels b's RUN ("context canceled"); the last stage never runs."""
    mount = f"--mount=type=cache,id={uuid.uuid4().hex},target=/c"
    return (f"FROM {BB} AS a\n"
            f"RUN {mount} i=0; while [ ! -f /c/b-started ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; exit 3\n\n"
            f"FROM {BB} AS b\nRUN {mount} touch /c/b-started && echo started && sleep 60\n\n"
            "FROM scratch\nCOPY --from=a /etc/hostname /a\nCOPY --from=b /etc/hostname /b\n")


def test_a_stage_stopped_by_another_stages_failure_did_not_fail(run_build):
    events, result, _build = run_build(_stopped_by_another(), backend="buildkit", no_cache=True)
    stopped = [e for e in events if e.event == "step_finished" and e.stage == 1 and e.line == 5]
    assert stopped and "context canceled" in (stopped[0].error or "")  # the engine did cancel it
    assert [s.state for s in result.stages] == ["failed", "stopped", "not_run"]
    assert result.error.stage == 0 and result.error.line == 2


def test_the_cli_says_stopped_for_a_stage_that_ran_and_not_run_for_one_that_never_started(engine, context_dir):
    path = context_dir / "Dockerfile"
    path.write_text(_stopped_by_another())
    proc = cli_build(path, "--backend", "buildkit")
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert "[b] | started" in lines and "[a] FAILED" in proc.stdout
    assert any(re.fullmatch(r"\[b\] stopped \d+\.\ds", line) for line in lines), lines
    assert "[#2] not run" in lines and "[b] not run" not in lines and "[b] FAILED" not in proc.stdout
    path.write_text(_stopped_by_another())  # (a new cache mount id: the same race again)
    proc = cli_build(path, "--backend", "buildkit", "--json")
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    ended = [e for e in events if e["event"] == "step_finished" and e["stage"] == 1]
    assert [e["stopped"] for e in ended if e["line"] == 5] == [True]
    states = {e["stage"]: e["state"] for e in events if e["event"] == "stage_finished"}
    assert states == {0: "failed", 1: "stopped", 2: "not_run"}
    assert [s["state"] for s in events[-1]["stages"]] == ["failed", "stopped", "not_run"]


def test_a_cancel_stops_the_running_stage_and_the_rest_did_not_run(docker_client, context_dir):
    """Cancelled while build's RUN runs: build is stopped ("failed", shown as cancelled),
    the stage that copies from it never ran, and its log says the cancel stopped it."""
    from studio.engine.builder import Build, BuildRequest
    from studio.engine.fold import BuildFold

    text = f"FROM {BB} AS build\nRUN echo {uuid.uuid4().hex} && sleep 60\n\nFROM scratch\nCOPY --from=build /etc/hostname /h\n"
    build = Build(BuildRequest(text, str(context_dir), labels={TEST_LABEL: "1"}), client=docker_client)
    fold = BuildFold()
    events = []
    for event in build.events():
        events.append(event)
        if event.event == "step_started" and event.stage == 0 and event.line == 2:
            fold.cancelling = True  # as the window marks it when the user cancels
            build.cancel()
    fold.apply(events)
    finished = {e.stage: e.state for e in events if e.event == "stage_finished"}
    assert build.cancelled and finished == {0: "failed", 1: "not_run"}
    assert fold.log_lines(1)[-1] == "── not run: the build was cancelled"
