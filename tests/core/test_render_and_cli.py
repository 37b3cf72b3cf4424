"""The graph as JSON (the stable CLI contract), DOT and Mermaid; the graph command."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from studio.cli import main
from studio.core import parse
from studio.core.files import DockerfileReadError, read_dockerfile
from studio.core.render import graph_to_dot, graph_to_json, graph_to_mermaid

TEXT = """ARG GO=1.22
FROM golang:${GO} AS build
RUN go build -o /out/app .
FROM alpine AS unused
FROM nginx:1.27
COPY --from=build /out/app /app
RUN --mount=type=secret,id=k true
"""


def test_json_has_exactly_the_documented_keys():
    data = graph_to_json(parse(TEXT).graph())
    assert list(data) == ["stages", "edges", "target", "reachable", "diagnostics"]
    assert data["stages"][0] == {
        "index": 0, "name": "build", "base": "golang:${GO}", "base_resolved": "golang:1.22",
        "base_kind": "image", "base_stage": None, "platform": None, "line": 2, "end_line": 3,
        "instructions": 1}
    assert data["edges"][-1] == {"from": 0, "to": 2, "kind": "copy", "line": 6,
                                 "sources": ["/out/app"], "dest": "/app"}
    assert data["edges"][0]["from"] == "golang:1.22"
    assert data["target"] == 2 and data["reachable"] == [0, 2]
    assert data["diagnostics"] == [{"severity": "info", "code": "session-mount", "line": 7,
                                    "message": data["diagnostics"][0]["message"]}]
    json.dumps(data)


def test_dot_and_mermaid_show_every_stage_and_edge():
    graph = parse(TEXT).graph()
    dot = graph_to_dot(graph)
    assert dot.startswith("digraph stages {") and dot.rstrip().endswith("}")
    assert 's0 -> s2 [label="COPY /out/app -> /app", style=bold];' in dot
    assert 'img0 [label="golang:1.22", shape=ellipse, style=dashed];' in dot
    assert "s1 [" in dot and "style=dashed" in dot.split("s1 [", 1)[1].split("\n", 1)[0]
    mermaid = graph_to_mermaid(graph)
    assert mermaid.startswith("flowchart LR\n")
    assert 's0 ==>|"COPY /out/app -> /app"| s2' in mermaid
    assert "class s1 unused" in mermaid


def test_render_escapes_quotes():
    graph = parse('FROM a AS x\nFROM b\nCOPY --from=x ["a\\"b", "/d"]\n').graph()
    assert '\\"' in graph_to_dot(graph)
    assert "#quot;" in graph_to_mermaid(graph)


def test_graph_command_json(tmp_path, capsys):
    path = tmp_path / "Dockerfile"
    path.write_text(TEXT)
    assert main(["graph", str(path), "--target", "build", "--build-arg", "GO=1.23"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["target"] == 0 and data["reachable"] == [0]
    assert data["stages"][0]["base_resolved"] == "golang:1.23"


@pytest.mark.parametrize("fmt,start", [("dot", "digraph"), ("mermaid", "flowchart")])
def test_graph_command_formats(tmp_path, capsys, fmt, start):
    path = tmp_path / "Dockerfile"
    path.write_text(TEXT)
    assert main(["graph", str(path), "--format", fmt]) == 0
    assert capsys.readouterr().out.startswith(start)


def test_graph_command_errors(tmp_path, capsys):
    assert main(["graph", str(tmp_path / "missing")]) == 2
    assert "no such file" in capsys.readouterr().err
    binary = tmp_path / "bin"
    binary.write_bytes(b"FROM a\n\x00\x01\x02")
    assert main(["graph", str(binary)]) == 2
    assert "binary" in capsys.readouterr().err
    latin = tmp_path / "latin"
    latin.write_bytes("FROM a\nLABEL x=caf\xe9\n".encode("latin-1"))
    assert main(["graph", str(latin)]) == 2
    err = capsys.readouterr().err
    assert "not UTF-8" in err and "line 2" in err
    ok = tmp_path / "Dockerfile"
    ok.write_text("FROM a AS x\n")
    assert main(["graph", str(ok), "--target", "nope"]) == 2
    assert "no stage 'nope'" in capsys.readouterr().err


def test_graph_command_as_a_process(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"\xef\xbb\xbfFROM a AS x\r\nFROM x\r\n")
    out = subprocess.run([sys.executable, "-m", "studio", "graph", str(path)], capture_output=True,
                         text=True, check=True).stdout
    data = json.loads(out)
    assert [(e["from"], e["to"]) for e in data["edges"]] == [("a", 0), (0, 1)]


def test_read_dockerfile_keeps_bom_and_line_endings(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"\xef\xbb\xbfFROM a\r\n")
    assert read_dockerfile(path) == "\ufeffFROM a\r\n"
    with pytest.raises(DockerfileReadError, match="is a directory"):
        read_dockerfile(tmp_path)


@pytest.mark.parametrize("command", ["graph", "lint", "edit", "build", "explore", "prune"])
def test_each_commands_help_names_the_command_as_it_is_typed(command, capsys):
    from studio.cli import SUBCOMMANDS, main

    assert command in SUBCOMMANDS
    with pytest.raises(SystemExit) as stop:
        main([command, "--help"])
    assert stop.value.code == 0
    usage = capsys.readouterr().out.splitlines()[0]
    assert usage.startswith(f"usage: stage-studio {command} ") and "[FILE ...] |" not in usage
