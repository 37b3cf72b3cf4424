"""Builds through a BuildKit session against the real engine: the context is synced (a
rebuild sends only what changed), secrets reach RUN --mount=type=secret and appear nowhere
else, an SSH agent is forwarded, and cancel and failure close the session."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from testimages import TEST_LABEL

from studio.engine.builder import Build, BuildRequest
from studio.engine.session.secrets import SecretSpec
from studio.engine.session.sshforward import SshSpec

pytestmark = pytest.mark.engine
BB = "stage-studio-test/busybox:latest"
SECRET_VALUE = "tr0ub4dor-and-3-horses"
DIGEST = hashlib.sha256(SECRET_VALUE.encode()).hexdigest()


def _build(docker_client, text: str, context: Path, **options):
    request = BuildRequest(text, str(context), labels={TEST_LABEL: "1"}, **options)
    build = Build(request, client=docker_client)
    events = list(build.events())
    return events, build


def _sent(events, part: str = "") -> tuple[int, int]:
    sent = [e for e in events if e.event == "context_sent"]
    assert len(sent) == 1, [e.event for e in events]
    return (sent[0].context_bytes, sent[0].context_files) if part == "context" else (sent[0].bytes, sent[0].files)


def _files_in(docker_client, image_id: str, folder: str) -> dict[str, bytes]:
    import io
    import tarfile

    container = docker_client.containers.create(image_id, command=["true"])
    try:
        stream, _ = container.get_archive(folder)
        tar = tarfile.open(fileobj=io.BytesIO(b"".join(stream)))
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    finally:
        container.remove(force=True)


def test_a_rebuild_sends_only_the_file_that_changed(docker_client, tmp_path):
    ctx = tmp_path / "ctx"
    (ctx / "src").mkdir(parents=True)
    for i in range(30):
        (ctx / "src" / f"f{i:02}.txt").write_text(f"file {i}\n" * 200)
    text = f"FROM {BB}\nCOPY . /app/\n"
    events, build = _build(docker_client, text, ctx)
    assert build.result.ok, build.result.error
    first_bytes, first_files = _sent(events)
    # the first build sends every file and the Dockerfile ...
    assert first_files == 31 and first_bytes == sum(p.stat().st_size for p in (ctx / "src").iterdir()) + len(text)
    (ctx / "src" / "f07.txt").write_text("changed\n")
    events, build = _build(docker_client, text, ctx)
    assert build.result.ok, build.result.error
    # ... a rebuild only the changed file (Docker 26.1 also sends the Dockerfile again; 20.10 does not)
    assert _sent(events, "context") == (len("changed\n"), 1)
    assert _sent(events)[0] <= len("changed\n") + len(text)
    copied = _files_in(docker_client, build.result.image_id, "/app")
    assert copied["app/src/f07.txt"] == b"changed\n" and len(copied) == 30


def test_unsaved_text_is_built_and_never_added_to_the_context(docker_client, tmp_path):
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "a.txt").write_text("a\n")
    dockerfile = ctx / "Dockerfile"
    dockerfile.write_text(f"FROM {BB}\nCOPY . /ctx/\n")
    unsaved = f"FROM {BB}\nCOPY . /ctx/\nRUN echo unsaved > /marker\n"
    events, build = _build(docker_client, unsaved, ctx, dockerfile_path=str(dockerfile))
    assert build.result.ok, build.result.error
    files = _files_in(docker_client, build.result.image_id, "/ctx")
    # the Dockerfile in the context holds the text being built (as after a save), and nothing else was added
    assert sorted(files) == ["ctx/Dockerfile", "ctx/a.txt"]
    assert files["ctx/Dockerfile"] == unsaved.encode()
    assert _files_in(docker_client, build.result.image_id, "/marker") == {"marker": b"unsaved\n"}


@pytest.mark.parametrize("source", ["file", "env"])
def test_a_secret_reaches_its_step_and_nothing_else(docker_client, tmp_path, source, monkeypatch):
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    secret_file = tmp_path / "token.txt"
    secret_file.write_text(SECRET_VALUE)
    monkeypatch.setenv("STAGE_STUDIO_TEST_TOKEN", SECRET_VALUE)
    spec = SecretSpec("token", src=str(secret_file)) if source == "file" else \
        SecretSpec("token", env="STAGE_STUDIO_TEST_TOKEN")
    # The step checks the value by its hash, so the Dockerfile (and the image's history) never holds it.
    text = (f"FROM {BB}\nRUN --mount=type=secret,id=token,required=true "
            f'test "$(sha256sum < /run/secrets/token | cut -c1-64)" = "{DIGEST}" && echo checked > /ok\n')
    events, build = _build(docker_client, text, ctx, secrets=[spec], no_cache=True)
    assert build.result.ok, build.result.error
    assert _files_in(docker_client, build.result.image_id, "/ok") == {"ok": b"checked\n"}
    everything = json.dumps([e.to_json() for e in events]) + json.dumps(build.result.to_json())
    assert SECRET_VALUE not in everything
    saved = b"".join(docker_client.api.get_image(build.result.image_id))
    assert SECRET_VALUE.encode() not in saved


def test_cli_build_with_a_secret_prints_no_value(engine, tmp_path):
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text(
        f"FROM {BB}\nRUN --mount=type=secret,id=npm,required=true "
        f'test "$(sha256sum < /run/secrets/npm | cut -c1-64)" = "{DIGEST}" && echo ok\n')
    (tmp_path / "npmrc").write_text(SECRET_VALUE)
    cli = [sys.executable, "-m", "studio", "build", str(ctx / "Dockerfile"), "--no-cache", "--label", f"{TEST_LABEL}=1"]
    for extra in (["--json"], []):
        done = subprocess.run([*cli, *extra, "--secret", f"id=npm,src={tmp_path / 'npmrc'}"],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert SECRET_VALUE not in done.stdout + done.stderr
    missing = subprocess.run([*cli, "--secret", f"id=npm,src={tmp_path / 'absent'}"],
                             capture_output=True, text=True, timeout=300)
    assert missing.returncode == 2 and "secret npm: cannot read" in missing.stderr


def _ssh_context(tmp_path: Path) -> Path:
    """ssh-add and the libraries it needs, at their own paths, to copy onto busybox."""
    ctx = tmp_path / "sshctx"
    ctx.mkdir()
    binary = shutil.which("ssh-add")
    if binary is None:
        pytest.fail("ssh-add is missing (./dev test installs openssh-server, which brings it)")
    wanted = [Path(binary).resolve()]
    ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    for line in ldd.splitlines():
        parts = [p for p in line.split() if p.startswith("/")]
        if parts:
            wanted.append(Path(parts[0]))
    for path in wanted:
        target = ctx / "root" / str(path).lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path.resolve(), target)
    return ctx


def test_an_ssh_agent_is_forwarded_to_run_mount_type_ssh(docker_client, tmp_path):
    key = tmp_path / "id_test"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "stage-studio-test-key", "-f", str(key)],
                   check=True)
    sock = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if sock.exists():
                break
            threading.Event().wait(0.05)  # the agent makes its socket right after it starts
        env = {**os.environ, "SSH_AUTH_SOCK": str(sock)}
        subprocess.run(["ssh-add", str(key)], env=env, check=True, capture_output=True)
        ctx = _ssh_context(tmp_path)
        text = (f"FROM {BB}\nCOPY root/ /\n"
                "RUN --mount=type=ssh ssh-add -l > /agent-keys.txt\n")
        events, build = _build(docker_client, text, ctx, ssh=[SshSpec("default", str(sock))], no_cache=True)
        assert build.result.ok, build.result.error
        listed = _files_in(docker_client, build.result.image_id, "/agent-keys.txt")["agent-keys.txt"]
        assert b"stage-studio-test-key" in listed
    finally:
        agent.terminate()
        agent.wait(10)


def test_cancel_with_a_session_open_stops_the_build_and_closes_the_session(docker_client, tmp_path):
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    request = BuildRequest(f"FROM {BB}\nRUN sleep 60\n", str(ctx), labels={TEST_LABEL: "1"}, no_cache=True)
    build = Build(request, client=docker_client)
    seen = []
    for event in build.events():
        seen.append(event.event)
        if event.event == "step_started" and getattr(event, "instruction", "").startswith("RUN"):
            build.cancel()
        elif event.event == "step_started" and "sleep" in json.dumps(event.to_json()):
            build.cancel()
    assert build.result is not None and not build.result.ok
    assert "cancel" in build.result.error.message
    assert build.session is not None and not build.session.alive


def test_a_failed_build_closes_its_session(docker_client, tmp_path):
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    events, build = _build(docker_client, f"FROM {BB}\nRUN exit 3\n", ctx, no_cache=True)
    assert not build.result.ok and build.result.error.exit_code == 3
    assert build.session is not None and not build.session.alive
