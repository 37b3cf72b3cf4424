"""Our .dockerignore handling against the real clients, image by image, on both engines.

For each pattern set a context is built four ways: Debian's docker CLI with the classic
builder (DOCKER_BUILDKIT=0) against our classic backend, and buildx 0.13.1 (the BuildKit
client of Docker 25+, unpacked by ``./dev engine modern``) against our BuildKit backend.
The files of the resulting images must be the same. (Debian's 20.10 CLI with
DOCKER_BUILDKIT=1 still walks the context with the old, classic matcher, so it is not the
reference for BuildKit: with ``**`` then ``!**/*.txt`` it drops ``keep/ok.txt``, buildx keeps it.)
"""
from __future__ import annotations

import io
import os
import subprocess
import tarfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docker
import pytest

DEBIAN_CLI = "/usr/bin/docker"
BUILDX = "/var/lib/stage-studio-modern/root/usr/libexec/docker/cli-plugins/docker-buildx"
LABEL = "io.github.stagestudio.test"
TREE = ["a.txt", "b.md", "README.md", "README-secret.md", ".hidden", "keep/ok.txt", "keep/no.bin",
        "keep/sub/deep.txt", "build/out.bin", "build/keep.txt", "build/sub/x.txt", "docs/a/b.md",
        "docs/index.html", "node_modules/pkg/index.js", "src/main.go", "src/build.c", "src/x/y/z.go",
        "tempa", "somedir/temporary.txt", "somedir/sub/temp", "brb.txt", "br-.txt", "top1", "[lit].txt",
        "9lives", "a^b"]
PATTERN_SETS = [
    "**\n!**/*.txt", "*\n!keep", "*\n!keep/ok.txt", "build\n!build/keep.txt", "**/*.txt",
    "*.md\n!README*.md\nREADME-secret.md", "*/temp*", "*/*/temp*", "temp?", "docs/**", "docs\n!docs/a",
    "**/sub", "**/sub\n!**/sub/deep.txt", "keep/*\n!keep/sub", "node_modules", "/build", "./src/../build",
    "src/**/*.go", "*\n!*.txt", "*\n!**/*.txt", "**/*.go\n!src/main.go", "keep\n!keep/sub/deep.txt",
    "keep/**\n!keep/**/*.txt", "[ab].*", "[^a].txt", ".hidden\n.dockerignore", "*\n!src\nsrc/x",
    "src\n!src/x/y", "**/*.bin\n!build", "build/*\n!build/sub/**", "**\n!keep\n!keep/**", "!a.txt",
    "# comment\n\n  docs  ", "*/*\n!*/sub", "**/x", "somedir\n!somedir/sub/temp", "**.md",
    "**/sub/**\n!keep/**", "*\n!*/", "**/temp*\n!somedir",
    # classes as Go's regexp reads them: ranges, a "[" member, POSIX names; "^" as text
    "br[a-c].txt", "top[0-9]\n[a-c].txt", "[[]lit].txt", "[[:digit:]]*", "a^b", "[!a].txt\n[^b]*",
]


def _files(client, image: str) -> list[str]:
    container = client.api.create_container(image, command="none")
    try:
        data = b"".join(client.api.export(container["Id"]))
    finally:
        client.api.remove_container(container["Id"], force=True)
    names = set()
    for member in tarfile.open(fileobj=io.BytesIO(data)).getmembers():
        name = member.name.rstrip("/")
        if name.startswith("ctx/"):
            names.add(name[4:] + ("/" if member.isdir() else ""))
    # the Dockerfile itself is sent differently by each client (ours under a private name)
    return sorted(names - {"Dockerfile", ".stage-studio.Dockerfile"})


def _cli_image(argv: list[str], env: dict, iid: Path) -> str:
    proc = subprocess.run([*argv, "--iidfile", str(iid)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-500:]
    return iid.read_text().strip()


# a value of our own: other test sessions remove every image labelled "=1" when they end
RUN_LABEL = uuid.uuid4().hex


def _compare(host: str, client, root: Path, number: int, patterns: str | None,
             own_patterns: str | None = None) -> str | None:
    """``own_patterns``: the Dockerfile is ``app.Dockerfile`` (built with ``-f``) and these
    are its ``app.Dockerfile.dockerignore``; ``patterns`` None: no ``.dockerignore``."""
    from studio.engine.builder import Build, BuildRequest

    ctx = root / f"set{number}"
    for name in TREE:
        (ctx / name).parent.mkdir(parents=True, exist_ok=True)
        (ctx / name).write_text(name)
    if patterns is not None:
        (ctx / ".dockerignore").write_text(patterns + "\n")
    dockerfile = "FROM scratch\nCOPY . /ctx/\n"
    path = ctx / ("Dockerfile" if own_patterns is None else "app.Dockerfile")
    path.write_text(dockerfile)
    if own_patterns is not None:
        (ctx / "app.Dockerfile.dockerignore").write_text(own_patterns + "\n")
    env = {**os.environ, "DOCKER_HOST": host}
    flags = ["--label", f"{LABEL}={RUN_LABEL}", "-f", str(path)]
    found = {
        # --no-cache: a cached classic step may be an image another test session is removing
        "classic CLI": _cli_image([DEBIAN_CLI, "build", "-q", "--no-cache", *flags, str(ctx)],
                                  {**env, "DOCKER_BUILDKIT": "0"},
                                  root / f"iid{number}c"),
        "buildx": _cli_image([BUILDX, "build", "-q", *flags, str(ctx)], env, root / f"iid{number}b"),
    }
    for backend in ("classic", "buildkit"):
        build = Build(BuildRequest(dockerfile, str(ctx), str(path), backend=backend,
                                   labels={LABEL: RUN_LABEL}, no_cache=backend == "classic"), client=client)
        for _ in build.events():
            pass
        assert build.result is not None and build.result.ok, build.result and build.result.error
        found[backend] = build.result.image_id
    listed = {name: _files(client, image) for name, image in found.items()}
    problems = []
    for ours, theirs in (("classic", "classic CLI"), ("buildkit", "buildx")):
        if listed[ours] != listed[theirs]:
            only_ours = sorted(set(listed[ours]) - set(listed[theirs]))
            only_theirs = sorted(set(listed[theirs]) - set(listed[ours]))
            problems.append(f"{patterns!r} {ours}: only ours {only_ours}, only {theirs} {only_theirs}")
    return "; ".join(problems) or None


# (.dockerignore or None, app.Dockerfile.dockerignore): BuildKit's clients read the second,
# the classic CLI only the first
PER_DOCKERFILE_SETS = [
    ("*.md\nbuild", "**\n!a.txt"),
    (None, "keep\nsrc\napp.Dockerfile"),
    ("**\n!keep/**\napp.Dockerfile.dockerignore", "*.txt\n.dockerignore"),
]


def _compare_all(engine, tmp_path, cases) -> list[str]:
    if not (os.access(DEBIAN_CLI, os.X_OK) and os.access(BUILDX, os.X_OK)):
        pytest.skip("needs Debian's docker CLI and buildx (./dev engine modern unpacks it)")
    host, client = engine.host, engine.client
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(lambda item: _compare(host, client, tmp_path, item[0], *item[1]),
                                 enumerate(cases)))
    # removed only now: the classic builder reuses the steps of one set's image in another's
    for image in client.api.images(filters={"label": f"{LABEL}={RUN_LABEL}"}):
        try:
            client.api.remove_image(image["Id"], force=True)
        except docker.errors.APIError:
            pass
    return [o for o in outcomes if o]


@pytest.mark.timeout(900)  # 46 pattern sets, four builds each
def test_dockerignore_table_matches_the_real_clients(engine, tmp_path):
    assert len(PATTERN_SETS) >= 30
    assert _compare_all(engine, tmp_path, [(patterns,) for patterns in PATTERN_SETS]) == []


@pytest.mark.timeout(300)
def test_a_dockerfiles_own_ignore_file_counts_as_each_real_client_reads_it(engine, tmp_path):
    assert _compare_all(engine, tmp_path, PER_DOCKERFILE_SETS) == []


def test_the_reported_case_differs_between_backends(tmp_path):
    """The issue's example, without an engine: BuildKit keeps keep/ok.txt, classic drops it."""
    from studio.engine.context import scan

    for name in TREE:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    (tmp_path / ".dockerignore").write_text("**\n!**/*.txt\n")
    sent = {b: {e.name for e in scan(tmp_path, "FROM scratch\n", f"{uuid.uuid4().hex}.df", backend=b).entries}
            for b in ("buildkit", "classic")}
    assert {"keep", "keep/ok.txt", "keep/sub/deep.txt", "a.txt"} <= sent["buildkit"]
    assert "keep/no.bin" not in sent["buildkit"] and ".dockerignore" not in sent["buildkit"]
    assert "keep/ok.txt" not in sent["classic"] and {"a.txt", ".dockerignore"} <= sent["classic"]
