"""A context file we may not read, or one that changes while it is sent, fails the build
(as the docker CLI's "error from sender: open ctx/locked: permission denied" does): the
engine never receives bytes the file does not hold."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from helpers import unprivileged

from studio.engine import context as build_context
from studio.engine.context import ContextError, scan

NAME = ".stage-studio.Dockerfile"
BB = "stage-studio-test/busybox:latest"
LABEL = "io.github.stagestudio.test"


def _scan_unprivileged(context_dir) -> subprocess.CompletedProcess:
    code = ("import sys; from studio.engine.context import scan, ContextError\n"
            "try:\n    ctx = scan(sys.argv[1], 'FROM scratch\\n', 'x.Dockerfile')\n"
            "    print('sent', sorted(e.name for e in ctx.entries))\n"
            "except ContextError as exc:\n    print(exc); sys.exit(3)\n")
    return subprocess.run(unprivileged([sys.executable, "-c", code, str(context_dir)]),
                          capture_output=True, text=True, timeout=60)


def test_unreadable_file_is_an_error_naming_it(context_dir):
    locked = context_dir / "locked"
    locked.write_text("only the owner's eyes\n")
    locked.chmod(0)
    proc = _scan_unprivileged(context_dir)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert f"open {locked}: permission denied" in proc.stdout


def test_unreadable_folder_is_an_error_not_an_empty_folder(context_dir):
    folder = context_dir / "private"
    folder.mkdir()
    (folder / "f").write_text("x")
    folder.chmod(0)
    try:
        proc = _scan_unprivileged(context_dir)
    finally:
        folder.chmod(0o755)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert f"open {folder}: permission denied" in proc.stdout


def test_unreadable_but_ignored_file_is_not_opened(context_dir):
    (context_dir / "secret.key").chmod(0)  # the fixture's .dockerignore leaves *.key out
    proc = _scan_unprivileged(context_dir)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "secret.key" not in proc.stdout and "a.txt" in proc.stdout


@pytest.mark.parametrize("change", ["grow", "shrink"])
def test_file_that_changes_size_while_sent_stops_the_stream(context_dir, change):
    target = context_dir / "a.txt"
    ctx = scan(context_dir, "FROM scratch\n", NAME)
    with open(target, "ab" if change == "grow" else "wb") as fh:
        fh.write(b"more\n" if change == "grow" else b"")
    with pytest.raises(ContextError, match=f"{target} changed size while it was being sent"):
        list(ctx.chunks())


def test_file_replaced_by_a_fifo_does_not_hang_the_upload(context_dir):
    ctx = scan(context_dir, "FROM scratch\n", NAME)
    (context_dir / "a.txt").unlink()
    os.mkfifo(context_dir / "a.txt")
    with pytest.raises(ContextError, match="no longer a regular file"):
        list(ctx.chunks())


def test_file_made_unreadable_after_the_scan(context_dir):
    ctx = scan(context_dir, "FROM scratch\n", NAME)
    (context_dir / "a.txt").unlink()
    with pytest.raises(ContextError, match="a.txt: no such file"):
        list(ctx.chunks())


# ---- against the real engine and the real CLI ---------------------------------------------
def _stage_studio(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(unprivileged([sys.executable, "-m", "studio", *args]),
                          capture_output=True, text=True, timeout=180)


def _cli_build(context_dir, buildkit: str) -> subprocess.CompletedProcess:
    return subprocess.run(unprivileged(["/usr/bin/docker", "build", "-q", "--no-cache", str(context_dir)]),
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "DOCKER_BUILDKIT": buildkit})


def _assert_build_refused(context_dir, docker_client, path) -> None:
    dockerfile = context_dir / "Dockerfile"
    dockerfile.write_text(f"FROM {BB}\nCOPY . /app\n")
    mine = f"{LABEL}={uuid.uuid4().hex}"  # this build's own label: other builds may run meanwhile
    proc = _stage_studio("build", str(dockerfile), "--json", "--no-cache", "--label", mine)
    result = json.loads(proc.stdout.splitlines()[-1])
    assert proc.returncode == 1 and result["ok"] is False, proc.stdout + proc.stderr
    assert f"open {path}: permission denied" in result["error"]["message"]
    assert docker_client.images.list(filters={"label": mine}) == []


@pytest.mark.engine
def test_build_with_an_unreadable_file_fails_as_the_cli_does(context_dir, docker_client):
    locked = context_dir / "locked"
    locked.write_text("secret\n")
    locked.chmod(0)
    _assert_build_refused(context_dir, docker_client, locked)
    # the reference: the classic CLI refuses it ("no permission to read from '.../locked'"). (Debian's
    # 20.10 CLI with BuildKit sends such a file EMPTY and builds: not a behaviour to copy.)
    cli = _cli_build(context_dir, "0")
    assert cli.returncode != 0 and f"no permission to read from '{locked}'" in cli.stderr, cli.stdout


@pytest.mark.engine
def test_build_with_an_unreadable_folder_fails_as_the_cli_does(context_dir, docker_client):
    folder = context_dir / "private"
    folder.mkdir()
    (folder / "f").write_text("x")
    folder.chmod(0)
    try:
        _assert_build_refused(context_dir, docker_client, folder)
        # the reference: both of the CLI's builders refuse it
        buildkit = _cli_build(context_dir, "1")
        assert buildkit.returncode != 0 and "error from sender: open" in buildkit.stderr, buildkit.stdout
        assert "private: permission denied" in buildkit.stderr
        classic = _cli_build(context_dir, "0")
        assert classic.returncode != 0 and f"can't stat '{folder}'" in classic.stderr, classic.stdout
    finally:
        folder.chmod(0o755)


@pytest.mark.engine
def test_file_growing_during_the_upload_fails_the_build(context_dir, docker_client, monkeypatch):
    from studio.engine.builder import Build, BuildRequest

    real_scan = build_context.scan

    def scan_then_write(*args, **kw):  # the file changes between measuring and sending
        ctx = real_scan(*args, **kw)
        with open(context_dir / "a.txt", "ab") as fh:
            fh.write(b"written during the build\n")
        return ctx

    monkeypatch.setattr(build_context, "scan", scan_then_write)
    # The tar upload measures first and sends later (a BuildKit session reads each file's size
    # as it sends it; tests/engine/test_session.py covers a change during that read).
    text = f"FROM {BB}\nCOPY a.txt /a.txt\n"
    (context_dir / "Dockerfile").write_text(text)
    request = BuildRequest(text, str(context_dir), str(context_dir / "Dockerfile"), no_cache=True,
                           labels={LABEL: "1"}, session=False)
    build = Build(request)
    events = list(build.events())
    assert build.result is not None and not build.result.ok
    assert "a.txt changed size while it was being sent" in build.result.error.message
    assert events[-1].event == "build_failed"
