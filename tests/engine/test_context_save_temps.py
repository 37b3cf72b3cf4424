"""Our save temps (``.NAME.PID.XXXXXXXX.stage-studio~``) never reach an image, and a build
that leaves one out says so; every other name is sent as ``docker build`` sends it. Images
are compared with the real CLI's on every engine, for the session, the tar upload and the
classic builder."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import exported_entries
from prerequisites import require
from testimages import TEST_LABEL

from studio.core.files import atomic_write_bytes, is_save_temp, save_temps_note
from studio.engine.builder import Build, BuildRequest

BB = "stage-studio-test/busybox:latest"
CLI = "/usr/bin/docker"
TEXT = f"FROM {BB}\nCOPY . /c/\n"
OURS = [".data.1.abcdefgh.stage-studio~", ".data.99999.abcdefgh.stage-studio~",
        "sub/.Dockerfile.4242.k2j4_x9z.stage-studio~"]
USERS = [".data.stage-studio~", "data.stage-studio~", "x~", ".data.12.abcdefg.stage-studio~",
         ".data.x1.abcdefgh.stage-studio~", ".data.1.ABCDEFGH.stage-studio~", ".data.1.abcdefgh.stage-studio~.bak"]
FOLDER = ".dir.7.abcdefgh.stage-studio~/inside"  # a folder named like a temp is the user's: sent


@pytest.mark.parametrize("name", [n.rsplit("/", 1)[-1] for n in OURS])
def test_our_temp_names_are_save_temps(name):
    assert is_save_temp(name)


@pytest.mark.parametrize("name", USERS)
def test_other_names_are_not(name):
    assert not is_save_temp(name)


def test_the_name_a_save_really_gives_its_temp_is_recognised(tmp_path, monkeypatch):
    """The temp of a save stopped before its rename (os.replace fails) is what is_save_temp knows."""
    import studio.core.files as files

    def refuse(*_args, **_kw):
        raise OSError("stopped before the rename")

    seen = []
    real_remove = os.unlink
    monkeypatch.setattr(files.os, "replace", refuse)
    monkeypatch.setattr(files.os, "unlink", lambda p, *a, **k: (seen.append(os.path.basename(p)), real_remove(p, *a, **k)))
    with pytest.raises(OSError):
        atomic_write_bytes(tmp_path / "Dockerfile", b"FROM x\n")
    assert seen and all(is_save_temp(name) for name in seen), seen


def test_the_note_names_them_in_one_line():
    assert save_temps_note([]) is None
    one = save_temps_note(["a/.x.1.abcdefgh.stage-studio~"])
    assert one.startswith("left out of the build context: a/.x.1.abcdefgh.stage-studio~ (") and "send it" in one
    names = [f".x.{i}.abcdefgh.stage-studio~" for i in range(5)]
    many = save_temps_note(names)
    assert all(name in many for name in names) and "more" not in many  # each one: it is not in the image
    assert "send them" in many and "\n" not in many
    odd = save_temps_note([".c\udce9\x1b[2J.1.abcdefgh.stage-studio~"])  # a byte not UTF-8, an escape code
    assert ".c\\xe9\\x1b[2J.1.abcdefgh.stage-studio~ (" in odd and odd.isprintable()


# a name that is not UTF-8 and holds an escape code, among more than three
ODD = [b".c\xe9\x1b[2J.1.abcdefgh.stage-studio~", *(f".n{i}.2.abcdefgh.stage-studio~".encode() for i in range(4))]


@pytest.mark.parametrize("as_json", [False, True])
def test_the_warning_names_every_temp_in_one_form_and_its_json_is_strict(engine, tmp_path, as_json):
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text(TEXT)
    for name in ODD:
        with open(os.path.join(os.fsencode(ctx), name), "wb") as f:
            f.write(b"x")
    proc = subprocess.run([sys.executable, "-m", "studio", "build", str(ctx), "--label", f"{TEST_LABEL}=1",
                           *(["--json"] if as_json else [])], capture_output=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")  # strict: no lone surrogate came out as bytes either
    if as_json:
        assert "\\ud" not in out  # a lone surrogate escape, which strict JSON parsers reject
        (message,) = [e["message"] for e in map(json.loads, out.splitlines()) if e["event"] == "warning"]
        message.encode("utf-8")
    else:
        (message,) = [line[len("warning: "):] for line in out.splitlines() if line.startswith("warning: ")]
    shown = sorted(os.fsdecode(n) for n in ODD)
    assert message == save_temps_note(shown)
    assert ".c\\xe9\\x1b[2J.1.abcdefgh.stage-studio~" in message
    assert all(n.decode("utf-8", "replace") in message for n in ODD[1:])


@pytest.fixture
def temps(tmp_path):
    require(None if os.path.exists(CLI) else "needs Debian's docker CLI (apt-get install docker.io)")
    ctx = tmp_path / "ctx"
    for name in [*OURS, *USERS, FOLDER, "ok.txt"]:
        (ctx / name).parent.mkdir(parents=True, exist_ok=True)
        (ctx / name).write_text(name)
    (ctx / "Dockerfile").write_text(TEXT)
    return ctx


def files_of(client, image_id: str) -> list[str]:
    return [m.name for m in exported_entries(client, image_id)]


ROUTES = [pytest.param("buildkit", None, id="session"), pytest.param("buildkit", False, id="tar"),
          pytest.param("classic", None, id="classic")]


@pytest.mark.parametrize(("backend", "session"), ROUTES)
def test_only_our_temps_are_left_out_and_the_build_says_which(engine, temps, buildx_config, backend, session):
    proc = subprocess.run([CLI, "build", "-q", "--no-cache", "--label", f"{TEST_LABEL}=1", str(temps)],
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "DOCKER_HOST": engine.host,
                               "DOCKER_BUILDKIT": "1" if backend == "buildkit" else "0"})
    assert proc.returncode == 0, proc.stderr
    theirs = files_of(engine.client, proc.stdout.strip().splitlines()[-1])
    assert {f"c/{name}" for name in OURS} <= set(theirs)  # docker build sends them all
    build = Build(BuildRequest(TEXT, str(temps), str(temps / "Dockerfile"), backend=backend, session=session,
                               no_cache=True, labels={TEST_LABEL: "1"}), client=engine.client)
    events = list(build.events())
    assert build.result.ok, [e for e in events if e.event == "build_failed"]
    assert files_of(engine.client, build.result.image_id) == [f for f in theirs if f[2:] not in OURS]
    warnings = [e.message for e in events if e.event == "warning"]
    assert warnings == [save_temps_note(sorted(OURS, key=lambda n: n.encode()))]


@pytest.mark.parametrize(("backend", "session"), ROUTES)
def test_temps_dockerignore_leaves_out_anyway_are_not_announced(engine, temps, backend, session):
    (temps / ".dockerignore").write_text("**/*~\n")
    build = Build(BuildRequest(TEXT, str(temps), str(temps / "Dockerfile"), backend=backend, session=session,
                               labels={TEST_LABEL: "1"}), client=engine.client)
    events = list(build.events())
    assert build.result.ok, [e for e in events if e.event == "build_failed"]
    assert [e.message for e in events if e.event == "warning"] == []
    assert not [f for f in files_of(engine.client, build.result.image_id) if f.endswith("~")]


def test_a_quiet_build_still_says_what_it_left_out(engine, temps):
    """-q prints the image id alone on standard output, as docker build -q does; the
    warning that a temp was left out goes to standard error, not nowhere."""
    proc = subprocess.run([sys.executable, "-m", "studio", "build", str(temps), "-q", "--label", f"{TEST_LABEL}=1"],
                          capture_output=True, text=True, timeout=180, env={**os.environ, "DOCKER_HOST": engine.host})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().startswith("sha256:") and len(proc.stdout.splitlines()) == 1
    note = save_temps_note(sorted(OURS, key=lambda n: n.encode()))
    assert f"warning: {note}" in proc.stderr.splitlines()


def test_a_short_secret_never_masks_the_note_about_left_out_temps(engine, temps, tmp_path):
    """The note is our own words about the user's files: a one-letter secret value ("e")
    masks that letter in what the build printed, not in it."""
    from studio.engine.session.secrets import SecretSpec

    value = tmp_path / "value"
    value.write_text("e")
    build = Build(BuildRequest(TEXT, str(temps), str(temps / "Dockerfile"), no_cache=True, labels={TEST_LABEL: "1"},
                               secrets=[SecretSpec("s", src=str(value))]), client=engine.client)
    events = list(build.events())
    assert build.result.ok, [e for e in events if e.event == "build_failed"]
    notes = [e.message for e in events if e.event == "warning" and "left out of the build context" in e.message]
    assert notes == [save_temps_note(sorted(OURS, key=lambda n: n.encode()))]
