"""What the headless commands say when the input is wrong: the advice can be followed, the
message names the real problem, the usage line is the command's own, and one fault (a
read-only file) exits the same way from every command that writes in place."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

COMMAND = [sys.executable, "-m", "studio"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEXT = "FROM busybox:1 AS base\nRUN echo a > /a\nRUN echo b > /b\n"


def cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=120, **kw)


def test_utf16_on_standard_input_suggests_a_pipe_that_works(tmp_path):
    data = TEXT.encode("utf-16")
    proc = cli("graph", "-", input=data.decode("latin-1"), encoding="latin-1")
    assert proc.returncode == 2
    assert "pipe it through `iconv -f UTF-16 -t UTF-8` first" in proc.stderr and "standard input >" not in proc.stderr
    iconv = subprocess.run(["iconv", "-f", "UTF-16", "-t", "UTF-8"], input=data, capture_output=True)
    if iconv.returncode == 0:  # the advice, followed
        assert cli("graph", "-", input=iconv.stdout.decode()).returncode == 0


def test_a_reversed_extract_range_is_named_as_such(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(TEXT)
    proc = cli("edit", str(path), "--extract-stage", "3-1=x:/a")
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == ("stage-studio edit: --extract-stage 3-1=x:/a: the range 3-1 runs backwards; "
                           "write it FIRST-LAST, as 1-3\n")
    assert cli("edit", str(path), "--extract-stage", "2-3=x:/a").returncode == 0


@pytest.mark.parametrize("args", [["graph", "-", "-"], ["lint", "--nope"], ["edit", "F", "--nope"],
                                  ["export", "F", "--svg", "a.svg", "extra"]])
def test_an_argument_error_shows_the_commands_usage(args):
    proc = cli(*args)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"usage: stage-studio {args[0]} "), proc.stderr
    assert proc.stderr.splitlines()[-1].startswith(f"stage-studio {args[0]}: error: unrecognized arguments: ")


@pytest.mark.parametrize("args", [["edit", "{}", "--rename-stage", "base=b2", "--in-place"], ["lint", "--fix", "{}"]])
def test_a_read_only_file_exits_2_from_every_in_place_writer(tmp_path, args):
    path = tmp_path / "Dockerfile"
    path.write_text(TEXT.replace("AS base", "AS Base"))  # lint --fix has a casing fix to write
    path.chmod(0o444)
    proc = cli(*(a.format(path) if a != "base=b2" else "Base=b2" for a in args))
    assert proc.returncode == 2 and f"cannot write {path}: the file is read-only" in proc.stderr, proc.stderr
    assert path.read_text() == TEXT.replace("AS base", "AS Base")


@pytest.mark.parametrize("name", ["my file's $HOME;touch pwned.df", "e\x1b]0;T\x07\x9b2J\u202e\\x.df",
                                  "plain.Dockerfile", "-x", "a\nb"])
def test_the_utf16_hint_is_a_command_that_converts_that_file_and_does_nothing_else(tmp_path, name):
    (tmp_path / name).write_bytes(TEXT.encode("utf-16"))
    proc = cli("graph", "--", name, cwd=tmp_path, env={**os.environ, "PYTHONPATH": ROOT})
    assert proc.returncode == 2
    assert all(ch.isprintable() for ch in proc.stderr.rstrip("\n")), proc.stderr
    command = proc.stderr.split("`")[1]
    assert command.startswith("iconv -f UTF-16 -t UTF-8 "), proc.stderr
    ran = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, f"{name}.utf8"])
    assert (tmp_path / f"{name}.utf8").read_text() == TEXT
