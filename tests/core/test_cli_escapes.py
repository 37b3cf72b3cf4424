"""No text from a Dockerfile or a file name can drive the user's terminal: every command's
text output (lint's findings, graph's and edit's errors, a missing file, export's message)
shows control and format characters escaped, as ``units.visible`` writes them; JSON and
SARIF keep the exact values, and edit's printed Dockerfile its exact bytes. (The build
display is checked on the engines: tests/engine/test_build_output_escapes.py.)"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from studio.core.units import TerminalWriter, terminal_text, visible

COMMAND = [sys.executable, "-m", "studio"]
# a window title (OSC ... BEL), clear screen (CSI 2J), a lone BEL, an 8-bit CSI, a right-to-left override
HOSTILE = "\x1b]0;X\x07" + "\x1b[2J" + "\x07" + "\x9b2J" + "\u202e"
SHOWN = "\\x1b]0;X\\x07\\x1b[2J\\x07\\x9b2J\\u202e"
STAGE = f"a{HOSTILE}b"
SECRET = f"t{HOSTILE}k"
TEXT = (f"FROM busybox:1 AS {STAGE}\n"
        f"RUN --mount=type=secret,id={SECRET} true\n"
        f"FROM busybox:1 AS {STAGE}2\n"
        f"COPY --from={STAGE} /a /a\n")


def cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=120, **kw)


def raw_controls(text: str) -> list[str]:
    """The characters that would reach a terminal as controls (newline and tab are fine)."""
    return sorted({ch for ch in text if not ch.isprintable() and ch not in "\n\t"})


@pytest.fixture()
def hostile(tmp_path):
    path = tmp_path / f"e{HOSTILE}.Dockerfile"
    path.write_text(TEXT)
    return path


def test_terminal_text_keeps_lines_and_tabs_and_escapes_the_rest():
    assert terminal_text("plain\n\tline") == "plain\n\tline"
    assert terminal_text(f"one {HOSTILE}\n\ttwo\r") == f"one {SHOWN}\n\ttwo\\x0d"
    assert terminal_text(SHOWN) == SHOWN  # escaping twice changes nothing
    assert terminal_text(visible("caf\udce9")) == "caf\\xe9"


def test_terminal_writer_escapes_what_is_written(capsys):
    print(f"name {STAGE}", file=TerminalWriter(sys.stdout))
    assert capsys.readouterr().out == f"name a{SHOWN}b\n"


def test_lint_text_escapes_the_file_name_and_every_quoted_name(hostile):
    proc = cli("lint", str(hostile))
    assert proc.returncode == 1, proc.stderr
    assert raw_controls(proc.stdout + proc.stderr) == []
    lines = proc.stdout.splitlines()
    assert lines and all(line.startswith(f"{visible(str(hostile))}:") for line in lines), lines
    assert f"'a{SHOWN}b'" in proc.stdout and f"id=t{SHOWN}k" in proc.stdout


def test_lint_json_and_sarif_keep_the_exact_values(hostile):
    proc = cli("lint", str(hostile), "--format", "json")
    assert raw_controls(proc.stdout) == []  # JSON writes them as \u001b
    report = json.loads(proc.stdout)
    assert report["file"] == str(hostile)
    messages = " ".join(f["message"] for f in report["findings"])
    assert f"'{STAGE}'" in messages and f"id={SECRET}" in messages
    proc = cli("lint", str(hostile), "--format", "sarif")
    assert raw_controls(proc.stdout) == []
    sarif = json.loads(proc.stdout)
    (run,) = sarif["runs"]
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"] for loc in r["locations"]}
    assert uris and all(isinstance(uri, str) for uri in uris)
    assert any(f"'{STAGE}'" in r["message"]["text"] for r in run["results"])


def test_graph_errors_escape_the_stage_list_and_the_file_name(hostile, tmp_path):
    proc = cli("graph", str(hostile), "--target", f"zz{HOSTILE}")
    assert proc.returncode == 2
    assert raw_controls(proc.stderr) == [] and proc.stdout == ""
    assert f"'zz{SHOWN}'" in proc.stderr and f"a{SHOWN}b, a{SHOWN}b2" in proc.stderr, proc.stderr
    missing = tmp_path / f"no{HOSTILE}pe"
    proc = cli("graph", str(missing))
    assert proc.returncode == 2 and proc.stderr == f"stage-studio graph: {visible(str(missing))}: no such file\n"


def test_graph_json_dot_and_mermaid_keep_the_exact_names(hostile):
    graph = json.loads(cli("graph", str(hostile)).stdout)
    assert [s["name"] for s in graph["stages"]] == [STAGE, f"{STAGE}2"]
    for fmt in ("dot", "mermaid"):
        proc = cli("graph", str(hostile), "--format", fmt)
        assert proc.returncode == 0 and STAGE in proc.stdout, proc.stdout  # a file format: exact


def test_edit_messages_are_escaped_and_its_dockerfile_is_the_exact_bytes(hostile):
    proc = cli("edit", str(hostile), "--remove-stage", STAGE)
    assert proc.returncode == 1 and proc.stdout == ""
    assert raw_controls(proc.stderr) == [] and f"a{SHOWN}b" in proc.stderr, proc.stderr
    proc = subprocess.run([*COMMAND, "edit", str(hostile), "--add-instruction", f"{STAGE}2=RUN true"],
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (TEXT + "RUN true\n").encode()


def test_export_names_the_file_it_wrote_escaped(hostile, tmp_path):
    out = tmp_path / f"g{HOSTILE}.svg"
    proc = cli("export", str(hostile), "--svg", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().startswith("<?xml") or "<svg" in out.read_text()
    assert raw_controls(proc.stdout + proc.stderr) == []
    assert proc.stdout == f"wrote {visible(str(out))} (2 stages)\n"
