"""A full, closed or vanished standard output ends a command with one line (or, for a reader
that went away, quietly, as cat does), never a traceback. The full "disk" is a /dev/full
node made with mknod in a temporary folder."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = [sys.executable, "-m", "studio"]
ROOT = str(Path(__file__).resolve().parents[2])  # this checkout, also from another working folder


@pytest.fixture
def big_dockerfile(tmp_path):
    """Output far larger than a pipe's buffer, so a reader that leaves early breaks it."""
    lines = ["FROM busybox AS s0"] + [f"FROM busybox AS s{i + 1}\nCOPY --from=s{i} /a /a" for i in range(1500)]
    path = tmp_path / "Dockerfile"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def full_device(tmp_path):
    node = tmp_path / "full"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except PermissionError:
        pytest.skip("making a device node needs CAP_MKNOD")
    return node


@pytest.mark.parametrize("args", [["graph"], ["graph", "--format", "dot"], ["lint"],
                                  ["edit", "--rename-stage", "s0=base"]])
def test_full_output_is_one_line_and_exit_1(big_dockerfile, full_device, args):
    with open(full_device, "wb") as out:
        proc = subprocess.run([*COMMAND, args[0], str(big_dockerfile), *args[1:]], stdout=out,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr == f"stage-studio {args[0]}: cannot write the output: No space left on device\n"


def test_small_output_to_a_full_device_is_reported_too(tmp_path, full_device):
    (tmp_path / "small").write_text("FROM busybox:1\n")
    with open(full_device, "wb") as out:
        proc = subprocess.run([*COMMAND, "graph", str(tmp_path / "small")], stdout=out,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 1 and "No space left on device" in proc.stderr and "Traceback" not in proc.stderr


def test_closed_output_is_one_line(big_dockerfile):
    proc = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", *COMMAND, "graph", str(big_dockerfile)],
                          stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr == "stage-studio graph: cannot write the output: standard output is closed\n"


@pytest.mark.parametrize("command", ["graph", "lint"])
def test_reader_that_leaves_early_ends_it_quietly(big_dockerfile, command):
    proc = subprocess.Popen([*COMMAND, command, str(big_dockerfile)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout.readline()  # like `| head -1`
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert err == b""
    assert proc.returncode == 141  # as cat reports SIGPIPE: 128 + 13


@pytest.mark.parametrize("args", [["graph", "-"], ["lint", "-"], ["edit", "-", "--rename-stage", "a=b"],
                                  ["export", "-", "--svg", "out.svg"], ["build", "-"], ["build", "-f", "-", "."]])
@pytest.mark.parametrize("stdin, message", [
    ("<&-", "standard input is closed; give a file, or pipe the Dockerfile into '-'"),
    ("0>>written", "standard input: cannot read it (Bad file descriptor)"),  # open for writing only
])
def test_unreadable_standard_input_is_one_line_and_exit_2(tmp_path, args, stdin, message):
    """No engine answers here (tests/engines.py), so a build that got further would say so."""
    proc = subprocess.run(["sh", "-c", f'exec "$@" {stdin}', "sh", *COMMAND, *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": ROOT})
    assert (proc.returncode, proc.stderr) == (2, f"stage-studio {args[0]}: {message}\n")
    assert not (tmp_path / "out.svg").exists()


@pytest.mark.parametrize("args, who", [(["--help"], "stage-studio"), (["--version"], "stage-studio"),
                                       (["graph", "--help"], "stage-studio graph"),
                                       (["lint", "-h"], "stage-studio lint")])
def test_help_and_version_report_a_full_or_closed_output(full_device, args, who):
    with open(full_device, "wb") as out:
        proc = subprocess.run([*COMMAND, *args], stdout=out, stderr=subprocess.PIPE, text=True, timeout=120)
    assert (proc.returncode, proc.stderr) == (1, f"{who}: cannot write the output: No space left on device\n")
    proc = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", *COMMAND, *args],
                          stderr=subprocess.PIPE, text=True, timeout=120)
    assert (proc.returncode, proc.stderr) == (1, f"{who}: cannot write the output: standard output is closed\n")


@pytest.mark.parametrize("args", [["graph", "{}"], ["lint", "{}"], ["lint", "--list-rules"], ["--version"]])
def test_a_closed_standard_error_does_not_fail_a_good_command(tmp_path, args):
    """Python leaves sys.stderr None then; a flush of it made a success exit 1, and
    print(file=None) put lint's tally into the output."""
    (tmp_path / "Dockerfile").write_text("FROM busybox\n")  # one lint warning: a tally on stderr
    argv = [a.format(tmp_path / "Dockerfile") for a in args]
    proc = subprocess.run(["sh", "-c", 'exec "$@" 2>&-', "sh", *COMMAND, *argv],
                          stdout=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 0
    assert "error(s)" not in proc.stdout and proc.stdout.strip()
