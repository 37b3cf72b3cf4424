"""ARG expansion in FROM, as BuildKit does it: meta ARGs, defaults, build-arg overrides."""
from __future__ import annotations

import pytest

from studio.core import parse
from studio.core.args import expand

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
    ("plain", "plain"), ("a$", "a$"), ("${", "${"),
])
def test_expand(word, expected):
    assert expand(word, VALUES) == expected


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
    assert doc.stages[1].base_resolved.startswith("img-") and doc.stages[1].base_resolved != "img-"


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
