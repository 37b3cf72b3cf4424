"""An unnamed stage has one name in every command: ``#N`` (its index), and what can be
typed for it is said truthfully. ``graph`` and ``build`` refuse an unknown --target
alike (unusable input: exit 2, ``stage-studio CMD: ...``). The engines' own refusal of
"stage-1", "1" and "#1" as docker build targets is checked in
tests/engine/test_stage_naming_engine.py."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from studio.core import parse
from studio.core.model import find_stage, stage_choices, stage_label, stage_number

TEXT = ("FROM stage-studio-test/busybox:latest AS build\nRUN echo hi > /a\n\n"
        "FROM stage-studio-test/busybox:latest\nCOPY --from=build /a /a\n")


def cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DOCKER_HOST": "unix:///nonexistent/no-engine.sock"}  # none of this reaches one
    return subprocess.run([sys.executable, "-m", "studio", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env=env)


@pytest.fixture
def dockerfile(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(TEXT)
    return path


def test_a_stage_is_found_by_number_label_or_name():
    stages = parse(TEXT + "FROM scratch AS BUILD\n").stages
    assert stage_number("#1") == stage_number("1") == stage_number(1) == 1
    assert stage_number("build") is None and stage_number("#x") is None
    assert find_stage(stages, "#1") is find_stage(stages, "1") is stages[1]
    assert find_stage(stages, "build") is stages[2]  # the last of equal names, as BuildKit takes it
    assert find_stage(stages, "#3") is None and find_stage(stages, "stage-1") is None
    assert stage_label(None, 1) == "#1" and stage_label("build", 0) == "build"


def test_the_stage_list_says_how_to_choose_an_unnamed_stage():
    stages = parse(TEXT).stages
    assert stage_choices(stages).startswith("build, #1;")
    assert "--target 1" in stage_choices(stages, "--target")
    assert "docker build's --target takes names only" in stage_choices(stages, "--target")
    assert stage_choices(parse("FROM scratch AS a\n").stages, "--target") == "a"


@pytest.mark.parametrize("command", ["graph", "build"])
def test_graph_and_build_refuse_an_unknown_target_alike(command, dockerfile):
    proc = cli(command, str(dockerfile), "--target", "nope")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"stage-studio {command}: there is no stage 'nope' to build (stages: build, #1;")
    assert "stage-1" not in proc.stderr and "--target 1" in proc.stderr
    assert proc.stdout == ""


def test_build_json_refuses_an_unknown_target_with_a_result_object(dockerfile):
    proc = cli("build", str(dockerfile), "--target", "nope", "--json")
    assert proc.returncode == 2
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["event"] == "result" and result["ok"] is False
    assert "build, #1" in result["error"]["message"]


@pytest.mark.parametrize("typed", ["1", "#1"])
def test_graph_takes_the_number_or_the_label_it_prints(typed, dockerfile):
    proc = cli("graph", str(dockerfile), "--target", typed)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["target"] == 1
    dot = cli("graph", str(dockerfile), "--format", "dot").stdout
    assert '"#1' in dot  # the graph's box for it is labelled as the commands name it


def test_edit_names_an_unnamed_stage_as_the_others_do(dockerfile):
    proc = cli("edit", str(dockerfile), "--rename-stage", "nope=x")
    assert proc.returncode != 0
    assert "(stages: build, #1; an unnamed stage goes by its number, as 1 or #1)" in proc.stderr
    proc = cli("edit", str(dockerfile), "--rename-stage", "#1=final")
    assert proc.returncode == 0, proc.stderr
    assert "FROM stage-studio-test/busybox:latest AS final\n" in proc.stdout


def test_the_graph_diagnostic_for_an_unknown_target_lists_what_can_be_typed():
    graph = parse(TEXT).graph("nope")
    [diagnostic] = [d for d in graph.diagnostics if d.code == "unknown-target"]
    assert "build, #1" in diagnostic.message and "--target 1" in diagnostic.message
