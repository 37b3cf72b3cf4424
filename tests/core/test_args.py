"""ARG expansion in FROM, as BuildKit does it: meta ARGs, defaults, build-arg overrides."""
from __future__ import annotations

import pytest

from studio.core import parse
from studio.core.shell import platform_args
from studio.core.shell import expand, lex

VALUES = {"V": "1.22", "EMPTY": "", "UNSET": None, "IMG": "golang"}


@pytest.mark.parametrize("word,expected", [
    ("golang:${V}", "golang:1.22"),
    ("golang:$V", "golang:1.22"),
    ("$IMG:$V-alpine", "golang:1.22-alpine"),
    ("x${UNSET}y", "xy"),
    ("x${NOPE}y", "xy"),
    ("${UNSET:-d}", "d"), ("${EMPTY:-d}", "d"), ("${V:-d}", "1.22"),
    ("${UNSET-d}", "d"), ("${EMPTY-d}", ""),
    ("${V:+set}", "set"), ("${EMPTY:+set}", ""), ("${UNSET:+set}", ""),
    ("${EMPTY+set}", "set"), ("${UNSET+set}", ""),
    ("${UNSET:-${IMG}}", "golang"),
    ("'$V'", "$V"), ('"$V"', "1.22"), ("\\$V", "$V"),
    ("plain", "plain"), ("a$", "a$"),
    ("${IMG#go}", "lang"), ("${IMG%ng}", "gola"), ("${IMG/o/0}", "g0lang"),
])
def test_expand(word, expected):
    assert expand(word, VALUES) == expected
    assert lex(word, VALUES).error is None


@pytest.mark.parametrize("word,error", [
    ("${", "missing '}'"), ("${V", "missing '}'"), ("${}", "bad substitution"),
    ("${UNSET:?need it}", "UNSET: need it"), ("${EMPTY:?}", "EMPTY: is not allowed to be empty"),
    ("${NOPE?}", "NOPE: is not allowed to be unset"), ("${V:x}", "unsupported modifier (:x)"),
    ("'open", "single-quote"),
])
def test_expansion_errors_are_reported_not_raised(word, error):
    assert error in (lex(word, VALUES).error or "")


def resolved(text: str, **build_args) -> list[str]:
    return [s.base_resolved for s in parse(text).graph(build_args=build_args or None).stages]


def test_meta_args_defaults_and_build_arg_overrides():
    text = "ARG GO=1.22\nARG VARIANT\nFROM golang:${GO}${VARIANT:+-$VARIANT}\n"
    assert resolved(text) == ["golang:1.22"]
    assert resolved(text, GO="1.23", VARIANT="alpine") == ["golang:1.23-alpine"]


def test_undeclared_build_args_and_stage_args_do_not_reach_from():
    text = "FROM alpine AS a\nARG TAG=9\nFROM busybox:${TAG:-latest}\n"
    assert resolved(text) == ["alpine", "busybox:latest"]
    assert resolved(text, TAG="1.36") == ["alpine", "busybox:latest"]


def test_defaults_may_use_earlier_meta_args():
    text = "ARG REG=docker.io\nARG IMG=${REG}/library/alpine\nFROM $IMG\n"
    assert resolved(text) == ["docker.io/library/alpine"]
    assert resolved(text, REG="mirror.local") == ["mirror.local/library/alpine"]


def test_builtin_platform_args_are_available():
    doc = parse("FROM --platform=$BUILDPLATFORM alpine AS a\nFROM img-${TARGETARCH}\n")
    assert doc.stages[0].platform == "$BUILDPLATFORM"
    assert doc.stages[1].base_resolved == "img-" + platform_args()["TARGETARCH"]
    text = "FROM img-${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-$TARGETVARIANT}\n"
    assert parse(text).graph(platform="linux/arm/v7").stages[0].base_resolved == "img-linux-arm-v7"
    assert parse(text).graph(platform="linux/arm64").stages[0].base_resolved == "img-linux-arm64"


def test_one_platform_default_for_graph_and_lint():
    from studio.core.lint import lint

    text = "FROM img-${TARGETARCH}:${BUILDARCH}\n"
    arch = platform_args()["TARGETARCH"]
    assert parse(text).stages[0].base_resolved == f"img-{arch}:{arch}"
    # lint reads the same default: this name is valid, so InvalidDefaultArgInFrom stays quiet
    assert not [f for f in lint(parse(text)) if f.code == "InvalidDefaultArgInFrom"]
    assert platform_args("linux/amd64", "linux/arm64")["BUILDARCH"] == "arm64"
    assert platform_args("linux/amd64", "linux/arm64")["TARGETPLATFORM"] == "linux/amd64"


def test_a_declared_arg_without_default_is_set_and_empty_in_from():
    # Checked on Docker 20.10: `ARG V` then `FROM x${V?m}` builds (V is set, empty) while
    # `FROM x${V:?m}` fails with "V: m".
    doc = parse("ARG V\nFROM busybox${V?m}\nFROM busybox${V:?m}\n")
    assert doc.stages[0].base_resolved == "busybox"
    assert [d.line for d in doc.diagnostics if d.code == "from-expansion-error"] == [3]


def test_a_failing_expansion_in_from_is_an_error_on_its_line():
    doc = parse("ARG IMG=busybox\nFROM ${IMG:?}\nFROM ${IMG%%}\nFROM ${}\n")
    errors = {d.line: d.message for d in doc.diagnostics if d.code == "from-expansion-error"}
    assert list(errors) == [4] and "bad substitution" in errors[4]
    doc = parse("ARG A=${B:?B is required}\nFROM x\n")
    assert [(d.code, d.line) for d in doc.diagnostics] == [("arg-expansion-error", 1)]


def test_from_pattern_forms_change_the_graph():
    text = "ARG IMG=build-x\nFROM busybox AS build\nFROM ${IMG%-x}\n"
    stage = parse(text).stages[1]
    assert (stage.base_resolved, stage.base_kind, stage.base_stage) == ("build", "stage", 0)


def test_arg_resolving_to_a_stage_name_makes_a_stage_edge():
    doc = parse("ARG BASE=build\nFROM alpine AS build\nFROM ${BASE}\n")
    assert doc.stages[1].base_kind == "stage" and doc.stages[1].base_stage == 0
    assert doc.graph(build_args={"BASE": "scratch"}).stages[1].base_kind == "scratch"
    assert doc.graph(build_args={"BASE": "debian"}).stages[1].base_kind == "image"


def test_meta_args_property():
    doc = parse('ARG A=1 B\nARG C="x y"\nFROM a\nARG D=2\n')
    assert doc.meta_args == {"A": "1", "B": None, "C": "x y"}


def test_copy_from_value_expands_meta_args():
    doc = parse("ARG SRC=build\nFROM a AS build\nFROM b\nCOPY --from=${SRC} /a /b\n")
    assert [(e.source, e.kind) for e in doc.edges if e.kind == "copy"] == [(0, "copy")]
