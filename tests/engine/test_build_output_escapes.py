"""A step that prints terminal escape codes cannot drive the user's terminal through
`stage-studio build`: the text output (live log and failure summary, both backends) drops
colour codes and shows every other escape as \\xNN; --json keeps the exact bytes, escaped."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from testimages import TEST_LABEL

BB = "stage-studio-test/busybox:latest"
# colour (SGR), a window title (OSC ... BEL), clear screen (CSI 2J); stderr, which the
# classic engine colours itself; a last line without its newline holding cursor-up (CSI 1A)
ESCAPES = (f"FROM {BB}\n"
           "RUN printf '\\033[31mred error\\033[0m\\n\\033]0;title\\007\\033[2Jcleared\\n'; "
           "echo to-stderr >&2; printf 'no end \\033[1A'; exit 3\n")
TITLE_AND_CLEAR = "\x1b]0;title\x07\x1b[2Jcleared"


def _build(path, backend: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studio", "build", str(path), "--no-cache", "--backend", backend,
                           "--label", f"{TEST_LABEL}=1", *extra], capture_output=True, text=True, timeout=180)


def _controls(text: str) -> list[str]:
    return sorted({ch for ch in text if not ch.isprintable() and ch not in "\n\t"})


@pytest.mark.parametrize("backend", ["buildkit", "classic"])
def test_text_output_shows_escapes_and_never_sends_them(backend, engine, tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(ESCAPES)
    proc = _build(path, backend)
    assert proc.returncode == 1, proc.stderr
    assert _controls(proc.stdout + proc.stderr) == []
    lines = proc.stdout.splitlines()
    shown = TITLE_AND_CLEAR.replace("\x1b", "\\x1b").replace("\x07", "\\x07")
    start = next(i for i, line in enumerate(lines) if line.startswith("error: "))
    summary, log = lines[start + 1:], [line for line in lines[:start] if line.startswith("[#0] | ")]
    # (stdout and stderr arrive in either order, so the line without its end may meet another)
    for said in ("red error", shown, "to-stderr", "no end \\x1b[1A"):
        assert any(line.startswith("    ") and said in line for line in summary), summary
        assert any(said in line for line in log), log


@pytest.mark.parametrize("backend", ["buildkit", "classic"])
def test_json_keeps_the_exact_bytes(backend, engine, tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(ESCAPES)
    proc = _build(path, backend, "--json")
    assert proc.returncode == 1, proc.stderr
    assert _controls(proc.stdout) == []  # JSON writes them as \u001b
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    logged = "".join(e["text"] for e in events if e["event"] == "step_log")
    assert "\x1b[31mred error\x1b[0m\n" in logged and f"{TITLE_AND_CLEAR}\n" in logged and "no end \x1b[1A" in logged
    (failed,) = [e for e in events if e["event"] == "build_failed"]
    assert "\x1b[31mred error\x1b[0m" in failed["last_log"] and TITLE_AND_CLEAR in failed["last_log"]
    assert events[-1]["error"]["last_log"] == failed["last_log"]


# a stage name and a secret id that hold a window title (OSC ... BEL), a clear screen (CSI 2J),
# an 8-bit CSI and a right-to-left override: the build display shows them escaped
HOSTILE = "\x1b]0;X\x07\x1b[2J\x9b2J\u202e"
SHOWN = "\\x1b]0;X\\x07\\x1b[2J\\x9b2J\\u202e"
NAMES = (f"FROM {BB} AS a{HOSTILE}b\nRUN --mount=type=secret,id=t{HOSTILE}k true\n"
         f"FROM {BB}\nCOPY --from=a{HOSTILE}b /bin/sh /x\n")


@pytest.mark.parametrize("backend", ["buildkit", "classic"])
def test_names_from_the_dockerfile_are_escaped_in_the_build_display(backend, engine, tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(NAMES)
    proc = _build(path, backend, "--target", f"a{HOSTILE}b")
    assert proc.returncode == 1, proc.stderr
    assert _controls(proc.stdout + proc.stderr) == []
    lines = proc.stdout.splitlines()
    assert f"building with {backend}, target a{SHOWN}b" in lines, lines
    assert any(line.startswith(f"[a{SHOWN}b] ") for line in lines), lines
    proc = _build(path, backend, "--target", f"a{HOSTILE}b", "--json")
    assert _controls(proc.stdout) == []  # JSON writes them as \u001b
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    (started,) = [e for e in events if e["event"] == "build_started"]
    assert [stage["name"] for stage in started["plan"]][0] == f"a{HOSTILE}b"
    assert events[-1]["stages"][0]["name"] == f"a{HOSTILE}b"


def test_the_live_table_on_a_terminal_escapes_names_and_sends_only_its_own_redraw(engine, tmp_path):
    import os
    import pty
    import re

    path = tmp_path / "Dockerfile"
    path.write_text(NAMES)
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "300"}
    with subprocess.Popen([sys.executable, "-m", "studio", "build", str(path), "--no-cache", "--backend", "buildkit",
                           "--label", f"{TEST_LABEL}=1"], stdout=follower, stderr=follower, env=env) as child:
        os.close(follower)
        said = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            said += chunk
        assert child.wait(timeout=180) == 1
    os.close(leader)
    text = said.decode()
    assert f"a{SHOWN}b" in text
    redraw = re.compile(r"\x1b\[\d+F\x1b\[J")
    assert _controls(redraw.sub("", text).replace("\r", "")) == [], text
