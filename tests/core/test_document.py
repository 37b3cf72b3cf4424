"""Document: stages, edges, targets, reachability, lookups by line and offset."""
from __future__ import annotations

from studio.core import parse

MULTI = """\
# syntax=docker/dockerfile:1
ARG NGINX=1.27
FROM golang:1.22 AS Build
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache \\
    go build -o /out/app .

FROM build AS test
RUN go test ./...

FROM alpine AS docs
RUN echo docs > /docs
RUN --mount=type=bind,from=build,source=/src,target=/mnt ls /mnt

FROM nginx:${NGINX} AS web
COPY --from=BUILD /out/app /usr/bin/app
COPY --from=2 /docs /usr/share/doc/
COPY --from=busybox:1.36 /bin/busybox /bin/
"""


def test_stages():
    doc = parse(MULTI)
    got = [(s.index, s.name, s.base, s.base_resolved, s.base_kind, s.base_stage, s.line, s.end_line,
            len(s.instructions)) for s in doc.stages]
    assert got == [
        (0, "Build", "golang:1.22", "golang:1.22", "image", None, 3, 6, 2),
        (1, "test", "build", "build", "stage", 0, 8, 9, 1),
        (2, "docs", "alpine", "alpine", "image", None, 11, 13, 2),
        (3, "web", "nginx:${NGINX}", "nginx:1.27", "image", None, 15, 18, 3),
    ]
    assert doc.stages[0].key == "build" and doc.stages[1].key == "test"
    assert all(i.stage == 0 for i in doc.stages[0].instructions)
    assert doc.stages[0].from_instruction.keyword == "FROM"


def test_edges_and_external_images():
    doc = parse(MULTI)
    got = [(e.source, e.target, e.kind, e.line, e.sources, e.dest) for e in doc.edges]
    assert got == [
        ("golang:1.22", 0, "from", 3, [], None),
        (0, 1, "from", 8, [], None),
        ("alpine", 2, "from", 11, [], None),
        (0, 2, "mount", 13, ["/src"], "/mnt"),
        ("nginx:1.27", 3, "from", 15, [], None),
        (0, 3, "copy", 16, ["/out/app"], "/usr/bin/app"),
        (2, 3, "copy", 17, ["/docs"], "/usr/share/doc/"),
        ("busybox:1.36", 3, "copy", 18, ["/bin/busybox"], "/bin/"),
    ]
    copy = doc.edges[5]
    assert MULTI[copy.flag.start:copy.flag.end] == "--from=BUILD"
    assert MULTI[copy.flag.value_start:copy.flag.value_end] == "BUILD"
    assert doc.edges[0].flag is None
    assert doc.external_images == ["golang:1.22", "alpine", "nginx:1.27", "busybox:1.36"]


def test_default_and_chosen_targets_and_reachability():
    doc = parse(MULTI)
    assert doc.target == 3 and doc.reachable == [0, 2, 3]
    assert doc.graph("test").reachable == [0, 1]
    assert doc.graph("TEST").target == 1
    assert doc.graph(2).reachable == [0, 2]
    assert doc.graph("0").reachable == [0]


def test_reachability_is_transitive_through_all_edge_kinds():
    text = ("FROM a AS one\nFROM one AS two\nFROM b AS three\nCOPY --from=two /x /x\n"
            "FROM c AS four\nRUN --mount=from=three,target=/t ls\nFROM d AS unused\nFROM e\nCOPY --from=four /y /y\n")
    doc = parse(text)
    assert doc.reachable == [0, 1, 2, 3, 5]


def test_from_a_later_stage_name_is_an_image():
    doc = parse("FROM later AS first\nFROM alpine AS later\n")
    assert doc.stages[0].base_kind == "image" and doc.stages[0].base_stage is None
    assert doc.diagnostics == []


def test_lookups_by_ref_and_line():
    doc = parse(MULTI)
    assert doc.stage("build").index == 0 and doc.stage("BUILD").index == 0
    assert doc.stage(3).name == "web" and doc.stage("3").name == "web"
    assert doc.stage("nope") is None and doc.stage(9) is None
    assert doc.stage_at_line(5).index == 0
    assert doc.stage_at_line(7) is None  # the blank line between stages
    assert doc.stage_at_line(2) is None
    run = doc.instruction_at_line(6)
    assert run.keyword == "RUN" and (run.line, run.end_line) == (5, 6)
    assert doc.instruction_at_line(7) is None and doc.instruction_at_line(1) is None


def test_heredoc_lines_belong_to_their_instruction():
    doc = parse("FROM a\nRUN <<EOF\necho hi\nFROM b\nEOF\nCMD x\n")
    assert [i.keyword for i in doc.instructions] == ["FROM", "RUN", "CMD"]
    assert doc.instruction_at_line(4).keyword == "RUN"
    h = doc.instructions[1].heredocs[0]
    assert (h.line, h.end_line, h.terminated) == (3, 5, True)
    assert doc.text[h.body_start:h.body_end] == "echo hi\nFROM b\nEOF\n"


def test_offsets_and_lines():
    text = "FROM a\r\nRUN b\r\n\r\nCMD c"
    doc = parse(text)
    assert doc.newline == "\r\n" and not doc.has_bom
    assert doc.line_start(1) == 0 and doc.line_start(2) == 8 and doc.line_start(4) == 17
    assert doc.line_start(99) == len(text)
    assert doc.line_of(0) == 1 and doc.line_of(8) == 2 and doc.line_of(len(text)) == 4
    assert parse("FROM a").newline == "\n"


def test_directives_escape_and_bom():
    doc = parse("\ufeff# Syntax=docker/dockerfile:1\n#escape=`\nFROM a\nRUN a `\n  b\n")
    assert doc.has_bom and doc.escape == "`"
    assert doc.directives == {"syntax": "docker/dockerfile:1", "escape": "`"}
    assert [n.kind for n in doc.nodes] == ["bom", "directive", "directive", "instruction", "instruction"]
    assert doc.instructions[1].args == "a   b"


def test_directive_after_other_lines_is_a_comment():
    doc = parse("# hello\n# escape=`\nFROM a\n")
    assert doc.escape == "\\" and doc.directives == {}
    assert [n.kind for n in doc.nodes][:2] == ["comment", "comment"]
    doc = parse("\n# escape=`\nFROM a\n")
    assert doc.escape == "\\"
    doc = parse("# unknown=1\n# escape=`\nFROM a\n")
    assert doc.escape == "\\"


def test_onbuild_wraps_an_instruction():
    text = "FROM a\nONBUILD RUN --mount=type=cache,target=/c make\n"
    ins = parse(text).instructions[1]
    inner = ins.onbuild
    assert inner.keyword == "RUN" and inner.args == "make"
    assert text[inner.keyword_start:].startswith("RUN --mount")
    assert inner.mounts[0].type == "cache"


def test_json_form_and_flags_with_quotes():
    text = 'FROM a\nCOPY --chown="a b" ["x y", "/dst/"]\nCMD ["sh", "-c", "echo hi"]\nCMD echo [\n'
    ins = parse(text).instructions
    assert ins[1].flag("chown").value == "a b" and ins[1].json_args == ["x y", "/dst/"]
    assert ins[2].json_form and ins[2].json_args == ["sh", "-c", "echo hi"]
    assert not ins[3].json_form and ins[3].json_args is None


def test_keyword_split_across_a_continuation():
    text = "FROM a\nRU\\\nN echo hi\n"
    ins = parse(text).instructions[1]
    assert ins.keyword == "RUN" and ins.args == "echo hi" and ins.keyword_start == 7


def test_copy_paths_keep_backslashes_with_backtick_escape():
    text = '# escape=`\nFROM a AS b\nFROM c\nCOPY --from=b C:\\app "C:\\my dir\\x" D:\\out\\\n'
    edge = parse(text).edges[-1]
    assert edge.sources == ["C:\\app", "C:\\my dir\\x"] and edge.dest == "D:\\out\\"
    edge = parse('FROM a AS b\nFROM c\nCOPY --from=b "my file" a\\ b /d/\n').edges[-1]
    assert edge.sources == ["my file", "a b"] and edge.dest == "/d/"


def test_graph_leaves_plain_instructions_unexamined_until_read():
    doc = parse("FROM a AS b\nFROM c\nRUN make all\nCOPY --from=b /x /y\n")
    assert [e.kind for e in doc.edges] == ["from", "from", "copy"]
    run = doc.instructions[2]
    assert "flags" not in vars(run)  # the graph did not need its details
    assert run.args == "make all" and run.flags == [] and run.stage == 1
    assert "flags" in vars(doc.instructions[3])
