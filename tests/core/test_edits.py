"""Stage operations as minimal text edits: rename, add, remove, set base."""
from __future__ import annotations

import dockerfile
import pytest

from studio.core import apply_edits, parse
from studio.core.edits import EditError, StageInUseError, add_stage, remove_stage, rename_stage, set_base


def run(text: str, op, *args, **kwargs) -> str:
    """Apply one operation and check the edit list is sorted and non-overlapping."""
    doc = parse(text)
    edits = op(doc, *args, **kwargs)
    for a, b in zip(edits, edits[1:]):
        assert a.end <= b.start, (a, b)
    new = apply_edits(text, edits)
    assert parse(new).text == new
    return new


def graph_names(text: str) -> list[str | None]:
    return [s.name for s in parse(text).stages]


MULTI = (
    "# syntax=docker/dockerfile:1\n"
    "FROM alpine:3.20 AS build\n"
    "RUN make\n"
    "\n"
    "FROM build AS test\n"
    "COPY --from=build /a /b\n"
    "RUN --mount=type=cache,from=build,target=/x echo hi\n"
    "\n"
    "FROM scratch\n"
    "COPY --from=0 /a /b\n"
    "COPY --from=BUILD /c /d\n"
    "ONBUILD COPY --from=build /e /f\n"
)


# ---------------------------------------------------------------- rename


def test_rename_rewrites_name_and_every_reference_case_insensitively():
    new = run(MULTI, rename_stage, "build", "compile")
    assert new == (
        MULTI.replace("AS build", "AS compile")
        .replace("FROM build AS", "FROM compile AS")
        .replace("COPY --from=build /a", "COPY --from=compile /a")
        .replace("from=build,", "from=compile,")
        .replace("--from=BUILD", "--from=compile")
    )
    # numeric references stay numbers; ONBUILD is not a reference of this build
    assert "COPY --from=0 /a /b" in new
    assert "ONBUILD COPY --from=build /e /f" in new
    doc = parse(new)
    assert doc.stages[1].base_stage == 0
    assert sorted((e.source, e.target, e.kind) for e in doc.edges if isinstance(e.source, int)) == \
        sorted((e.source, e.target, e.kind) for e in parse(MULTI).edges if isinstance(e.source, int))


def test_rename_by_index_and_upper_case_reference():
    new = run(MULTI, rename_stage, 0, "Compile")
    assert new.count("Compile") == 5


def test_rename_unnamed_stage_inserts_as_and_keeps_numbers():
    text = "FROM alpine\nRUN x\nFROM scratch\nCOPY --from=0 /a /a\n"
    assert run(text, rename_stage, 0, "base") == (
        "FROM alpine AS base\nRUN x\nFROM scratch\nCOPY --from=0 /a /a\n"
    )


def test_rename_follows_lower_case_as():
    text = "from alpine as one\nfrom alpine\n"
    assert run(text, rename_stage, 1, "two") == "from alpine as one\nfrom alpine as two\n"


def test_rename_keeps_quotes_platform_and_continuations():
    text = (
        "FROM --platform=$BUILDPLATFORM \\\n"
        "    golang:1.22 \\\n"
        "    AS build\n"
        "FROM scratch\n"
        'COPY --from="build" /a /a\n'
    )
    new = run(text, rename_stage, "build", "gobuild")
    assert new == text.replace("AS build", "AS gobuild").replace('"build"', '"gobuild"')
    assert parse(new).stages[0].platform == "$BUILDPLATFORM"


def test_rename_keeps_crlf_and_bom():
    text = "\ufeffFROM alpine AS a\r\nFROM a AS b\r\n"
    assert run(text, rename_stage, "a", "base") == "\ufeffFROM alpine AS base\r\nFROM base AS b\r\n"


@pytest.mark.parametrize(
    "name, message",
    [
        ("TEST", "already exists at line 5"),
        ("1abc", "not a valid stage name"),
        ("a b", "not a valid stage name"),
        ("", "cannot be empty"),
        ("scratch", "reserved"),
        ("Context", "reserved"),
    ],
)
def test_rename_refuses_bad_names(name, message):
    with pytest.raises(EditError, match=message):
        rename_stage(parse(MULTI), "build", name)


def test_rename_refuses_name_an_image_uses_later():
    text = "FROM alpine AS a\nFROM busybox\nRUN x\n"
    with pytest.raises(EditError, match="line 2 uses the image 'busybox'"):
        rename_stage(parse(text), "a", "busybox")


def test_rename_refuses_unknown_stage():
    with pytest.raises(EditError, match="no stage named 'nope'"):
        rename_stage(parse(MULTI), "nope", "x")


def test_rename_to_same_name_with_other_case_is_allowed():
    assert run(MULTI, rename_stage, "test", "Test").count("AS Test") == 1


# ---------------------------------------------------------------- add stage

BLANKS = "FROM alpine AS a\nRUN x\n\nFROM a AS b\nCOPY --from=0 /x /x\n"


def test_add_stage_at_end_uses_blank_line_separation():
    assert run(BLANKS, add_stage, "c", "busybox") == BLANKS + "\nFROM busybox AS c\n"


def test_add_stage_in_middle_renumbers_numeric_references():
    text = BLANKS + "\nFROM scratch\nCOPY --from=1 /y /y\nCOPY --from=0 /z /z\n"
    new = run(text, add_stage, "mid", "alpine", after="a")
    assert new == (
        "FROM alpine AS a\nRUN x\n\nFROM alpine AS mid\n\nFROM a AS b\nCOPY --from=0 /x /x\n"
        "\nFROM scratch\nCOPY --from=2 /y /y\nCOPY --from=0 /z /z\n"
    )
    doc = parse(new)
    copies = sorted((e.source, e.target) for e in doc.edges if e.kind == "copy")
    assert copies == [(0, 2), (0, 3), (2, 3)]


def test_add_stage_without_blank_lines_in_file():
    text = "FROM alpine AS a\nFROM a AS b\nFROM b AS c\n"
    assert run(text, add_stage, "n", "busybox", after=0) == (
        "FROM alpine AS a\nFROM busybox AS n\nFROM a AS b\nFROM b AS c\n"
    )


def test_add_stage_after_file_without_final_newline():
    assert run("FROM alpine\nRUN x", add_stage, "n", "busybox") == (
        "FROM alpine\nRUN x\n\nFROM busybox AS n"
    )


def test_add_stage_keeps_crlf_bom_and_lower_case():
    text = "\ufefffrom alpine as a\r\nrun x\r\n"
    assert run(text, add_stage, "b", "a") == text + "\r\nfrom a as b\r\n"


def test_add_stage_to_file_without_stages():
    assert run("ARG X=1\n", add_stage, "a", "alpine") == "ARG X=1\n\nFROM alpine AS a\n"
    assert run("", add_stage, "a", "alpine") == "FROM alpine AS a\n"


def test_add_stage_refusals():
    doc = parse(BLANKS)
    with pytest.raises(EditError, match="already exists"):
        add_stage(doc, "A", "alpine")
    with pytest.raises(EditError, match="comes after the new stage"):
        add_stage(doc, "n", "b", after="a")
    with pytest.raises(EditError, match="FROM itself"):
        add_stage(doc, "n", "n")
    with pytest.raises(EditError, match="white space"):
        add_stage(doc, "n", "alpine latest")
    with pytest.raises(EditError, match="no stage #7"):
        add_stage(doc, "n", "alpine", after=7)


# ---------------------------------------------------------------- remove stage

CHAIN = (
    "FROM alpine AS a\nRUN x\n\n"
    "# the b stage\nFROM alpine AS b\nRUN y\n\n"
    "FROM a AS c\nRUN z\n\n"
    "FROM scratch\nCOPY --from=2 /x /x\nCOPY --from=a /y /y\n"
)


def test_remove_unused_stage_with_its_comment_and_renumber():
    new = run(CHAIN, remove_stage, "b")
    assert new == (
        "FROM alpine AS a\nRUN x\n\n"
        "FROM a AS c\nRUN z\n\n"
        "FROM scratch\nCOPY --from=1 /x /x\nCOPY --from=a /y /y\n"
    )
    assert [(e.source, e.target) for e in parse(new).edges if e.kind == "copy"] == [(1, 2), (0, 2)]


def test_remove_used_stage_is_refused_naming_users():
    with pytest.raises(StageInUseError) as info:
        remove_stage(parse(CHAIN), "a")
    assert info.value.users == [8, 13]
    message = str(info.value)
    assert "'a' (line 1)" in message
    assert "stage 'c' (FROM at line 8)" in message
    assert "stage #3 (COPY --from at line 13)" in message
    assert "cascade" in message


def test_remove_stage_cascade_rebases_and_drops_references():
    text = (
        "FROM alpine:3 AS a\nRUN x\n\n"
        "FROM a AS c\nRUN --mount=type=cache,target=/c \\\n    --mount=from=a,target=/a \\\n    make\n\n"
        "FROM scratch\nCOPY --from=a \\\n    /y /y\nCOPY --from=1 /z /z\n"
    )
    new = run(text, remove_stage, "a", cascade=True)
    assert new == (
        "FROM alpine:3 AS c\nRUN --mount=type=cache,target=/c \\\n    make\n\n"
        "FROM scratch\nCOPY --from=0 /z /z\n"
    )


def test_remove_last_stage_without_final_newline():
    assert run("FROM alpine AS a\n\nFROM busybox AS b\nRUN x", remove_stage, 1) == "FROM alpine AS a"


def test_remove_first_stage_keeps_directives_and_args():
    text = "# syntax=docker/dockerfile:1\nARG V=1\n\nFROM alpine AS a\n\nFROM busybox\n"
    assert run(text, remove_stage, "a") == "# syntax=docker/dockerfile:1\nARG V=1\n\nFROM busybox\n"


@pytest.mark.parametrize("top", ["", "# syntax=docker/dockerfile:1\n"])
def test_remove_first_stage_keeps_the_files_header_comment(top):
    """A comment block that opens the file describes the file, even when the first FROM
    follows it directly; a comment with a blank line above it is the stage's own."""
    header = "# Multi-stage build of the app.\n#\n# 'deps' fetches, 'app' runs.\n"
    text = top + header + "FROM alpine AS deps\nRUN x\n\nFROM busybox AS app\n"
    assert run(text, remove_stage, "deps") == top + header + "\nFROM busybox AS app\n"
    own = top + "# the file\n\n# the deps stage\nFROM alpine AS deps\nRUN x\n\nFROM busybox AS app\n"
    assert run(own, remove_stage, "deps") == top + "# the file\n\nFROM busybox AS app\n"


def test_remove_only_stage_is_refused():
    with pytest.raises(EditError, match="only stage"):
        remove_stage(parse("FROM alpine\n"), 0)


# ---------------------------------------------------------------- set base


def test_set_base_keeps_platform_and_as():
    text = "ARG B=alpine\nFROM --platform=linux/amd64 ${B} AS build\nRUN x\n"
    new = run(text, set_base, "build", "busybox:1.36")
    assert new == "ARG B=alpine\nFROM --platform=linux/amd64 busybox:1.36 AS build\nRUN x\n"
    st = parse(new).stages[0]
    assert (st.base, st.platform, st.name) == ("busybox:1.36", "linux/amd64", "build")


def test_set_base_to_earlier_stage_makes_an_edge_and_refuses_later():
    text = "FROM alpine AS a\nFROM alpine AS b\nFROM alpine AS c\n"
    new = run(text, set_base, "c", "a")
    assert parse(new).stages[2].base_stage == 0
    with pytest.raises(EditError, match="later stage 'c'"):
        set_base(parse(text), "a", "c")
    with pytest.raises(EditError, match="FROM itself"):
        set_base(parse(text), "b", "B")


# ---------------------------------------------------------------- BuildKit oracle


def test_results_agree_with_buildkit_parser():
    new = run(MULTI, rename_stage, "build", "compile")
    new = run(new, add_stage, "extra", "busybox", after="compile")
    new = run(new, remove_stage, "test", cascade=True)
    cmds = dockerfile.parse_string(new)
    froms = [c.value for c in cmds if c.cmd.upper() == "FROM"]
    assert froms == [("alpine:3.20", "AS", "compile"), ("busybox", "AS", "extra"), ("scratch",)]
    copies = [c.flags for c in cmds if c.cmd.upper() == "COPY"]
    # the removed stage was #2 of 3; COPY --from=0 still means the first stage
    assert copies == [("--from=0",), ("--from=compile",)]
    doc = parse(new)
    assert [s.name for s in doc.stages] == ["compile", "extra", None]
    assert [(c.start_line, c.end_line) for c in cmds] == [
        (i.line, i.end_line) for i in doc.instructions if i.keyword
    ]


def test_add_stage_refuses_a_name_a_later_from_uses_as_image():
    text = "FROM alpine AS a\nFROM tools\nCOPY --from=helper /x /x\n"
    with pytest.raises(EditError, match="line 2 uses the image 'tools'"):
        add_stage(parse(text), "tools", "alpine", after="a")
    with pytest.raises(EditError, match="line 3 copies from the image 'helper'"):
        add_stage(parse(text), "helper", "alpine")
    # after the stage that uses it, the name is free: the earlier FROM stays an image
    assert run(text, add_stage, "tools", "alpine").endswith("FROM alpine AS tools\n")


def test_remove_stage_cascade_refuses_a_rebase_that_changes_meaning():
    text = "FROM tools AS a\nFROM alpine AS tools\nFROM a AS c\n"
    with pytest.raises(EditError, match="rebasing it onto 'tools' would make it use stage 'tools'"):
        remove_stage(parse(text), "a", cascade=True)


def test_numeric_mount_references_are_renumbered_too():
    text = (
        "FROM alpine AS a\nFROM alpine AS b\n"
        "FROM scratch\nRUN --mount=type=bind,from=1,target=/b --mount=from=0,target=/a make\n"
    )
    added = run(text, add_stage, "n", "busybox", after=0)
    assert "--mount=type=bind,from=2,target=/b --mount=from=0,target=/a" in added
    removed = run(text.replace("from=1", "from=a"), remove_stage, "b")
    assert removed.endswith("FROM scratch\nRUN --mount=type=bind,from=a,target=/b --mount=from=0,target=/a make\n")
    back = run(added, remove_stage, "n")
    assert back == text


def test_backtick_escape_files():
    text = (
        "# escape=`\n"
        "FROM mcr.microsoft.com/windows/servercore `\n"
        "    AS build\n"
        "RUN --mount=type=cache,target=C:\\cache `\n"
        "    --mount=from=build,target=C:\\b `\n"
        "    dir\n"
    )
    new = run(text, rename_stage, "build", "win")
    assert new == text.replace("AS build", "AS win")  # the mount is in the stage itself: no edge
    doc = parse(text + "FROM build AS two\n")
    assert doc.stages[1].base_stage == 0
    new = run(text + "FROM build AS two\n", set_base, "two", "alpine")
    assert new.endswith("FROM alpine AS two\n")


def test_operations_are_reachable_from_edits_module():
    from studio.core.edits_ops import Operation, apply_operation

    assert apply_operation("FROM alpine AS a\n", Operation("rename-stage", "a=b")) == "FROM alpine AS b\n"


def test_trailing_comments_stay_with_their_stage():
    text = "FROM alpine AS a\nRUN y\n# still about a\n\n# about b\nFROM a AS b\n"
    assert run(text, add_stage, "n", "busybox", after="a") == (
        "FROM alpine AS a\nRUN y\n# still about a\n\nFROM busybox AS n\n\n# about b\nFROM a AS b\n"
    )
    assert run(text.replace("FROM a AS b", "FROM alpine AS b"), remove_stage, "a") == (
        "# about b\nFROM alpine AS b\n"
    )
    no_blank = "FROM alpine AS a\nRUN y\n# about b\nFROM alpine AS b\nFROM b AS c\n"
    assert run(no_blank, add_stage, "n", "busybox", after="a") == (
        "FROM alpine AS a\nRUN y\nFROM busybox AS n\n# about b\nFROM alpine AS b\nFROM b AS c\n"
    )


def test_references_through_variables_are_not_renamed_blindly():
    text = "ARG SRC=build\nFROM alpine AS build\nFROM ${SRC} AS next\n"
    assert parse(text).stages[1].base_stage == 0
    with pytest.raises(EditError, match="line 3 refers to stage 'build' .line 2. through '.{SRC}'"):
        rename_stage(parse(text), "build", "compile")
    copy = "ARG S=build\nFROM alpine AS build\nFROM scratch\nCOPY --from=$S /a /a\n"
    with pytest.raises(EditError, match="line 4 .* through '.S'"):
        rename_stage(parse(copy), "build", "compile")


def test_directives_right_above_the_first_stage_stay():
    text = "# syntax=docker/dockerfile:1\n# escape=\\\nFROM alpine AS a\nFROM busybox AS b\n"
    assert run(text, remove_stage, "a") == "# syntax=docker/dockerfile:1\n# escape=\\\nFROM busybox AS b\n"
    described = "# the builder\nFROM alpine AS a\nFROM busybox AS b\n"
    assert run(described, remove_stage, "a") == "FROM busybox AS b\n"
