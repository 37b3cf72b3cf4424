"""A context file whose name is not UTF-8 goes through the BuildKit session as the bytes
the file system holds (as the docker CLI sends it), and any fault while the session
serves a build ends the build with one line that names the file, never a thread traceback."""
from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import threading

import pytest
from helpers import unprivileged
from prerequisites import require
from testimages import TEST_LABEL

from studio.engine.builder import Build, BuildRequest
from studio.engine.session import filesync, grpc_server

BB = "stage-studio-test/busybox:latest"
CLI = "/usr/bin/docker"
TEXT = f"FROM {BB}\nCOPY . /c/\n"
ODD = "caf\udce9"  # the bytes b"caf\xe9" as Python reads them from the folder


@pytest.fixture
def odd_context(tmp_path):
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    raw = os.fsencode(ctx)
    with open(raw + b"/caf\xe9", "wb") as handle:
        handle.write(b"latin-1 name\n")
    os.symlink(b"caf\xe9", raw + b"/link-\xff")
    os.mkdir(raw + b"/d\xe9")
    with open(raw + b"/d\xe9/inner", "wb") as handle:
        handle.write(b"x\n")
    (ctx / "Dockerfile").write_text(TEXT)
    return ctx


@pytest.fixture
def thread_faults(monkeypatch):
    """Exceptions that escaped any thread (Python would print them as a traceback)."""
    seen: list = []
    monkeypatch.setattr(threading, "excepthook", seen.append)
    return seen


def _members(client, image_id: str) -> list[tuple[str, str]]:
    """(name, link target) of everything under /c, as the engine archives it."""
    container = client.api.create_container(image_id, command=["true"])["Id"]
    try:
        stream, _ = client.api.get_archive(container, "/c")
        path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"s7-odd-{container}.tar")
        with open(path, "wb") as handle:
            for chunk in stream:
                handle.write(chunk)
        with tarfile.open(path, encoding="utf-8", errors="surrogateescape") as tar:
            found = sorted((m.name, m.linkname) for m in tar.getmembers())
        os.unlink(path)
        return found
    finally:
        client.api.remove_container(container, force=True)


def _studio(ctx, **options) -> Build:
    build = Build(BuildRequest(TEXT, str(ctx), backend="buildkit", no_cache=True, labels={TEST_LABEL: "1"},
                               **options))
    build.events_seen = list(build.events())
    return build


def test_a_name_that_is_not_utf8_reaches_the_image_as_docker_ships_it(engine, odd_context, thread_faults):
    require(None if os.path.exists(CLI) else "needs Debian's docker CLI (apt-get install docker.io)")
    build = _studio(odd_context)
    assert build.result.ok, build.result.error
    assert not thread_faults
    proc = subprocess.run([CLI, "build", "-q", "--no-cache", "--label", f"{TEST_LABEL}=1", str(odd_context)],
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "DOCKER_HOST": engine.host, "DOCKER_BUILDKIT": "1"})
    assert proc.returncode == 0, proc.stderr
    theirs = _members(engine.client, proc.stdout.strip().splitlines()[-1])
    ours = _members(engine.client, build.result.image_id)
    assert ("c/" + ODD, "") in theirs and ("c/link-\udcff", ODD) in theirs  # (what docker ships)
    assert ours == theirs


def _one_line_failure(build) -> str:
    (failed,) = [e for e in build.events_seen if e.event == "build_failed"]
    assert "\n" not in failed.message and "Traceback" not in failed.message
    return failed.message


def test_a_fault_while_sending_a_file_names_the_file(engine, odd_context, thread_faults, monkeypatch):
    real = filesync.Entry.encoded

    def failing(entry):
        if entry.rel == "d\udce9/inner":
            raise ValueError("cannot describe it")
        return real(entry)

    monkeypatch.setattr(filesync.Entry, "encoded", failing)
    build = _studio(odd_context)
    assert not build.result.ok and not thread_faults
    assert "cannot send d\\xe9/inner from the context folder: ValueError: cannot describe it" \
        in _one_line_failure(build)


def test_a_fault_in_the_session_itself_is_said_in_one_line(engine, odd_context, thread_faults, monkeypatch):
    real = grpc_server.GrpcServer._open

    def failing(server, stream_id, headers):
        if dict(headers).get(":path", "").endswith("/DiffCopy"):
            raise RuntimeError("a bug in the session")
        return real(server, stream_id, headers)

    monkeypatch.setattr(grpc_server.GrpcServer, "_open", failing)
    build = _studio(odd_context)
    assert not build.result.ok and not thread_faults
    assert _one_line_failure(build).startswith("the BuildKit session failed (RuntimeError: a bug in the session)")


@pytest.mark.parametrize("locked", [b"d\xe9", b"caf\xe9"])
def test_an_unreadable_entry_whose_name_is_not_utf8_is_named_in_one_line(engine, odd_context, locked):
    raw = os.path.join(os.fsencode(odd_context), locked)
    os.chmod(raw, 0)
    try:
        proc = subprocess.run(unprivileged([sys.executable, "-m", "studio", "build", str(odd_context), "--backend",
                                            "buildkit", "--no-cache", "--label", f"{TEST_LABEL}=1"]),
                              capture_output=True, text=True, timeout=180)
    finally:
        os.chmod(raw, 0o755)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stdout + proc.stderr
    shown = locked.decode("latin-1").replace("\xe9", "\\xe9")
    assert f"error: error from sender: open {odd_context}/{shown}: permission denied" in proc.stdout.splitlines()
