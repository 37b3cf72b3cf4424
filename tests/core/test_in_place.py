"""``edit --in-place`` and ``lint --fix`` rewrite regular files only, and refuse anything
else before reading it, as ``sed -i`` does: a FIFO was read and then the write-back blocked
forever waiting for a reader. FIFOs and device nodes are made in the test's own folder."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

COMMAND = [sys.executable, "-m", "studio"]
TEXT = "FROM busybox AS base\nFROM base\n"
FIX = "FROM busybox AS Base\nFROM Base\n"  # StageNameCasing: a safe quick fix


def make(tmp_path, kind: str):
    path = tmp_path / "Dockerfile"
    if kind == "fifo":
        os.mkfifo(path)  # no writer: a command that opened it to read would block
    elif kind == "device":
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a null device
        except PermissionError:
            pytest.skip("making a device node needs CAP_MKNOD")
    elif kind == "folder":
        path.mkdir()
    return path


EDIT = ["edit", "{}", "--rename-stage", "base=b2", "--in-place"]
LINT = ["lint", "--fix", "{}"]  # (lint --fix DIR fixes the Dockerfiles inside the folder)


@pytest.mark.parametrize("kind, shown, args", [
    ("fifo", "a FIFO", EDIT), ("device", "a device", EDIT), ("folder", "a folder", EDIT),
    ("fifo", "a FIFO", LINT), ("device", "a device", LINT),
])
def test_in_place_refuses_what_is_not_a_regular_file_before_reading(tmp_path, kind, shown, args):
    path = make(tmp_path, kind)
    proc = subprocess.run([*COMMAND, *(a.format(path) for a in args)], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (f"stage-studio {args[0]}: {path}: is {shown}, not a regular file; "
                           "only a file can be rewritten in place\n")
    assert kind != "fifo" or path.is_fifo()


@pytest.mark.parametrize("args, before, after", [(EDIT, TEXT, "FROM busybox AS b2\nFROM b2\n"), (LINT, FIX, TEXT)])
def test_a_symlink_to_a_regular_file_is_still_rewritten(tmp_path, args, before, after):
    (tmp_path / "real").write_text(before)
    link = tmp_path / "Dockerfile"
    link.symlink_to("real")
    proc = subprocess.run([*COMMAND, *(a.format(link) for a in args)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and (tmp_path / "real").read_text() == after
