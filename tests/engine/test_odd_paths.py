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
                          capture_output=True, text=True, errors="surrogateescape", timeout=180, cwd=cwd,
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


@pytest.fixture
def odd_dockerfile(tmp_path):
    """A context holding a.txt and a Dockerfile named f<0xe9>.Dockerfile."""
    ctx = tmp_path / "plain"
    ctx.mkdir()
    (ctx / "a.txt").write_text("hello\n")
    raw = os.path.join(os.fsencode(ctx), b"f\xe9.Dockerfile")
    with open(raw, "wb") as handle:
        handle.write(TEXT.encode())
    return ctx, os.fsdecode(raw)


def docker_build(engine, args: list[str], buildkit: bool) -> subprocess.CompletedProcess:
    return subprocess.run(["/usr/bin/docker", "build", "-q", "--no-cache", "--label", f"{TEST_LABEL}=1", *args],
                          capture_output=True, text=True, errors="surrogateescape", timeout=180,
                          env={**os.environ, "DOCKER_HOST": engine.host, "DOCKER_BUILDKIT": str(int(buildkit))})


def names_and_sizes(client, image_id: str) -> list[tuple]:
    return [(name, size) for name, _, size, _ in listing(client, image_id)]


def test_a_dockerfile_name_that_is_not_utf8_builds_as_the_classic_cli_builds_it(engine, odd_dockerfile):
    """The dockerfile= query parameter carries the name's bytes, percent-escaped (%E9), as
    the Go CLI's url.Values does; requests could not encode the name before."""
    ctx, dockerfile = odd_dockerfile
    proc = docker_build(engine, ["-f", dockerfile, str(ctx)], buildkit=False)
    assert proc.returncode == 0, proc.stderr
    theirs = listing(engine.client, proc.stdout.strip().splitlines()[-1])
    assert [(name, size) for name, _, size, _ in theirs] == [("c/a.txt", 6), ("c/f\udce9.Dockerfile", len(TEXT))]
    for mode in (["--backend", "classic"], ["--backend", "buildkit", "--no-session"]):
        ours = built_id(studio_build(["-f", dockerfile, str(ctx), *mode]))
        if mode[1] == "classic":
            assert listing(engine.client, ours) == theirs
        else:  # (BuildKit's COPY keeps other modes than the classic builder's: names and sizes)
            assert names_and_sizes(engine.client, ours) == [(name, size) for name, _, size, _ in theirs]


def test_a_session_build_of_a_dockerfile_name_that_is_not_utf8_is_refused_in_one_line(engine, odd_dockerfile):
    """Through a session the engine asks for the Dockerfile by a name already made UTF-8
    (U+FFFD for the byte), so docker build fails too; ours says so before sending."""
    ctx, dockerfile = odd_dockerfile
    assert docker_build(engine, ["-f", dockerfile, str(ctx)], buildkit=True).returncode != 0
    proc = studio_build(["-f", dockerfile, str(ctx)])
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stdout + proc.stderr
    shown = f"{ctx}/f\\xe9.Dockerfile"
    assert proc.stdout.splitlines()[-1] == (
        f"error: cannot send the Dockerfile {shown} through a BuildKit session: its file name is not UTF-8, "
        "and the engine asks for it by a changed name. Rename the file, or build without a session "
        "(--no-session) or with the classic builder (--backend classic)")
    assert "context synced" not in proc.stdout  # (refused before anything was sent)
