"""``stage-studio build`` as a user runs it (subprocesses); prune is in test_prune.py."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from helpers import processes_running, wait_until

BB = "stage-studio-test/busybox:latest"
LABEL = ["--label", "io.github.stagestudio.test=1"]


def cli(*args: str, env: dict | None = None, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studio", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})}, **kw)


def write(context_dir, text: str):
    path = context_dir / "Dockerfile"
    path.write_text(text)
    return path


def test_json_stream_ends_with_the_result_object(context_dir, docker_client):
    path = write(context_dir, f"FROM {BB} AS build\nRUN echo cli > /o\nFROM scratch\nCOPY --from=build /o /o\n")
    proc = cli("build", str(path), "--json", "--sizes", *LABEL)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert all("event" in line for line in lines)
    kinds = [line["event"] for line in lines]
    # a session build says what the sync sent (a tar upload would start with "context")
    assert kinds[0] == "build_started" and "context_sent" in kinds and kinds[-1] == "result"
    result = lines[-1]
    assert {"event", "ok", "image_id", "duration", "stages", "final"} <= set(result)
    assert result["ok"] is True and result["image_id"].startswith("sha256:")
    for stage in result["stages"]:
        assert set(stage) == {"index", "name", "state", "image_id", "size", "layers"}
        assert stage["size"] == docker_client.api.inspect_image(stage["image_id"])["Size"]
        assert all(set(layer) == {"line", "instruction", "size"} for layer in stage["layers"])
    assert result["final"] == {"image_id": result["image_id"], "size": 4}
    assert result["stages"][1]["layers"] == [{"line": 4, "instruction": "COPY --from=build /o /o", "size": 4}]


def test_failure_exits_non_zero_with_the_line(context_dir, engine):
    path = write(context_dir, f"FROM {BB}\nRUN exit 9\n")
    proc = cli("build", str(path), "--no-cache", *LABEL)
    assert proc.returncode == 1
    assert "line 2" in proc.stdout and "exit code: 9" in proc.stdout and "(exit code 9)" not in proc.stdout
    proc = cli("build", str(path), "--json", "--no-cache", *LABEL)
    result = json.loads(proc.stdout.splitlines()[-1])
    assert proc.returncode == 1 and result["ok"] is False and result["image_id"] is None


def test_plain_output_shows_stages_and_size_table(context_dir, engine):
    path = write(context_dir, f"FROM {BB} AS one\nRUN echo plain\nFROM one AS two\nRUN echo two > /two\n")
    proc = cli("build", str(path), "--sizes", "--backend", "classic", *LABEL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "[one] 2/2 RUN echo plain (line 2)" in out and "[two]" in out
    assert "final image:" in out and "line 4" in out
    # "echo plain" writes nothing: its layer is counted but not listed, and the count says so
    table = out[out.index(" stage "):].splitlines()
    one = next(line for line in table if line.split()[:1] == ["one"])
    assert "add nothing)" in one and "RUN echo plain" not in "\n".join(table)


def test_a_label_without_a_value_is_an_empty_label(context_dir, docker_client):
    path = write(context_dir, f"FROM {BB}\nRUN echo label\n")
    proc = cli("build", str(path), "--json", "--label", "io.github.stagestudio.flag", *LABEL)
    assert proc.returncode == 0, proc.stderr
    image = json.loads(proc.stdout.splitlines()[-1])["image_id"]
    assert docker_client.api.inspect_image(image)["Config"]["Labels"]["io.github.stagestudio.flag"] == ""


def test_engine_down_is_a_clear_quick_error(context_dir):
    path = write(context_dir, f"FROM {BB}\n")
    proc = cli("build", str(path), env={"DOCKER_HOST": "tcp://127.0.0.1:9"}, timeout=30)  # no hang
    assert proc.returncode == 1
    assert "no Docker Engine is running at tcp://127.0.0.1:9" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_bad_target_and_missing_file(context_dir):
    path = write(context_dir, f"FROM {BB} AS a\n")
    proc = cli("build", str(path), "--target", "nope")
    assert proc.returncode == 2 and "stage-studio build: there is no stage 'nope' to build (stages: a)" in proc.stderr
    proc = cli("build", str(context_dir / "missing"))
    assert proc.returncode == 2 and "missing: no such file" in proc.stderr


def test_ctrl_c_cancels_the_engine_build(context_dir, engine):
    path = write(context_dir, f"FROM {BB}\nRUN echo cli-start && sleep 36\n")
    proc = subprocess.Popen([sys.executable, "-m", "studio", "build", str(path), "--no-cache", *LABEL],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            if "cli-start" in line:
                break
        wait_until(lambda: processes_running("sleep 36"), 30, "the RUN step never started")
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=15)  # the step sleeps 36 s: ending now means the build was cancelled
        assert proc.returncode == 130
        wait_until(lambda: not processes_running("sleep 36"), 10, "the RUN process outlived the cancel")
    finally:
        if proc.poll() is None:
            proc.kill()


def test_terminal_display_redraws_one_line_per_stage(monkeypatch):
    import io

    from studio.commands.build import Display
    from studio.engine.events import (BuildStarted, StageFinished, StagePlan, StepFinished, StepPlan,
                                      StepStarted)

    monkeypatch.setenv("COLUMNS", "50")
    out = io.StringIO()
    display = Display(out, tty=True)
    plan = [StagePlan(0, "build", "build", [StepPlan(1, "FROM busybox"), StepPlan(2, "RUN " + "x" * 80)], True),
            StagePlan(1, None, "stage-1", [StepPlan(3, "FROM scratch")], False)]
    for event in [BuildStarted(plan, "buildkit", 0), StepStarted(0, 1, "[build 1/2] FROM", 0.0),
                  StepFinished(0, 1, True, 0.0), StepStarted(0, 2, "[build 2/2] RUN", 0.1),
                  StepFinished(0, 2, False, 1.5), StageFinished(0, "done"), StageFinished(1, "skipped")]:
        display.handle(event)
        display.last_draw = 0.0  # no throttling in the test
    display.finish()
    final = out.getvalue().split("\x1b[J")[-1].splitlines()
    assert len(final) == 2 and all(len(line) < 50 for line in final)
    assert "build" in final[0] and "2/2" in final[0] and "done" in final[0] and "1.6s" in final[0]
    assert "#1" in final[1] and "skipped" in final[1]


def test_a_dockerfile_from_standard_input_sends_no_context(tmp_path, docker_client):
    """As ``docker build -``: without --context, no files of the current folder are sent."""
    (tmp_path / "here.txt").write_text("must not be sent\n")
    text = f"FROM {BB}\nCOPY . /ctx/\n"

    def events(*args: str, cwd=None) -> dict:
        proc = cli("build", "-", "--json", *args, *LABEL, input=text, cwd=cwd)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return {e["event"]: e for e in map(json.loads, proc.stdout.splitlines())}

    # through the session (the default): the context's own files are counted apart from the Dockerfile
    assert events(cwd=tmp_path)["context_sent"]["context_files"] == 0
    assert events("--context", str(tmp_path))["context_sent"]["context_files"] == 1
    # a tar upload would put the Dockerfile where COPY . copies it (BuildKit reads it from the
    # tar, and applies no .dockerignore there): refused with one line, nothing built
    proc = cli("build", "-", "--no-session", *LABEL, input=text)
    said = [line for line in (proc.stdout + proc.stderr).splitlines() if line.startswith("error:")]
    assert proc.returncode == 1 and len(said) == 1, proc.stdout + proc.stderr
    assert "a Dockerfile from standard input cannot be built without a BuildKit session" in said[0]


def test_a_file_that_is_not_a_utf8_dockerfile_is_refused_like_graph_does(tmp_path):
    latin1 = tmp_path / "latin1"
    latin1.write_bytes("FROM busybox\nRUN echo na\xefve\n".encode("latin-1"))
    junk = tmp_path / "junk"
    junk.write_bytes(b"\x00\x01binary")
    for path, says in ((latin1, "is not UTF-8 text"), (junk, "looks like a binary file")):
        built, graphed = cli("build", str(path)), cli("graph", str(path))
        assert built.returncode == graphed.returncode == 2
        assert says in built.stderr and says in graphed.stderr and built.stdout == ""
    good = tmp_path / "Dockerfile"
    good.write_text("FROM scratch\n")
    bad = cli("build", str(good), "--build-arg", "=x")
    assert bad.returncode == 2 and "--build-arg '=x': expected KEY=VALUE" in bad.stderr


def test_json_output_ends_with_a_result_even_when_the_input_is_unusable(tmp_path):
    proc = cli("build", str(tmp_path / "missing"), "--json")
    assert proc.returncode == 2 and "no such file" in proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(lines) == 1 and lines[0]["event"] == "result" and lines[0]["ok"] is False
    assert "no such file" in lines[0]["error"]["message"] and lines[0]["image_id"] is None
