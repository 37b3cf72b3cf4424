"""Paths that are not UTF-8 outside the context's own files: the context folder's path
(or a parent's), and the Dockerfile's file name. Each is judged against the real docker
CLI on the same input, on every engine."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import cli_image, exported_entries
from testimages import TEST_LABEL

BB = "stage-studio-test/busybox:latest"
TEXT = f"FROM {BB}\nCOPY . /c/\n"


def listing(client, image_id: str) -> list[tuple]:
    return sorted((m.name, m.type, m.size, m.mode) for m in exported_entries(client, image_id))


def studio_build(args: list[str], cwd=None) -> subprocess.CompletedProcess:
    """``stage-studio build`` run as a user runs it (this worktree's code, whatever the cwd)."""
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return subprocess.run([sys.executable, "-m", "studio", "build", *args, "--no-cache", "--label", f"{TEST_LABEL}=1"],
                          capture_output=True, text=True, timeout=180, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": here})


def built_id(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (line,) = [line for line in proc.stdout.splitlines() if line.startswith("built sha256:")]
    return line.split()[1]


@pytest.fixture
def odd_folder(tmp_path):
    """A context folder inside a parent folder, both named with the byte 0xe9 (Latin-1 é)."""
    raw = os.path.join(os.fsencode(tmp_path), b"p\xe9", b"d\xe9")
    os.makedirs(raw)
    with open(os.path.join(raw, b"a.txt"), "wb") as handle:
        handle.write(b"hello\n")
    with open(os.path.join(raw, b"Dockerfile"), "wb") as handle:
        handle.write(TEXT.encode())
    return os.fsdecode(raw)


@pytest.mark.parametrize("from_inside", [False, True], ids=["path", "cwd"])
def test_the_default_session_build_of_a_folder_whose_path_is_not_utf8(engine, odd_folder, from_inside):
    """The session's shared key hashes the folder's path as bytes (as the Go CLI does); it
    raised UnicodeEncodeError before the build was sent."""
    proc = studio_build(["."] if from_inside else [odd_folder], cwd=odd_folder if from_inside else None)
    ours = listing(engine.client, built_id(proc))
    theirs = listing(engine.client, cli_image(engine, odd_folder, buildkit=True))
    assert [(name, size) for name, _, size, _ in ours] == [("c/Dockerfile", len(TEXT)), ("c/a.txt", 6)]
    assert ours == theirs
