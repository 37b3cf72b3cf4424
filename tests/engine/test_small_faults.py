"""Smaller faults of issue 12: UTF-16 files are named as such, the classic failure summary
has no raw colour codes, and a cancelled stage is not reported as "FAILED 0.0s"."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

BB = "stage-studio-test/busybox:latest"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studio", *args], capture_output=True, text=True,
                          timeout=180, env=dict(os.environ))


@pytest.mark.parametrize("encoding, bom, kind", [("utf-16-le", b"\xff\xfe", "little-endian, with a byte order mark"),
                                                ("utf-16-be", b"\xfe\xff", "big-endian, with a byte order mark"),
                                                ("utf-16-le", b"", "little-endian")])
def test_utf16_file_is_named_with_the_way_to_convert_it(tmp_path, encoding, bom, kind):
    path = tmp_path / "Dockerfile"
    path.write_bytes(bom + "FROM busybox:1 AS a\nRUN echo hi\n".encode(encoding))
    proc = _cli("graph", str(path))
    assert proc.returncode == 2
    assert f"is UTF-16 text ({kind})" in proc.stderr and "iconv -f UTF-16 -t UTF-8" in proc.stderr
    assert "binary" not in proc.stderr
    # the suggested command really converts it
    converted = subprocess.run(["iconv", "-f", "UTF-16", "-t", "UTF-8", str(path)], capture_output=True)
    if converted.returncode == 0:
        (tmp_path / "fixed").write_bytes(converted.stdout)
        assert _cli("graph", str(tmp_path / "fixed")).returncode == 0


def test_real_binary_is_still_called_binary(tmp_path):
    path = tmp_path / "blob"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00")
    proc = _cli("graph", str(path))
    assert proc.returncode == 2 and "binary file" in proc.stderr


def test_cancelled_stage_is_not_failed_in_zero_seconds():
    from studio.commands.build import Display
    from studio.engine.events import BuildStarted, StageFinished, StagePlan, StepPlan, StepStarted

    out = io.StringIO()
    display = Display(out, tty=False, cancelled=lambda: True)
    plan = [StagePlan(0, "build", "build", [StepPlan(1, "FROM busybox"), StepPlan(2, "RUN sleep 60")], True)]
    for event in [BuildStarted(plan, "buildkit", 0), StepStarted(0, 2, "[build 2/2] RUN sleep 60", 1.0),
                  StageFinished(0, "failed")]:
        display.handle(event)
    display.finish()
    text = out.getvalue()
    assert "[build] cancelled" in text and "FAILED" not in text and "0.0s" not in text


def test_classic_failure_summary_has_no_colour_codes(tmp_path, engine):
    path = tmp_path / "Dockerfile"
    path.write_text(f"FROM {BB}\nRUN echo to-stderr >&2; exit 3\n")
    proc = _cli("build", str(path), "--backend", "classic", "--no-cache", "--label", "io.github.stagestudio.test=1")
    assert proc.returncode == 1
    assert "| to-stderr" in proc.stdout and "    to-stderr" in proc.stdout and "code: 3" in proc.stdout
    assert "\x1b" not in proc.stdout


def test_a_log_chunk_is_written_line_by_line_with_its_stage_and_no_colour():
    """The engine hands a big log over in chunks of thousands of lines, cut anywhere: each
    complete line is printed once, prefixed, without colour codes, in order; a line cut
    by the chunk waits for its end; a redrawn progress line keeps its last state."""
    from studio.commands.build import Display
    from studio.engine.events import BuildStarted, StageFinished, StagePlan, StepLog, StepPlan, StepStarted

    out = io.StringIO()
    display = Display(out, tty=False)
    plan = [StagePlan(0, "build", "build", [StepPlan(1, "FROM busybox"), StepPlan(2, "RUN make")], True)]
    chunks = ["one\n\x1b[91mtwo\x1b[0m\nthr", "ee\n", "10%\r50%\r100%\nfour\n\nfi", "ve"]
    events = [BuildStarted(plan, "classic", 0), StepStarted(0, 2, "Step 2/2 : RUN make", 1.0)]
    events += [StepLog(0, 2, "stdout", chunk) for chunk in chunks] + [StageFinished(0, "done")]
    for event in events:
        display.handle(event)
    display.finish()
    logged = [line.removeprefix("[build] | ") for line in out.getvalue().splitlines() if line.startswith("[build] |")]
    assert logged == ["one", "two", "three", "100%", "four", "", "five"]
    assert "\x1b" not in out.getvalue()
