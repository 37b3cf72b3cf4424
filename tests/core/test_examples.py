"""The teaching gallery: every example parses cleanly, agrees with BuildKit's own parser
on its stages, and lints as it should (naive forms trip size rules, multi-stage forms
are clean)."""
from __future__ import annotations

import json
from pathlib import Path

import dockerfile
import pytest

from studio.core import parse
from studio.core.lint import lint

EXAMPLES = Path(__file__).resolve().parents[2] / "studio" / "resources" / "examples"
GALLERY = json.loads((EXAMPLES / "gallery.json").read_text(encoding="utf-8"))
ALL_FILES = sorted(p.name for p in EXAMPLES.glob("*.Dockerfile"))
SIZE_RULES = {"heavy-final-image", "package-cache", "copy-whole-directory",
              "cleanup-in-later-layer"}
OFFLINE_BASES = {"stage-studio-test/busybox:latest", "scratch"}

# What each naive form is there to teach.
EXPECTED_SINGLE = {
    "go": {"heavy-final-image"},
    "node": {"heavy-final-image"},
    "python": {"heavy-final-image", "package-cache"},
    "rust": {"heavy-final-image"},
    "java": {"heavy-final-image"},
    "c-make": {"heavy-final-image", "package-cache"},
    "static-site": {"heavy-final-image", "package-cache"},
    "cache-mounts": {"heavy-final-image", "package-cache"},
    "offline-demo": {"cleanup-in-later-layer"},
}


def _text(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")


def test_gallery_index_lists_every_file_and_nothing_else():
    listed = [f for e in GALLERY["examples"] for f in e["files"].values()]
    assert sorted(listed) == ALL_FILES
    for e in GALLERY["examples"]:
        assert e["id"] and e["title"] and len(e["description"]) > 20
        assert isinstance(e["builds_offline"], bool)
        if "context" in e:
            assert (EXAMPLES / e["context"]).is_dir()


def test_classic_examples_are_kept():
    assert {"go-build-env.Dockerfile", "build-essential-foo-bar.Dockerfile"} <= set(ALL_FILES)


def test_at_least_eight_topics_in_both_forms():
    pairs = [e for e in GALLERY["examples"] if {"single", "multi"} <= set(e["files"])]
    assert len(pairs) >= 9
    assert set(EXPECTED_SINGLE) == {e["id"] for e in pairs}
    for e in pairs:
        assert e["files"]["single"] == f"{e['id']}.single.Dockerfile"
        assert e["files"]["multi"] == f"{e['id']}.multi.Dockerfile"


@pytest.mark.parametrize("name", ALL_FILES)
def test_example_parses_cleanly_and_matches_buildkit(name):
    text = _text(name)
    doc = parse(text)
    assert doc.text == text
    assert [d for d in doc.diagnostics if d.severity == "error"] == []
    oracle = dockerfile.parse_string(text)
    assert len(doc.stages) == sum(1 for c in oracle if c.cmd.upper() == "FROM")
    assert [i.keyword for i in doc.instructions] == [c.cmd.upper() for c in oracle]


@pytest.mark.parametrize("name", ALL_FILES)
def test_example_starts_with_a_teaching_comment(name):
    comments = [l for l in _text(name).splitlines()[:6] if l.startswith("#")]
    assert len(comments) >= 3


@pytest.mark.parametrize("topic", sorted(EXPECTED_SINGLE))
def test_single_stage_form_trips_the_size_rules(topic):
    doc = parse(_text(f"{topic}.single.Dockerfile"))
    assert len(doc.stages) == 1
    found = {f.code for f in lint(doc)}
    assert found & SIZE_RULES == EXPECTED_SINGLE[topic]


@pytest.mark.parametrize("name", [n for n in ALL_FILES if ".single." not in n])
def test_multi_stage_forms_are_clean(name):
    doc = parse(_text(name))
    assert len(doc.stages) >= 2
    assert [(f.line, f.code, f.message) for f in lint(doc)] == []


def test_multi_stage_forms_really_are_smaller_designs():
    """The final stage of every multi form starts from a small image or scratch."""
    for topic in EXPECTED_SINGLE:
        doc = parse(_text(f"{topic}.multi.Dockerfile"))
        final = doc.stages[doc.graph().target]
        assert final.base_kind in ("image", "scratch")
        assert any(e.target == final.index and e.kind in ("copy", "mount") for e in doc.edges)


@pytest.mark.parametrize("entry", [e for e in GALLERY["examples"] if e["builds_offline"]],
                         ids=lambda e: e["id"])
def test_offline_examples_need_no_registry_or_network(entry):
    for name in entry["files"].values():
        doc = parse(_text(name))
        for stage in doc.stages:
            assert stage.base_kind == "stage" or stage.base_resolved in OFFLINE_BASES
        for ins in doc.instructions:
            if ins.keyword in ("RUN", "ADD"):
                assert not any(w in ins.args for w in ("wget", "curl", "http", "apk", "apt"))
            assert not ins.mounts or all(m.type != "secret" for m in ins.mounts)
