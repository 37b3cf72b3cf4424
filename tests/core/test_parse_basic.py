"""Basic structure of a parsed Dockerfile: nodes, instructions, stages, edges."""
from studio.core import TextEdit, apply_edits, parse, reparse

SAMPLE = """# syntax=docker/dockerfile:1
ARG GO=1.22
FROM golang:${GO} AS build
RUN --mount=type=cache,target=/root/.cache \\
    # comment
    go build -o /out/app ./...
COPY <<EOF /etc/x
echo hi
EOF
FROM scratch
COPY --from=build /out/app /app
"""


def test_nodes_cover_text_in_order():
    doc = parse(SAMPLE)
    assert doc.text == SAMPLE
    pos = 0
    for node in doc.nodes:
        assert node.start == pos
        pos = node.end
    assert pos == len(SAMPLE)
    assert [n.kind for n in doc.nodes] == ["directive"] + ["instruction"] * 6


def test_instruction_lines_keywords_and_args():
    doc = parse(SAMPLE)
    got = [(i.keyword, i.line, i.end_line) for i in doc.instructions]
    assert got == [("ARG", 2, 2), ("FROM", 3, 3), ("RUN", 4, 6), ("COPY", 7, 9), ("FROM", 10, 10), ("COPY", 11, 11)]
    run = doc.instructions[2]
    assert run.args == "go build -o /out/app ./..."
    assert SAMPLE[run.args_start:].startswith("go build")
    assert run.flags[0].name == "mount" and SAMPLE[run.flags[0].start:run.flags[0].end].startswith("--mount=")
    assert run.mounts[0].type == "cache"
    assert doc.instructions[3].heredocs[0].delimiter == "EOF"


def test_stages_edges_and_reachability():
    doc = parse(SAMPLE)
    assert [(s.name, s.base_resolved, s.base_kind) for s in doc.stages] == [
        ("build", "golang:1.22", "image"), (None, "scratch", "scratch")]
    assert [(e.source, e.target, e.kind) for e in doc.edges] == [("golang:1.22", 0, "from"), (0, 1, "copy")]
    assert doc.edges[1].sources == ["/out/app"] and doc.edges[1].dest == "/app"
    assert doc.target == 1 and doc.reachable == [0, 1]
    assert doc.meta_args == {"GO": "1.22"}
    assert doc.diagnostics == []


def test_reparse_matches_parse_after_edit():
    doc = parse(SAMPLE)
    at = SAMPLE.index("go build")
    edit = TextEdit(at, at + 2, "GO")
    new = reparse(doc, edit)
    assert new.text == apply_edits(SAMPLE, [edit])
    assert new.nodes == parse(new.text).nodes
