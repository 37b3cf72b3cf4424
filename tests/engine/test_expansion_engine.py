"""``FROM ${IMG<form>}`` for every expansion form, built by the engine that answers: the
graph's ``base_resolved`` must be the image the engine built from. Each candidate base is
a distinct image whose label names it, so a wrong expansion builds from nothing (the
engine cannot pull) or from an image with another label, and the test says which.

On an engine whose frontend predates a form (Docker 20.10: no ``${V-x}``, ``${V#p}``...)
the build must fail with "missing ':' in substitution" and lint must name the release
that added the form, on that line.
"""
from __future__ import annotations

import uuid

import docker
import pytest

from studio.core import parse
from studio.core.lint import lint
from studio.core.shell import newer_form, var_refs
from studio.engine.builder import Build, BuildRequest

BUSYBOX = "stage-studio-test/busybox:latest"
REPO = "stage-studio-test/lex"
PROBE_LABEL = "io.github.stagestudio.test.lex"  # our own label: other suites' clean-ups leave these alone

# (ARG lines, FROM word): every form BuildKit's lexer knows, on names that exist only
# if the expansion is right
CASES = [
    ("ARG IMG=lex:plain", "${IMG}"),
    ("ARG IMG", "${IMG:-lex:dash-colon}"),
    ("ARG IMG=lex:plus-colon-set", "${IMG:+lex:plus-colon}"),
    ("ARG IMG=lex:q", "${IMG:?needed}"),
    ("ARG IMG=lex:q2", "${IMG?needed}"),
    ("", "${NOPE-lex:dash-unset}"),
    ("ARG IMG", "lex:plus-empty${IMG+-set}"),
    ("ARG IMG=lex:base-x", "${IMG%-x}"),
    ("ARG IMG=lex:base.x.y", "${IMG%%.*}"),
    ("ARG IMG=lex:a.b.c", "${IMG%.*}"),
    ("ARG IMG=zz-lex:pre", "${IMG#*-}"),
    ("ARG IMG=a_b_lex:long", "${IMG##*_}"),
    ("ARG IMG=xlex:one", "${IMG#?}"),
    ("ARG IMG=lex:a.b.c", "${IMG/./_}"),
    ("ARG IMG=lex:a.b.c", "${IMG//./_}"),
    ("ARG IMG=lex:abcabc", "${IMG/b*/Z}"),
    ("ARG IMG=lex:keep", "${IMG/nothing/x}"),
    ("ARG A=lex:ab-x\nARG IMG=${A%-x}c", "${IMG}"),
]


@pytest.fixture(scope="module")
def client(engine):
    yield engine.client
    for image in engine.client.api.images(filters={"label": f"{PROBE_LABEL}=1"}):
        try:
            engine.client.api.remove_image(image["Id"], force=True)
        except docker.errors.APIError:
            pass


def probe_image(client, name: str) -> None:
    """An image tagged ``name`` whose label ``which`` says ``name`` (no build: a commit)."""
    repo, _, tag = name.rpartition(":")
    container = client.api.create_container(BUSYBOX, command=["true"])
    try:
        client.api.commit(container["Id"], repository=repo, tag=tag,
                          conf={"Labels": {PROBE_LABEL: "1", "which": name}})
    finally:
        client.api.remove_container(container["Id"], force=True)


def build(client, text: str, tmp_path):
    request = BuildRequest(text, str(tmp_path), backend="buildkit", labels={PROBE_LABEL: "1"})
    run = Build(request, client=client)
    list(run.events())
    return run.result


def dockerfile(args: str, word: str) -> str:
    word, args = word.replace("lex:", f"{REPO}:"), args.replace("lex:", f"{REPO}:")
    return f"{args}\nFROM {word}\nLABEL probe={uuid.uuid4().hex}\n".lstrip("\n")


def newer(text: str) -> list[tuple[str, str, str]]:
    return [v for r in var_refs(text) if (v := newer_form(r)) is not None]


OLD_FORMS = [c for c in CASES if not newer(dockerfile(*c))]
NEW_FORMS = [c for c in CASES if newer(dockerfile(*c))]


@pytest.mark.parametrize("args,word", OLD_FORMS, ids=[w for _, w in OLD_FORMS])
def test_from_expansion_is_what_the_engine_builds(client, tmp_path, args, word):
    assert_builds_as_the_graph_says(client, dockerfile(args, word), tmp_path)


@pytest.mark.engine_since("26.0", "pattern forms came with BuildKit 0.13 (Docker 26.0)")
@pytest.mark.parametrize("args,word", NEW_FORMS, ids=[w for _, w in NEW_FORMS])
def test_from_expansion_forms_new_since_docker_25_and_26_build_as_the_graph_says(client, tmp_path, args, word):
    assert_builds_as_the_graph_says(client, dockerfile(args, word), tmp_path)


@pytest.mark.engine_before("25.0", "these engines' frontends do not know the forms")
@pytest.mark.parametrize("args,word", NEW_FORMS, ids=[w for _, w in NEW_FORMS])
def test_from_expansion_forms_new_since_docker_25_fail_on_older_engines_naming_the_release(
        client, tmp_path, args, word):
    text = dockerfile(args, word)
    doc = parse(text)
    versions = newer(text)
    result = build(client, text, tmp_path)
    # (20.10 drops a meta ARG default that fails to expand: FROM then sees an empty name)
    assert not result.ok and ("missing ':' in substitution" in result.error.message
                              or "should not be blank" in result.error.message), result.error.message
    if "missing ':'" in result.error.message:  # said on its line, naming the release that added it
        assert result.error.line == doc.stages[0].line
        assert f"Docker Engine {min(v[2] for v in versions)}" in result.error.message
    found = [f for f in lint(doc) if f.code == "substitution-needs-newer-engine"]
    assert found and all("Docker Engine 2" in f.message for f in found)
    assert {f.line for f in found} <= {i + 1 for i, line in enumerate(text.splitlines()) if "${" in line}


def assert_builds_as_the_graph_says(client, text: str, tmp_path) -> None:
    doc = parse(text)
    stage = doc.stages[0]
    assert not [d for d in doc.diagnostics if d.severity == "error"], doc.diagnostics
    assert stage.base_resolved.startswith(REPO + ":")
    probe_image(client, stage.base_resolved)
    result = build(client, text, tmp_path)
    assert result.ok, f"the engine did not build from {stage.base_resolved!r}: {result.error and result.error.message}"
    labels = client.api.inspect_image(result.image_id)["Config"]["Labels"]
    assert labels["which"] == stage.base_resolved


def test_a_failing_expansion_fails_the_build_and_is_an_error_on_its_line(client, tmp_path):
    text = f"ARG IMG\nFROM {REPO}:x${{IMG:?required}}\n"
    doc = parse(text)
    errors = [d for d in doc.diagnostics if d.code == "from-expansion-error"]
    assert [d.line for d in errors] == [2] and "IMG: required" in errors[0].message
    result = build(client, text, tmp_path)
    assert not result.ok and "IMG: required" in result.error.message
