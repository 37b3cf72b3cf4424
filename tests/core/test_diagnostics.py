"""Every diagnostic the parser and stage graph report: code, severity, line and span."""
from __future__ import annotations

import pytest

from studio.core import parse
from studio.core.diagnostics import CODES

CASES = [
    # (code, text, line, underlined text: up to the line break unless it is all there is)
    ("duplicate-stage-name", "FROM a AS x\nFROM b AS X\n", 2, "X"),
    ("invalid-stage-name", "FROM a AS 1bad\n", 1, "1bad"),
    ("invalid-stage-name", "FROM a AS b@d\n", 1, "b@d"),
    ("reserved-stage-name", "FROM a AS scratch\n", 1, "scratch"),
    ("reserved-stage-name", "FROM a AS Context\n", 1, "Context"),
    ("unknown-stage-index", "FROM a\nCOPY --from=5 /a /b\n", 2, "--from=5"),
    ("from-same-stage", "FROM a AS x\nCOPY --from=x /a /b\n", 2, "--from=x"),
    ("from-same-stage", "FROM a\nCOPY --from=0 /a /b\n", 2, "--from=0"),
    ("from-later-stage", "FROM a AS x\nCOPY --from=y /a /b\nFROM b AS y\n", 2, "--from=y"),
    ("stage-cycle", "FROM a AS x\nCOPY --from=y /a /b\nFROM b AS y\nCOPY --from=x /a /b\n", 3, "FROM b AS y"),
    ("stage-cycle", "FROM a AS x\nRUN --mount=from=y,target=/y ls\nFROM x AS y\n", 3, "FROM x AS y"),
    ("unknown-instruction", "FROM a\nFOO bar\n", 2, "FOO"),
    ("unterminated-heredoc", "FROM a\nRUN <<EOF\necho\n", 2, "RUN <<EOF"),
    ("empty-continuation-line", "FROM a\nRUN a \\\n\n  b\n", 3, "\n"),
    ("empty-continuation-line", "FROM a\nRUN a \\\n  # c\n \t\n  b\n", 4, " \t"),
    ("empty-continuation-line", "FROM a\nRUN a \\\n   ", 3, "   "),
    ("instruction-before-from", "ENV A=1\nFROM a\n", 1, "ENV A=1"),
    ("no-from", "ARG A\n", 1, "ARG A"),
    ("no-from", "", 1, ""),
    ("malformed-mount", "FROM a\nRUN --mount=type=foo,target=/x echo\n", 2, "--mount=type=foo,target=/x"),
    ("malformed-mount", "FROM a\nRUN --mount=type=bind,bogus=1,target=/x echo\n", 2, "--mount=type=bind,bogus=1,target=/x"),
    ("malformed-mount", "FROM a\nRUN --mount=type=bind,target echo\n", 2, "--mount=type=bind,target"),
    ("session-mount", "FROM a\nRUN --mount=type=secret,id=x cat\n", 2, "--mount=type=secret,id=x"),
    ("session-mount", "FROM a\nRUN --mount=type=ssh ssh-add -l\n", 2, "--mount=type=ssh"),
    ("duplicate-directive", "# escape=`\n# escape=\\\nFROM a\n", 2, "# escape=\\"),
    ("invalid-escape", "# escape=x\nFROM a\n", 1, "# escape=x"),
    ("invalid-from", "FROM a b\n", 1, "FROM a b"),
    ("invalid-from", "FROM\n", 1, "FROM"),
    ("empty-from-variable", "FROM $NOPE\n", 1, "FROM $NOPE"),
    ("from-expansion-error", "FROM ${NOPE:?set NOPE}\n", 1, "FROM ${NOPE:?set NOPE}"),
    ("from-expansion-error", "ARG A=b\nFROM ${A:x}\n", 2, "FROM ${A:x}"),
    ("arg-expansion-error", "ARG A=${}\nFROM a\n", 1, "ARG A=${}"),
    ("line-too-long", "FROM a\nRUN echo " + "x" * 65527 + "\n", 2, "RUN echo " + "x" * 65527),
]


@pytest.mark.parametrize("code,text,line,span", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_diagnostic(code, text, line, span):
    doc = parse(text)
    found = [d for d in doc.diagnostics if d.code == code]
    assert len(found) == 1, doc.diagnostics
    d = found[0]
    assert d.severity == CODES[code]
    assert d.line == line
    assert text[d.start:d.end] == span
    assert d.message.endswith(".") and (d.message[0].isupper() or d.message.startswith("--"))


def test_every_code_is_exercised():
    assert {c[0] for c in CASES} | {"unknown-target"} == set(CODES)


def test_unknown_target_is_reported_for_that_graph_only():
    doc = parse("FROM a AS one\n")
    graph = doc.graph(target="two")
    assert graph.target is None and graph.reachable == []
    assert [d.code for d in graph.diagnostics] == ["unknown-target"]
    assert doc.diagnostics == []


def test_session_mount_is_not_an_error_and_says_why():
    d = parse("FROM a\nRUN --mount=type=secret,id=npm npm ci\n").diagnostics[0]
    assert d.severity == "info"
    assert "build with --secret id=npm,src=FILE" in d.message


def test_clean_files_have_no_diagnostics():
    text = ("# syntax=docker/dockerfile:1\nARG V=1\nFROM alpine:${V} AS build\n"
            "RUN --mount=type=cache,target=/c make\nFROM scratch\nCOPY --from=build /a /b\n")
    assert parse(text).diagnostics == []


def test_an_empty_base_makes_no_edge():
    for text in ("FROM $NOPE\n", "FROM\n"):
        doc = parse(text)
        assert doc.edges == [] and doc.external_images == []
        assert doc.stages[0].base_resolved == ""


def test_onbuild_from_is_not_an_edge_or_error():
    doc = parse("FROM a AS x\nONBUILD COPY --from=nothere /a /b\nONBUILD COPY --from=7 /a /b\n")
    assert [e.kind for e in doc.edges] == ["from"]
    assert doc.diagnostics == []
    assert doc.instructions[1].onbuild.flag("from").value == "nothere"


@pytest.mark.parametrize("line", [
    "RUN echo " + "a" * (65535 - 9),  # the longest line BuildKit takes
    "RUN echo " + "a" * (65536 - 9),
    "RUN echo " + "a" * (65535 - 10) + "\r",  # a carriage return counts
    "RUN echo " + "\u00e9" * 32764,  # 65,537 bytes in 32,773 characters
    "# " + "c" * 70000,  # any line, a comment too
])
def test_line_length_limit_agrees_with_buildkit(line):
    import dockerfile

    text = f"FROM busybox\n{line}\nRUN true\n"
    try:
        dockerfile.parse_string(text)
        refused = False
    except dockerfile.GoParseError as exc:
        refused = "max allowed size" in str(exc)
    found = [d for d in parse(text).diagnostics if d.code == "line-too-long"]
    assert bool(found) == refused
    if found:
        assert found[0].line == 2 and f"{len(line.encode()):,} bytes" in found[0].message


def test_a_line_growing_past_the_limit_while_typing_is_reported_by_reparse():
    from studio.core import reparse
    from studio.core.model import TextEdit

    text = "FROM busybox\nRUN echo " + "a" * (65535 - 9) + "\nRUN true\n"
    doc = parse(text)
    assert not [d for d in doc.diagnostics if d.code == "line-too-long"]
    grown = reparse(doc, TextEdit(20, 20, "b"))
    assert [d.line for d in grown.diagnostics if d.code == "line-too-long"] == [2]
    assert grown.diagnostics == parse(grown.text).diagnostics



@pytest.mark.parametrize("text", [
    "FROM a AS bin\nFROM b\nWORKDIR /w\nRUN --mount=from=bin cat hello\n",
    "FROM a\nRUN --mount=type=cache ls\n",
    "FROM a\nRUN --mount=type=bind,source=x ls\n",
])
def test_a_mount_without_target_is_no_parse_error(text):
    """BuildKit mounts at the working directory (checked on 20.10 and 26.1); whether that
    is "/" is lint's mount-target rule."""
    assert [d for d in parse(text).diagnostics if d.severity == "error"] == []


def test_mount_problems_use_buildkits_words():
    doc = parse("FROM a\nRUN --mount=type=foo,target=/x --mount=type=bind,bogus=1,target=/x true\n")
    messages = [d.message for d in doc.diagnostics if d.code == "malformed-mount"]
    assert messages == ['Unsupported mount type "foo".', "Unexpected key 'bogus' in 'bogus=1'."]


def test_instructions_before_any_from_are_listed_up_to_a_cap_then_counted():
    """A text with no FROM (a shell script opened by mistake) gets the first errors one by
    one and then one that says how many more there are and where: never silently fewer."""
    import json
    import subprocess
    import sys

    from studio.core.stages import MAX_BEFORE_FROM

    count = MAX_BEFORE_FROM + 250
    text = "ARG A=1\n" + "".join(f"RUN echo {i}\n" for i in range(count))
    diags = [d for d in parse(text).graph().diagnostics if d.code == "instruction-before-from"]
    assert [d.line for d in diags[:-1]] == list(range(2, MAX_BEFORE_FROM + 2))
    last = diags[-1]
    assert last.line == MAX_BEFORE_FROM + 2
    assert f"and 250 more instructions before the first FROM (lines {MAX_BEFORE_FROM + 2}-{count + 1})" in last.message
    shown = json.loads(subprocess.run([sys.executable, "-m", "studio", "graph", "-"], input=text, capture_output=True,
                                      text=True, check=True).stdout)["diagnostics"]
    assert "and 250 more instructions" in shown[-2]["message"] and shown[-1]["code"] == "no-from"
    # at the cap exactly, every one is listed and nothing is said about more
    exact = parse("".join(f"RUN echo {i}\n" for i in range(MAX_BEFORE_FROM))).graph().diagnostics
    assert len([d for d in exact if d.code == "instruction-before-from"]) == MAX_BEFORE_FROM
    assert not any("more instruction" in d.message for d in exact)
