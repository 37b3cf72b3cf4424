"""Edge and instruction operations: add a COPY --from, remove an edge, move an instruction."""
from __future__ import annotations

from collections import Counter

import dockerfile
import pytest

from studio.core import parse
from studio.core.edits import EditError, add_copy, move_instruction, remove_edge
from test_edits import run

TWO = "FROM alpine AS build\nRUN make\n\nFROM scratch\nCOPY README /\n"


def copy_edges(text: str) -> list[tuple]:
    return [(e.source, e.target, tuple(e.sources), e.dest) for e in parse(text).edges if e.kind == "copy"]


# ---------------------------------------------------------------- add copy


def test_add_copy_at_end_of_target():
    new = run(TWO, add_copy, "build", 1, ["/out/app"], "/app")
    assert new == TWO + "COPY --from=build /out/app /app\n"
    assert copy_edges(new) == [(0, 1, ("/out/app",), "/app")]


def test_add_copy_from_unnamed_stage_uses_its_number_and_default_dest():
    text = "FROM alpine\nRUN make\nFROM scratch\n"
    assert run(text, add_copy, 0, 1, ["/out"]) == text + "COPY --from=0 /out /out\n"


def test_add_copy_after_a_line_with_indentation_and_lower_case():
    text = "from alpine as a\nfrom scratch as b\n  workdir /w\n  env A=1\n"
    new = run(text, add_copy, "a", "b", ["/x", "/y"], "/dst", after_line=3)
    assert new == "from alpine as a\nfrom scratch as b\n  workdir /w\n  copy --from=a /x /y /dst/\n  env A=1\n"


def test_add_copy_after_multi_line_instruction_and_heredoc():
    text = "FROM alpine AS a\nFROM a AS b\nRUN <<EOF\necho hi\nEOF\nRUN x \\\n    y\n"
    new = run(text, add_copy, "a", "b", ["/p"], "/q", after_line=3)
    assert new == "FROM alpine AS a\nFROM a AS b\nRUN <<EOF\necho hi\nEOF\nCOPY --from=a /p /q\nRUN x \\\n    y\n"
    new = run(text, add_copy, "a", "b", ["/p"], "/q", after_line=7)
    assert new == text + "COPY --from=a /p /q\n"


def test_add_copy_with_spaces_uses_exec_form():
    new = run(TWO, add_copy, "build", 1, ["/my dir/a"], "/dst dir/")
    assert new.endswith('COPY --from=build ["/my dir/a", "/dst dir/"]\n')
    assert copy_edges(new) == [(0, 1, ("/my dir/a",), "/dst dir/")]


def test_add_copy_keeps_crlf_and_missing_final_newline():
    text = "FROM alpine AS a\r\nFROM scratch\r\nCOPY x /x"
    assert run(text, add_copy, "a", 1, ["/o"], "/o") == text + "\r\nCOPY --from=a /o /o"


def test_add_copy_from_an_image():
    assert run(TWO, add_copy, "nginx:1.27", 1, ["/etc/nginx"]).endswith(
        "COPY --from=nginx:1.27 /etc/nginx /etc/nginx\n")
    # an image the file already uses needs no tag to be recognised
    new = run(TWO, add_copy, "alpine", 1, ["/etc/os-release"])
    assert ("alpine", 1, "copy") in {(e.source, e.target, e.kind) for e in parse(new).edges}
    with pytest.raises(EditError, match="no stage named 'alpin'"):
        add_copy(parse(TWO), "alpin", 1, ["/x"])


@pytest.mark.parametrize(
    "source, target, paths, after_line, message",
    [
        ("build", "build", ["/a"], None, "cannot copy from itself"),
        (1, 0, ["/a"], None, "comes after 'build'"),
        ("build", "nope", ["/a"], None, "no stage named 'nope'"),
        ("build", 1, [], None, "at least one path"),
        ("build", 1, ["/a", "/b"], None, "destination directory"),
        ("build", 1, ["/a\n"], None, "line break"),
        ("build", 1, ["/a"], 2, "line 2 is not in stage #1"),
    ],
)
def test_add_copy_refusals(source, target, paths, after_line, message):
    with pytest.raises(EditError, match=message):
        add_copy(parse(TWO), source, target, paths, after_line=after_line)


# ---------------------------------------------------------------- remove edge

EDGES = (
    "FROM alpine AS a\n"
    "FROM alpine AS b\n"
    "FROM b AS c\n"
    "COPY --from=a \\\n"
    "    /x \\\n"
    "    /y\n"
    "RUN --mount=type=bind,from=a,target=/a --mount=from=b,target=/b make\n"
    "RUN --mount=from=a,target=/a \\\n"
    "    --mount=from=b,target=/b \\\n"
    "    make\n"
    "RUN --mount=from=a,target=/a \\\n"
    "    make\n"
)


def edge_keys(text: str) -> list[tuple]:
    return sorted((str(e.source), e.target, e.kind) for e in parse(text).edges)


def test_remove_copy_edge_takes_whole_instruction():
    new = run(EDGES, remove_edge, 5)
    assert new == EDGES.replace("COPY --from=a \\\n    /x \\\n    /y\n", "")
    assert len(parse(new).edges) == len(parse(EDGES).edges) - 1


@pytest.mark.parametrize(
    "line, source, old, new, gone",
    [
        (7, "a", "--mount=type=bind,from=a,target=/a --mount", "--mount", "0"),
        (7, "b", "/a --mount=from=b,target=/b make", "/a make", "1"),
        (8, 0, "RUN --mount=from=a,target=/a \\\n    --mount=from=b", "RUN \\\n    --mount=from=b",
         "0"),
        (9, "b", "/a \\\n    --mount=from=b,target=/b \\\n    make", "/a \\\n    make", "1"),
        (11, None, "RUN --mount=from=a,target=/a \\\n    make\n", "RUN \\\n    make\n", "0"),
    ],
)
def test_remove_mount_edge_takes_only_its_flag(line, source, old, new, gone):
    assert EDGES.count(old) == 1
    result = run(EDGES, remove_edge, line, source)
    assert result == EDGES.replace(old, new)
    before, after = Counter(edge_keys(EDGES)), Counter(edge_keys(result))
    assert not after - before
    assert list((before - after).elements()) == [(gone, 2, "mount")]


def test_remove_edge_refusals():
    doc = parse(EDGES)
    with pytest.raises(EditError, match="FROM of stage 'c'.*set-base"):
        remove_edge(doc, 3)
    with pytest.raises(EditError, match="say which source"):
        remove_edge(doc, 7)
    with pytest.raises(EditError, match="line 2 has no stage edge .it holds a RUN instruction."):
        remove_edge(parse("FROM scratch\nRUN x\n"), 2)
    with pytest.raises(EditError, match="no edge from 'c'"):
        remove_edge(doc, 7, "c")


def test_remove_edge_at_end_without_final_newline_and_crlf():
    text = "FROM alpine AS a\r\nFROM scratch\r\nRUN x\r\nCOPY --from=a /x /x"
    assert run(text, remove_edge, 4) == "FROM alpine AS a\r\nFROM scratch\r\nRUN x"


def test_remove_edge_leaves_onbuild_alone():
    text = "FROM alpine AS a\nFROM scratch\nONBUILD COPY --from=a /x /x\n"
    with pytest.raises(EditError, match="no stage edge"):
        remove_edge(parse(text), 3)


# ---------------------------------------------------------------- move instruction

STAGES = (
    "FROM alpine AS a\n"
    "RUN one\n"
    "RUN two \\\n"
    "    more\n"
    "# about three\n"
    "RUN three\n"
    "\n"
    "FROM a AS b\n"
    "COPY <<EOF /x\n"
    "body\n"
    "EOF\n"
    "RUN four\n"
)


def arg_words(text: str, stage: int) -> list[str]:
    return [" ".join(i.args.split()) for i in parse(text).stages[stage].instructions]


def test_move_within_stage():
    new = run(STAGES, move_instruction, 6, "a", 0)
    assert arg_words(new, 0) == ["three", "one", "two more"]
    assert new.startswith("FROM alpine AS a\nRUN three\nRUN one\nRUN two \\\n    more\n# about three\n\n")


def test_move_multi_line_instruction_down_within_stage():
    new = run(STAGES, move_instruction, 4, "a", 2)
    assert arg_words(new, 0) == ["one", "three", "two more"]
    assert "RUN three\nRUN two \\\n    more\n\nFROM a AS b" in new


def test_move_heredoc_instruction_between_stages():
    new = run(STAGES, move_instruction, 10, "a", 1)
    assert new == (
        "FROM alpine AS a\nRUN one\nCOPY <<EOF /x\nbody\nEOF\nRUN two \\\n    more\n"
        "# about three\nRUN three\n\nFROM a AS b\nRUN four\n"
    )


def test_move_last_instruction_of_file_without_final_newline():
    text = STAGES[:-1]
    new = run(text, move_instruction, 12, 0, 3)
    assert new == text.replace("RUN three\n", "RUN three\nRUN four\n").replace("EOF\nRUN four", "EOF")
    assert not new.endswith("\n")


def test_move_to_same_place_is_no_edit():
    assert move_instruction(parse(STAGES), 2, "a", 0) == []


def test_move_refusals():
    doc = parse(STAGES + "FROM scratch\nCOPY --from=b /x /x\n")
    with pytest.raises(EditError, match="is the FROM of stage 'b'"):
        move_instruction(doc, 8, 0, 0)
    with pytest.raises(EditError, match="out of range"):
        move_instruction(doc, 2, "b", 5)
    with pytest.raises(EditError, match="uses stage 'b'"):
        move_instruction(doc, 14, "a", 0)
    with pytest.raises(EditError, match="holds no instruction"):
        move_instruction(doc, 7, "a", 0)
    with pytest.raises(EditError, match="belongs to no stage"):
        move_instruction(parse("ARG X\nFROM alpine\n"), 1, 0, 0)


def test_moves_agree_with_buildkit_parser():
    new = run(STAGES, move_instruction, 10, "a", 1)
    cmds = dockerfile.parse_string(new)
    assert [(c.cmd.upper(), c.start_line, c.end_line) for c in cmds] == [
        (i.keyword, i.line, i.end_line) for i in parse(new).instructions if i.keyword
    ]
    assert [c.cmd.upper() for c in cmds] == ["FROM", "RUN", "COPY", "RUN", "RUN", "FROM", "RUN"]


def test_add_copy_after_a_comment_line_inside_the_stage():
    text = "FROM alpine AS a\nFROM scratch\nRUN x\n# copy the app here\n\nRUN y\n"
    new = run(text, add_copy, "a", 1, ["/app"], after_line=4)
    assert new == "FROM alpine AS a\nFROM scratch\nRUN x\n# copy the app here\nCOPY --from=a /app /app\n\nRUN y\n"


def test_remove_mount_edge_in_backtick_file():
    text = (
        "# escape=`\n"
        "FROM alpine AS a\n"
        "FROM alpine\n"
        "RUN --mount=type=cache,target=/c `\n"
        "    --mount=from=a,target=/a `\n"
        "    make\n"
    )
    assert run(text, remove_edge, 5) == text.replace("    --mount=from=a,target=/a `\n", "")
