"""docker build's flags through ``stage-studio build``, each checked in the real engine:
what a RUN step sees (interfaces, /etc/hosts, limits, /dev/shm), what --pull asks of the
registry, what --iidfile and --quiet hand back; and -f with the context as the argument."""
from __future__ import annotations

import io
import json
import os
import tarfile
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from helpers import image_text, unprivileged
from studio.commands import build_flags
from testimages import TEST_LABEL

BB = "stage-studio-test/busybox:latest"
LABEL = ("--label", f"{TEST_LABEL}=1")
SOURCE = str(Path(build_flags.__file__).parents[2])  # this tree's studio, from any current folder


def cli(*args: str, cwd=None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studio", "build", *args], capture_output=True, text=True,
                          timeout=180, cwd=cwd, **kw)


def built(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["ok"], result
    return result["image_id"]


def write(folder, text: str):
    path = folder / "Dockerfile"
    path.write_text(text)
    return path


INTERFACES = f"FROM {BB}\nRUN ip -o link | cut -d: -f2 | cut -d@ -f1 | tr -d ' ' > /interfaces\n"


def test_network_none_leaves_only_loopback(context_dir, engine):
    path = write(context_dir, INTERFACES)
    image = built(cli(str(path), "--network", "none", "--no-cache", "--json", *LABEL))
    assert image_text(engine.client, image, "/interfaces").split() == ["lo"]
    image = built(cli(str(path), "--network", "default", "--no-cache", "--json", *LABEL))
    assert image_text(engine.client, image, "/interfaces").split() == ["lo", "eth0"]  # the engine's bridge


def test_network_host_sees_the_hosts_interfaces(context_dir, engine):
    before = set(os.listdir("/sys/class/net"))
    image = built(cli(str(write(context_dir, INTERFACES)), "--network", "host", "--no-cache", "--json", *LABEL))
    seen = set(image_text(engine.client, image, "/interfaces").split())
    stable = before & set(os.listdir("/sys/class/net"))
    assert stable <= seen and len(stable) > 2


def test_add_host_appears_in_etc_hosts(context_dir, engine):
    path = write(context_dir, f"FROM {BB}\nRUN grep -E 'studio-(one|two)' /etc/hosts > /hosts\n")
    image = built(cli(str(path), "--add-host", "studio-one:10.1.2.3", "--add-host", "studio-two=fd00::7",
                      "--no-cache", "--json", *LABEL))
    assert image_text(engine.client, image, "/hosts").split() == ["10.1.2.3", "studio-one", "fd00::7", "studio-two"]


LIMITS = f"FROM {BB}\nRUN ulimit -n > /limits && df -k /dev/shm | tail -1 | awk '{{print $2}}' >> /limits\n"


@pytest.mark.parametrize("backend", ["classic", "buildkit"])
@pytest.mark.engine_since("23.0")
def test_ulimit_and_shm_size_reach_run_steps_on_engines_since_23_0(context_dir, engine, backend):
    path = write(context_dir, LIMITS)
    image = built(cli(str(path), "--ulimit", "nofile=1234:2048", "--shm-size", "16m", "--backend", backend,
                      "--no-cache", "--json", *LABEL))
    assert image_text(engine.client, image, "/limits").split() == ["1234", str(16 * 1024)]


@pytest.mark.engine_before("23.0")
def test_ulimit_and_shm_size_reach_run_steps_only_through_the_classic_builder_before_23_0(context_dir, engine):
    """Debian's 20.10 runs BuildKit steps without them (checked): refused, never ignored."""
    path = write(context_dir, LIMITS)
    image = built(cli(str(path), "--ulimit", "nofile=1234:2048", "--shm-size", "16m", "--backend", "classic",
                      "--no-cache", "--json", *LABEL))
    assert image_text(engine.client, image, "/limits").split() == ["1234", str(16 * 1024)]
    proc = cli(str(path), "--ulimit", "nofile=1234", "--no-cache", "--json", *LABEL)
    result = json.loads(proc.stdout.splitlines()[-1])
    assert proc.returncode == 1 and not result["ok"]
    assert "--ulimit" in result["error"]["message"] and "--backend classic" in result["error"]["message"]


def test_pull_asks_the_registry_for_the_base_image(context_dir, engine):
    if engine.client.info().get("HttpProxy") != "http://127.0.0.1:9":
        pytest.skip(f"{engine.name} may reach a registry; this test only runs where pulls fail on loopback")
    path = write(context_dir, f"FROM {BB}\nRUN true\n")
    built(cli(str(path), "--json", *LABEL))  # the local image serves without --pull
    proc = cli(str(path), "--pull", "--json", *LABEL)
    result = json.loads(proc.stdout.splitlines()[-1])
    assert proc.returncode == 1 and not result["ok"]
    assert "127.0.0.1:9" in result["error"]["message"] or "pull" in result["error"]["message"].lower()


def test_quiet_prints_the_id_that_iidfile_holds(context_dir, engine, tmp_path):
    iidfile = tmp_path / "iid"
    iidfile.write_text("stale")
    proc = cli(str(write(context_dir, f"FROM {BB}\nRUN echo quiet\n")), "-q", "--iidfile", str(iidfile), *LABEL)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == iidfile.read_text() + "\n" and proc.stdout.startswith("sha256:")
    assert engine.client.images.get(iidfile.read_text()).id == iidfile.read_text()


def test_a_failed_build_leaves_no_iidfile_and_says_why_on_stderr(context_dir, engine, tmp_path):
    iidfile = tmp_path / "iid"
    iidfile.write_text("stale")
    proc = cli(str(write(context_dir, f"FROM {BB}\nRUN exit 7\n")), "-q", "--iidfile", str(iidfile), *LABEL)
    assert proc.returncode == 1 and proc.stdout == "" and "line 2" in proc.stderr
    assert not iidfile.exists()


def test_f_with_the_context_as_argument_as_docker_build_takes_it(tmp_path, engine):
    (tmp_path / "ctx").mkdir()
    (tmp_path / "ctx" / "a.txt").write_text("from the context\n")
    (tmp_path / "build.Dockerfile").write_text(f"FROM {BB}\nCOPY a.txt /a.txt\n")
    proc = cli("-f", "build.Dockerfile", "ctx", "--json", *LABEL, cwd=tmp_path)  # -f is relative to here
    assert image_text(engine.client, built(proc), "/a.txt") == "from the context\n"
    (tmp_path / "ctx" / "Dockerfile").write_text(f"FROM {BB}\nCOPY a.txt /b.txt\n")
    proc = cli("ctx", "--json", *LABEL, cwd=tmp_path)  # a folder: its Dockerfile
    assert image_text(engine.client, built(proc), "/b.txt") == "from the context\n"


@pytest.mark.parametrize("args, message", [
    (["--network", "bridge2"], "--network 'bridge2' is not a network a build can use (use default, none or host)"),
    (["--add-host", "nohost"], "--add-host 'nohost' is not HOST:IP"),
    (["--add-host", "h:999.1.1.1"], "'999.1.1.1' is not an IP address"),
    (["--add-host", "studio-one\n:10.1.2.3"], "'studio-one\\n' is not a host name"),
    (["--ulimit", "files=10"], "unknown limit 'files'"),
    (["--ulimit", "nofile=20:10"], "the soft limit 20 is above the hard limit 10"),
    (["--shm-size", "lots"], "--shm-size 'lots' is not a size"),
    (["-q", "--json"], "use one"),
])
def test_unknown_values_are_refused_before_anything_is_sent(context_dir, args, message):
    proc = cli(str(write(context_dir, f"FROM {BB}\n")), *args)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr


def test_f_needs_the_context_argument(tmp_path):
    (tmp_path / "Dockerfile").write_text(f"FROM {BB}\n")
    proc = cli("-f", str(tmp_path / "Dockerfile"))
    assert proc.returncode == 2 and "give the context as the argument" in proc.stderr


@pytest.mark.parametrize("name, message", [
    ("folder", "--iidfile {p}/folder is a folder; give the name of a file"),
    ("missing/iid", "--iidfile {p}/missing/iid: the folder {p}/missing does not exist"),
    ("readonly/iid", "--iidfile {p}/readonly/iid: cannot create it in {p}/readonly (Permission denied)"),
    ("readonly/stale", "--iidfile {p}/readonly/stale: cannot remove the old file (Permission denied)"),
])
def test_an_iidfile_that_cannot_be_written_is_refused_before_the_build(context_dir, tmp_path, name, message):
    """docker build removes an empty folder given as --iidfile (and refuses a full one), and
    builds before it finds the folder missing or read-only; we refuse all four at once: no
    engine answers here, so a build that started would fail otherwise (exit 1)."""
    write(context_dir, f"FROM {BB}\n")
    (tmp_path / "folder").mkdir()
    (tmp_path / "readonly").mkdir()
    (tmp_path / "readonly" / "stale").write_text("old id")
    (tmp_path / "readonly").chmod(0o555)
    try:
        proc = subprocess.run(unprivileged([sys.executable, "-m", "studio", "build", str(context_dir),
                                            "--iidfile", str(tmp_path / name)]),
                              capture_output=True, text=True, timeout=60)
    finally:
        (tmp_path / "readonly").chmod(0o755)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert proc.stderr.startswith(f"stage-studio build: {message.format(p=tmp_path)}"), proc.stderr
    assert (tmp_path / "folder").is_dir() and (tmp_path / "readonly" / "stale").read_text() == "old id"


@pytest.mark.parametrize("how", ["same name", "folder form", "hard link", "-f through a symlink", "standard input"])
def test_an_iidfile_that_is_the_dockerfile_is_refused_before_the_build(tmp_path, how):
    """docker build deletes the Dockerfile and writes the id in its place; export refuses the
    same (its input as its output), so build does too, before anything is sent."""
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    dockerfile = write(ctx, "FROM scratch\n")
    iid, args, stdin = str(dockerfile), ["-f", str(dockerfile), str(ctx)], None
    if how == "folder form":
        args = [str(ctx)]
    elif how == "hard link":
        iid = str(tmp_path / "iid")
        os.link(dockerfile, iid)
    elif how == "-f through a symlink":
        (tmp_path / "link").symlink_to(dockerfile)
        args = ["-f", str(tmp_path / "link"), str(ctx)]
    elif how == "standard input":
        args, stdin = ["-f", "-", str(ctx)], open(dockerfile, "rb")  # noqa: SIM115 - closed below
    try:
        proc = subprocess.run([sys.executable, "-m", "studio", "build", *args, "--iidfile", iid],
                              stdin=stdin, capture_output=True, text=True, timeout=60)
    finally:
        if stdin is not None:
            stdin.close()
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert proc.stderr.startswith(f"stage-studio build: --iidfile {iid} is the Dockerfile being built"), proc.stderr
    assert "would replace it" in proc.stderr
    assert dockerfile.read_text() == "FROM scratch\n"


@pytest.mark.parametrize("how", ["same name", "relative name", "hard link", "symlink"])
def test_an_iidfile_that_is_a_secret_source_is_refused_before_the_build(tmp_path, how):
    """docker build (BuildKit) deletes the secret file for the id, then fails to read it; the
    id written there replaced the secret. Refused before anything is sent, as the Dockerfile is."""
    write(tmp_path, "FROM scratch\n")
    secret = tmp_path / "tok"
    secret.write_text("token\n")
    iid, cwd = str(secret), None
    if how == "relative name":
        iid, cwd = "tok", tmp_path
    elif how == "hard link":
        iid = str(tmp_path / "iid")
        os.link(secret, iid)
    elif how == "symlink":
        iid = str(tmp_path / "iid")
        os.symlink(secret, iid)
    proc = cli(str(tmp_path), "--secret", "id=s,src=tok" if cwd else f"id=s,src={secret}", "--iidfile", iid,
               cwd=cwd, env={**os.environ, "DOCKER_HOST": "unix:///nonexistent.sock", "PYTHONPATH": SOURCE})
    shown = "tok" if cwd else str(secret)
    same = "" if iid == shown else f" (the same file as {shown})"
    assert proc.returncode == 2 and proc.stderr == (
        f"stage-studio build: --iidfile {iid} is the source of --secret id=s{same}; writing the image id there "
        "would replace the secret\n")
    assert secret.read_text() == "token\n" and os.path.lexists(os.path.join(tmp_path, iid))


def test_an_iidfile_symlink_to_the_dockerfile_is_refused(tmp_path):
    """The link is kept and the file it points to would get the id: that is the Dockerfile."""
    dockerfile = write(tmp_path, "FROM scratch\n")
    (tmp_path / "iid").symlink_to(dockerfile)
    proc = cli(str(tmp_path), "--iidfile", str(tmp_path / "iid"), env={**os.environ, "DOCKER_HOST": "unix:///nonexistent.sock"})
    assert proc.returncode == 2 and proc.stderr == (
        f"stage-studio build: --iidfile {tmp_path}/iid is the Dockerfile being built (the same file as "
        f"{tmp_path}/Dockerfile); writing the image id there would replace it\n")
    assert (tmp_path / "iid").is_symlink() and dockerfile.read_text() == "FROM scratch\n"


def test_an_iidfile_symlink_keeps_the_link_and_its_file_gets_the_id(context_dir, engine, tmp_path):
    """docker build replaces the link with a regular file; the link stays here, and the file
    it points to is replaced atomically (as the app's saves do), so a second link to it sees
    the id too. A failed build leaves that file as it was (docker would remove the link)."""
    target = tmp_path / "ids" / "current"
    target.parent.mkdir()
    target.write_text("stale")
    (tmp_path / "iid").symlink_to(target)
    (tmp_path / "other").symlink_to(target)
    proc = cli(str(write(context_dir, f"FROM {BB}\nRUN echo linked\n")), "-q", "--iidfile", str(tmp_path / "iid"),
               *LABEL)
    assert proc.returncode == 0, proc.stderr
    image_id = proc.stdout.strip()
    assert engine.client.images.get(image_id).id == image_id
    assert (tmp_path / "iid").is_symlink() and os.readlink(tmp_path / "iid") == str(target)
    assert target.read_text() == image_id and (tmp_path / "other").read_text() == image_id
    proc = cli(str(write(context_dir, f"FROM {BB}\nRUN exit 3\n")), "-q", "--iidfile", str(tmp_path / "iid"), *LABEL)
    assert proc.returncode == 1 and (tmp_path / "iid").is_symlink() and target.read_text() == image_id


def test_an_iidfile_link_to_standard_output_redirected_to_a_file_is_written_into(context_dir, engine, tmp_path):
    """``--iidfile /dev/stdout`` with ``> out.txt``: /dev/stdout is a link to /proc/self/fd/1,
    which was a regular file here, so the link was replaced by one (as root: the system's
    /dev/stdout deleted). Made in a tmp folder: the same link, never /dev itself."""
    link = tmp_path / "so"
    link.symlink_to("/proc/self/fd/1")
    out = tmp_path / "out.txt"
    with open(out, "w") as stdout:
        proc = subprocess.run([sys.executable, "-m", "studio", "build", str(write(context_dir, f"FROM {BB}\n")),
                               "-q", "--iidfile", str(link), *LABEL], stdout=stdout, stderr=subprocess.PIPE,
                              text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"
    printed, written = out.read_text().split("\n")  # -q's line, then the id file's id (no newline)
    assert printed == written and engine.client.images.get(written).id == written


def test_an_iidfile_that_is_the_file_on_standard_input_is_refused(context_dir, tmp_path):
    """``--iidfile /dev/stdin`` with ``< file``: docker replaces the link (as root, the
    system's /dev/stdin); we refuse before the build and leave both alone."""
    write(context_dir, f"FROM {BB}\n")
    link = tmp_path / "si"
    link.symlink_to("/proc/self/fd/0")
    (tmp_path / "in.txt").write_text("kept")
    with open(tmp_path / "in.txt") as stdin:
        proc = subprocess.run([sys.executable, "-m", "studio", "build", str(context_dir), "--iidfile", str(link)],
                              stdin=stdin, capture_output=True, text=True, timeout=60,
                              env={**os.environ, "DOCKER_HOST": "unix:///nonexistent.sock"})
    assert proc.returncode == 2 and proc.stderr == (
        f"stage-studio build: --iidfile {link} is the file on standard input; writing the image id there would "
        "replace it\n")
    assert link.is_symlink() and (tmp_path / "in.txt").read_text() == "kept"


def test_an_iidfile_folder_gone_during_the_build_is_one_line(tmp_path):
    from argparse import Namespace

    args = Namespace(iidfile=str(tmp_path / "gone" / "iid"))
    assert build_flags.write_iidfile(args, "sha256:abc") == (
        f"built sha256:abc, but could not write it to --iidfile {tmp_path}/gone/iid (No such file or directory)")


def test_an_iidfile_fifo_is_written_into_not_removed(context_dir, engine, tmp_path):
    fifo = tmp_path / "iid.fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    proc = cli(str(write(context_dir, f"FROM {BB}\n")), "-q", "--iidfile", str(fifo), *LABEL)
    reader.join(60)
    assert proc.returncode == 0, proc.stderr
    assert got == [proc.stdout.strip()] and fifo.is_fifo()


def test_an_iidfile_fifo_that_nothing_reads_is_said_not_waited_for(context_dir, engine, tmp_path):
    """docker build replaces the FIFO with a file; we write through it, and with no reader
    the command said nothing and waited in open() for one (forever)."""
    fifo = tmp_path / "iid.fifo"
    os.mkfifo(fifo)
    proc = cli(str(write(context_dir, f"FROM {BB}\n")), "-q", "--iidfile", str(fifo), *LABEL)
    assert proc.returncode == 1, proc.stderr
    image_id = proc.stdout.strip()
    assert image_id.startswith("sha256:") and engine.client.images.get(image_id).id == image_id
    assert proc.stderr == (f"stage-studio build: built {image_id}, but nothing reads the FIFO --iidfile {fifo}, "
                           "so the id was not written\n")
    assert fifo.is_fifo()


def _scratch_context() -> io.BytesIO:
    data = f"FROM scratch\nLABEL {TEST_LABEL}=1\n".encode()
    body = io.BytesIO()
    with tarfile.open(fileobj=body, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    body.seek(0)
    return body


@pytest.mark.parametrize("value, engine_says, ours", [
    ("zz", "unknown operating system or architecture", "not an operating system or an architecture"),
    ("linux/amd64/v8/x", "cannot parse platform specifier", "too many parts"),
    ("linux/", "is an invalid component", "a part is empty"),
    ("/amd64", "is an invalid", "'' is not an operating system name"),
    ("linux/*", "wildcards not yet supported", "wildcards are not supported"),
    ("lin ux/amd64", "is an invalid", "it contains a space or a control character"),
    ("linux/amd64\n", "is an invalid component", "it contains a space or a control character"),
    ("linux\n", "", "it contains a space or a control character"),
    ("linux/arm/v7\x1b", "is an invalid component", "it contains a space or a control character"),
    ("linux/amd64,linux/arm64", "is an invalid component", "one platform only; a build makes one image"),
])
def test_a_platform_the_engine_refuses_is_refused_as_typed(engine, context_dir, value, engine_says, ours):
    """The engine (both) answers 400 to these before building (FROM scratch: no registry);
    stage-studio says so before sending anything."""
    import docker

    with pytest.raises(docker.errors.APIError) as refused:
        list(engine.client.api.build(fileobj=_scratch_context(), custom_context=True, platform=value, rm=True))
    assert refused.value.status_code == 400 and engine_says in str(refused.value)
    write(context_dir, "FROM scratch\n")
    proc = cli(str(context_dir), "--platform", value, env={**os.environ, "DOCKER_HOST": "unix:///nonexistent.sock"})
    assert proc.returncode == 2 and proc.stderr.splitlines() == [proc.stderr.strip()]
    assert proc.stderr.startswith(f"stage-studio build: --platform {value!r}: {ours}"), proc.stderr


def test_a_platform_the_engine_does_not_know_is_echoed_escaped_in_the_warning(context_dir):
    write(context_dir, "FROM scratch\n")
    proc = cli(str(context_dir), "--platform", "linux/zz", env={**os.environ, "DOCKER_HOST": "unix:///nonexistent.sock"})
    assert proc.stderr.startswith("stage-studio build: warning: --platform 'linux/zz': the architecture 'zz' is not "
                                  "one the engine knows"), proc.stderr


@pytest.mark.parametrize("value, warned", [("linux/zz", True), ("x86_64", False), ("Linux/AMD64", False),
                                           ("linux/arm/v7", False)])
def test_a_platform_the_engine_parses_is_built(engine, context_dir, value, warned):
    """linux/zz parses (containerd: "we don't care about whether or not we know of the
    platform") and builds FROM scratch; for a base image it would ask the registry, so it
    is a warning, not a refusal."""
    write(context_dir, "FROM scratch\n")
    proc = cli(str(context_dir), "--platform", value, "--json", *LABEL)
    image = engine.client.images.get(built(proc))
    assert ("the engine knows" in proc.stderr) == warned and "Traceback" not in proc.stderr
    assert image.attrs["Architecture"] == {"linux/zz": "zz", "linux/arm/v7": "arm"}.get(value, "amd64")


def test_platform_local_is_this_machines_platform_as_docker_build_takes_it(engine, context_dir):
    """docker build with BuildKit (and buildx) builds ``--platform local`` for the client's
    own platform; the engine alone refuses the word, and so did we. FROM scratch: no registry."""
    import platform

    write(context_dir, f"FROM scratch\nLABEL {TEST_LABEL}=1\n")
    docker = subprocess.run(["/usr/bin/docker", "build", "-q", "--platform", "local", *LABEL, str(context_dir)],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "DOCKER_HOST": engine.host, "DOCKER_BUILDKIT": "1"})
    assert docker.returncode == 0, docker.stderr
    proc = cli(str(context_dir), "--platform", "local", "--json", *LABEL)
    ours, theirs = engine.client.images.get(built(proc)), engine.client.images.get(docker.stdout.strip())
    assert ours.id == theirs.id  # the same image, byte for byte
    assert ours.attrs["Architecture"] == {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine())
    assert "warning" not in proc.stderr


TAGS_REFUSED = ["s7w/x y", "BAD", "a:" + "t" * 129, "a:.x", "a:-x", "a@sha256:" + "0" * 64, "a:b:c", "a/", "/a",
                "a//b", "a..b", "a___b", "a.-b", "-a", "a-", "a:", "", "\u00e9", "localhost/A", "Reg.io/a/B",
                "a" * 64, "a" * 250, "x/" + "a" * 254, "a:b\n", "a\n"]
TAGS_TAKEN = ["a:" + "t" * 128, "a:B_c.D-e", "a__b", "a--b", "a.b_c", "reg.io:5000/a/b:V1", "Reg.io/a", "Localhost:5000/a",
              "LOCALHOST/a", "[::1]:5000/a", "a" * 247, "x/" + "a" * 253]


def _engine_takes_tag(client, tag: str) -> bool:
    """The engine's own answer (docker-py checks tags with a regex of its own, so the build
    endpoint is called as is); an image it built under the tag is untagged again."""
    reply = client.api._post(client.api._url("/build"), params={"t": tag, "rm": "1"}, stream=True,
                             data=_scratch_context().getvalue(), headers={"Content-Type": "application/x-tar"})
    if reply.status_code != 200:
        return False
    lines = [json.loads(line) for line in reply.iter_lines() if line]
    assert not [line for line in lines if "error" in line], lines
    if tag:
        client.api.remove_image(tag if ":" in tag.rsplit("/", 1)[-1] else f"{tag}:latest")
    return True


def test_a_tag_is_refused_before_sending_only_where_the_engine_refuses_it(engine):
    """distribution/reference's grammar, as the engine parses -t: every name refused here is
    refused by the engine too (Docker 20.10 refuses a few more, which it says itself)."""
    for tag in TAGS_REFUSED + TAGS_TAKEN:
        try:
            build_flags.check_tag(tag)
            ours = True
        except ValueError:
            ours = False
        takes = _engine_takes_tag(engine.client, tag) if tag else False  # '' there is no tag at all
        assert ours == (tag in TAGS_TAKEN), tag
        assert ours or not takes, f"{engine.name} takes {tag!r}, which we refuse"
        if int(engine.version.split(".")[0]) >= 26:  # the grammar we check: a newer engine takes all the rest
            assert takes == ours, tag


@pytest.mark.parametrize("tag, why", [("BAD", "the repository name must be lowercase"),
                                      ("s7w/x y", "not a valid image name"),
                                      ("a" * 300, "the repository name is longer than 255 characters"),
                                      ("a\nb", "not a valid image name"),
                                      ("a@sha256:" + "0" * 64, "a build tag cannot contain a digest")])
def test_a_bad_tag_is_one_line_naming_t_and_nothing_is_sent(context_dir, tag, why):
    write(context_dir, "FROM scratch\n")
    proc = cli(str(context_dir), "-t", tag, env={**os.environ, "DOCKER_HOST": "unix:///nonexistent.sock"})
    assert proc.returncode == 2 and proc.stderr.splitlines() == [proc.stderr.strip()], proc.stderr
    assert proc.stderr.startswith(f"stage-studio build: -t/--tag {tag!r}: {why}"), proc.stderr
