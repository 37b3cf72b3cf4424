"""The image is docker build's image: for each place a Dockerfile can come from, and for
.dockerignore rules, the final image holds the same files (``docker export | tar t``) and
has the same size as the one Debian's docker CLI builds from the same folder, on every
engine. BuildKit builds are compared with ``DOCKER_BUILDKIT=1``, classic ones with ``=0``."""
from __future__ import annotations

import os
import subprocess
import tarfile

import pytest
from prerequisites import require
from testimages import TEST_LABEL

from studio.engine.builder import Build, BuildRequest

BB = "stage-studio-test/busybox:latest"
CLI = "/usr/bin/docker"
TEXT = f"FROM {BB}\nCOPY . /ctx/\n"


@pytest.fixture(autouse=True)
def _debian_cli_available():
    require(None if os.path.exists(CLI) else "needs Debian's docker CLI (apt-get install docker.io)")


def image_files(client, image_id: str) -> list[str]:
    """Every path in the image's file system, as ``docker export | tar t`` lists it."""
    container = client.api.create_container(image_id, command=["true"])["Id"]
    try:
        response = client.api.export(container, chunk_size=None)
        with tarfile.open(fileobj=_Stream(response), mode="r|") as tar:
            return sorted(member.name for member in tar)
    finally:
        client.api.remove_container(container, force=True)


class _Stream:
    """A file-like view of the export's chunks, so the tar is read as it arrives."""

    def __init__(self, chunks) -> None:
        self._chunks, self._buffer = iter(chunks), b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def cli_image(engine, context, dockerfile=None, stdin: str | None = None, buildkit: bool = True) -> str:
    args = [CLI, "build", "-q", "--label", f"{TEST_LABEL}=1"]
    if stdin is not None:
        args += ["-f", "-"]
    elif dockerfile is not None:
        args += ["-f", str(dockerfile)]
    proc = subprocess.run([*args, str(context)], input=stdin, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "DOCKER_HOST": engine.host, "DOCKER_BUILDKIT": "1" if buildkit else "0"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1]


def studio_image(engine, context, text: str, dockerfile=None, buildkit: bool = True) -> str:
    request = BuildRequest(text, str(context), dockerfile_path=str(dockerfile) if dockerfile else None,
                           backend="buildkit" if buildkit else "classic", labels={TEST_LABEL: "1"})
    build = Build(request, client=engine.client)
    events = list(build.events())
    assert build.result.ok, [e for e in events if e.event == "build_failed"]
    return build.result.image_id


def assert_same_image(engine, ours: str, theirs: str) -> None:
    mine, cli = image_files(engine.client, ours), image_files(engine.client, theirs)
    assert [p for p in mine if p.startswith("ctx/")] == [p for p in cli if p.startswith("ctx/")]
    assert mine == cli
    size = engine.client.api.inspect_image(ours)["Size"]
    assert size == engine.client.api.inspect_image(theirs)["Size"]


@pytest.fixture
def folder(tmp_path):
    """A context with files, a sub-folder and a .dockerignore that uses `**` and negations."""
    ctx = tmp_path / "ctx"
    (ctx / "src" / "deep").mkdir(parents=True)
    (ctx / "logs").mkdir()
    (ctx / "a.txt").write_text("hello\n")
    (ctx / "src" / "main.c").write_text("int main(void) { return 0; }\n")
    (ctx / "src" / "deep" / "debug.log").write_text("noise\n")
    (ctx / "src" / "deep" / "keep.log").write_text("kept\n")
    (ctx / "logs" / "x.log").write_text("x\n")
    (ctx / "secret.key").write_text("do not send\n")
    (ctx / ".dockerignore").write_text("**/*.log\n!src/deep/keep.log\n*.key\n")
    return ctx


BACKENDS = [pytest.param(True, id="buildkit"), pytest.param(False, id="classic")]


@pytest.mark.parametrize("buildkit", BACKENDS)
def test_dockerfile_inside_the_context(engine, folder, buildkit):
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(TEXT)
    ours = studio_image(engine, folder, TEXT, dockerfile, buildkit)
    assert_same_image(engine, ours, cli_image(engine, folder, dockerfile, buildkit=buildkit))
    assert "ctx/Dockerfile" in image_files(engine.client, ours)  # docker build's COPY . carries it too


@pytest.mark.parametrize("buildkit", BACKENDS)
def test_unsaved_text_sees_what_a_save_would_show(engine, folder, buildkit):
    dockerfile = folder / "Dockerfile"
    unsaved = TEXT + "LABEL edited=yes-and-longer\n"
    dockerfile.write_text(unsaved)  # the reference: what docker build makes after a save
    theirs = cli_image(engine, folder, dockerfile, buildkit=buildkit)
    dockerfile.write_text(TEXT)  # the file on disk is the older text
    ours = studio_image(engine, folder, unsaved, dockerfile, buildkit)
    assert dockerfile.read_text() == TEXT  # the user's file is not written
    assert_same_image(engine, ours, theirs)
    assert engine.client.api.inspect_image(ours)["Config"]["Labels"]["edited"] == "yes-and-longer"


@pytest.mark.parametrize("buildkit", BACKENDS)
def test_dockerfile_outside_the_context(engine, folder, tmp_path, buildkit):
    dockerfile = tmp_path / "elsewhere" / "build.Dockerfile"
    dockerfile.parent.mkdir()
    dockerfile.write_text(TEXT)
    ours = studio_image(engine, folder, TEXT, dockerfile, buildkit)
    assert_same_image(engine, ours, cli_image(engine, folder, dockerfile, buildkit=buildkit))


@pytest.mark.parametrize("buildkit", BACKENDS)
def test_dockerfile_from_standard_input(engine, folder, buildkit):
    ours = studio_image(engine, folder, TEXT, None, buildkit)
    assert_same_image(engine, ours, cli_image(engine, folder, stdin=TEXT, buildkit=buildkit))


@pytest.mark.parametrize("buildkit", BACKENDS)
def test_dockerfile_that_dockerignore_excludes(engine, folder, buildkit):
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(TEXT)
    (folder / ".dockerignore").write_text("Dockerfile\n.dockerignore\n**/*.log\n!src/deep/keep.log\n*.key\n")
    ours = studio_image(engine, folder, TEXT, dockerfile, buildkit)
    assert_same_image(engine, ours, cli_image(engine, folder, dockerfile, buildkit=buildkit))
    assert "ctx/Dockerfile" not in image_files(engine.client, ours)


def _tar_build(engine, files: dict[str, str]) -> str:
    """POST /build with BuildKit and a tar body holding exactly ``files`` (no session)."""
    import io
    import json

    from studio.engine import sdk

    body = io.BytesIO()
    with tarfile.open(fileobj=body, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name, text in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(text.encode())
            tar.addfile(info, io.BytesIO(text.encode()))
    params = {"version": "2", "dockerfile": "Dockerfile", "labels": json.dumps({TEST_LABEL: "1"})}
    response, chunks, _ = sdk.post_stream(engine.client.api, "/build", params, body.getvalue(),
                                          {"Content-Type": "application/x-tar"})
    lines = b"".join(chunks).decode().splitlines()
    response.close()
    ids = [json.loads(line)["aux"]["ID"] for line in lines if '"moby.image.id"' in line]
    assert ids, lines[-3:]
    return ids[-1]


def test_buildkit_given_a_tar_copies_what_its_dockerignore_lists(engine):
    """Why a tar cannot carry a Dockerfile docker build would not send: BuildKit reads the
    Dockerfile from the tar and applies no .dockerignore, so COPY . copies every entry."""
    ignore = "Dockerfile\n.dockerignore\nsecret.key\n"
    image = _tar_build(engine, {"Dockerfile": TEXT, ".dockerignore": ignore, "secret.key": "x\n"})
    assert {"ctx/Dockerfile", "ctx/.dockerignore", "ctx/secret.key"} <= set(image_files(engine.client, image))


def _refused(engine, folder, text: str, dockerfile) -> str:
    request = BuildRequest(text, str(folder), dockerfile_path=str(dockerfile) if dockerfile else None,
                           backend="buildkit", session=False, labels={TEST_LABEL: "1"})
    build = Build(request, client=engine.client)
    events = list(build.events())
    assert not build.result.ok
    assert [e.event for e in events] == ["context", "build_failed"]  # refused before anything is sent
    return events[-1].message


def test_without_a_session_a_dockerfile_from_standard_input_is_refused(engine, folder):
    message = _refused(engine, folder, TEXT, None)
    assert message.startswith("a Dockerfile from standard input cannot be built without a BuildKit session")
    assert "COPY . copies it too" in message and "--no-session" in message and "\n" not in message


def test_without_a_session_a_dockerfile_from_elsewhere_is_refused(engine, folder, tmp_path):
    dockerfile = tmp_path / "elsewhere.Dockerfile"
    dockerfile.write_text(TEXT)
    message = _refused(engine, folder, TEXT, dockerfile)
    assert message.startswith(f"{dockerfile} (outside the context) cannot be built without a BuildKit session")
    assert message.endswith("move it into the context")


def test_without_a_session_a_dockerfile_dockerignore_excludes_is_refused(engine, folder):
    dockerfile = folder / "app.Dockerfile"
    dockerfile.write_text(TEXT)
    (folder / "app.Dockerfile.dockerignore").write_text("*.key\napp.Dockerfile\n")
    message = _refused(engine, folder, TEXT, dockerfile)
    assert message.startswith(f"{dockerfile}, which app.Dockerfile.dockerignore leaves out, cannot be built")
    assert message.endswith("stop excluding it in app.Dockerfile.dockerignore")


def test_an_engine_without_sessions_gets_the_same_refusal_without_the_flag(engine, folder, monkeypatch):
    from studio.engine import build_routes

    monkeypatch.setattr(build_routes, "open_session", lambda build, api: None)  # as when the engine has none
    request = BuildRequest(TEXT, str(folder), backend="buildkit", labels={TEST_LABEL: "1"})
    build = Build(request, client=engine.client)
    events = list(build.events())
    assert [e.event for e in events] == ["context", "build_failed"]
    message = events[-1].message
    assert message.startswith("a Dockerfile from standard input cannot be built without a BuildKit session")
    assert message.endswith("this engine offers no session: save it inside the context")
    assert "--no-session" not in message


def test_without_a_session_a_dockerfile_in_the_context_builds_docker_builds_image(engine, folder):
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(TEXT)
    request = BuildRequest(TEXT, str(folder), dockerfile_path=str(dockerfile), backend="buildkit",
                           session=False, labels={TEST_LABEL: "1"})
    build = Build(request, client=engine.client)
    events = list(build.events())
    assert build.result.ok, [e for e in events if e.event == "build_failed"]
    assert not [e for e in events if e.event == "warning"]
    assert_same_image(engine, build.result.image_id, cli_image(engine, folder, dockerfile))


def test_a_classic_dockerignore_pattern_that_is_not_utf8(engine, tmp_path):
    """``ign\\xe9`` in .dockerignore: the classic CLI leaves out ``ign\\xe9`` and, its regexp
    reading each such byte as U+FFFD, ``ign\\xff`` too. The classic backend sent both (its
    .dockerignore was read with U+FFFD for the byte, the names kept theirs)."""
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    root = os.fsencode(ctx)
    for name in (b"ign\xe9", b"ign\xff", b"ign", b"w1\xe9", b"wa", b"keep"):
        with open(os.path.join(root, name), "wb") as f:
            f.write(name)
    with open(os.path.join(root, b".dockerignore"), "wb") as f:
        f.write(b"ign\xe9\nw?\xe9*\n")
    dockerfile = ctx / "Dockerfile"
    dockerfile.write_text(TEXT)
    theirs = cli_image(engine, ctx, dockerfile, buildkit=False)
    ours = studio_image(engine, ctx, TEXT, dockerfile, buildkit=False)
    assert_same_image(engine, ours, theirs)
    sent = {os.fsencode(p) for p in image_files(engine.client, ours)}
    assert not {b"ctx/ign\xe9", b"ctx/ign\xff", b"ctx/w1\xe9"} & sent
    assert {b"ctx/ign", b"ctx/wa", b"ctx/keep"} <= sent


def test_a_dockerignore_folder(engine, tmp_path):
    """The classic CLI fails before sending ("error reading .dockerignore: read
    CTX/.dockerignore: is a directory"); the classic backend sent the context and showed the
    engine's failure, with the engine's temporary folder for CTX. With BuildKit docker build
    takes the folder for no .dockerignore and builds, and so do we."""
    ctx = tmp_path / "ctx"
    (ctx / ".dockerignore").mkdir(parents=True)
    (ctx / ".dockerignore" / "x").write_text("x\n")
    (ctx / "a").write_text("a\n")
    dockerfile = ctx / "Dockerfile"
    dockerfile.write_text(TEXT)
    proc = subprocess.run([CLI, "build", "-q", str(ctx)], capture_output=True, text=True, timeout=180,
                          env={**os.environ, "DOCKER_HOST": engine.host, "DOCKER_BUILDKIT": "0"})
    assert proc.returncode == 1 and f"read {ctx}/.dockerignore: is a directory" in proc.stderr, proc.stderr
    assert "Sending build context" not in proc.stdout + proc.stderr
    build = Build(BuildRequest(TEXT, str(ctx), str(dockerfile), backend="classic"), client=engine.client)
    events = list(build.events())
    assert not build.result.ok
    assert build.result.error.message == f"cannot read {ctx}/.dockerignore: is a directory"
    assert not [e for e in events if e.event in ("context", "step_started")], events
    ours = studio_image(engine, ctx, TEXT, dockerfile, buildkit=True)
    assert_same_image(engine, ours, cli_image(engine, ctx, dockerfile, buildkit=True))
    assert "ctx/.dockerignore/x" in image_files(engine.client, ours)
