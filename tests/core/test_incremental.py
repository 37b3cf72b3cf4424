"""Shortcuts the parser takes for speed give the same answers as the long way.

The stage graph skips the details of RUN/COPY lines whose first line shows only plain
flags that name nothing (``surely_quiet``); details of instructions that only moved come
from a cache shared along a chain of reparsed Documents. Both must be invisible.
"""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from studio.core import TextEdit, apply_edits, parse, reparse

FLAG_LINES = st.sampled_from([
    "FROM alpine AS a", "FROM scratch AS b", "FROM a", "# escape=`", "",
    "RUN --mount=type=cache,target=/c make", "RUN --mount=type=cache,target=/c \\", "    make",
    "    --mount=from=a,target=/m ls", "  # --mount=from=a", "RUN --mount=from=a,target=/m \\",
    "RUN --mount=type=secret,id=s cat", "RUN --mount=type=cache make", "RUN --mount=type=bogus,target=/t x",
    "RUN --mount=type=cache,target=/c --mount=from=b,target=/d ls", "RUN --network=none --mount=target=/x ls",
    'RUN --mount="type=bind,from=a,target=/q" ls', "RUN --mount=type=cache,target=/c`", "RUN --mount=from=a`",
    "RUN --mount=target=/x\\", "RUN --mount=target=/x -- --mount=from=a,target=/y ls", "RUN --mount",
    "RUN --mount=target=/x \v--mount=from=a,target=/y ls", "RUN --mount=target=/x \r--mount=from=a,target=/y ls",
    "COPY --chown=1 /a /b", "COPY --chown=1 --from=a /a /b", "COPY --link \\", "  --from=a /x /y",
    "COPY --FROM=0 /a /b", "COPY --from= /a /b", "COPY --from=a\\", "copy --chmod=7 --from=${X} a b",
    "ONBUILD COPY --from=a /x /y", "RUN --mount=type=ssh ssh x", "RUN --mount=ro,target=/r,from=nginx ls",
    "COPY --from=nginx:1 /etc /etc", "RUN --MOUNT=FROM=a,target=/z ls",
])
NEWLINE = st.sampled_from(["\n", "\r\n"])


@st.composite
def flag_files(draw) -> str:
    lines = draw(st.lists(FLAG_LINES, min_size=1, max_size=14))
    if draw(st.integers(0, 4)):  # mostly inside a stage, where flags make edges
        lines.insert(0, "FROM alpine AS a")
    return draw(NEWLINE).join(lines) + "\n"


def _graph(doc):
    return doc.stages, doc.edges, doc.diagnostics, doc.reachable, doc.external_images


@settings(max_examples=300, deadline=None, derandomize=True)
@given(flag_files())
def test_graph_without_details_equals_graph_with_every_detail(text):
    lazy = parse(text)
    eager = parse(text)
    for ins in eager.instructions:
        ins.args  # noqa: B018 - work out every instruction's details first
    assert _graph(lazy) == _graph(eager)
    assert lazy.nodes == eager.nodes


@settings(max_examples=150, deadline=None, derandomize=True)
@given(flag_files(), st.data())
def test_details_of_moved_instructions_match_a_fresh_parse(text, data):
    doc = parse(text)
    for ins in doc.instructions:
        ins.args  # noqa: B018 - the cache now holds every instruction
    for _ in range(3):
        start = data.draw(st.integers(0, len(doc.text)))
        end = data.draw(st.integers(start, min(len(doc.text), start + 6)))
        edit = TextEdit(start, end, data.draw(st.sampled_from(["", "x", "\n", "--", " \\\n", "FROM a\n"])))
        new = reparse(doc, edit)
        fresh = parse(apply_edits(doc.text, [edit]))
        assert new.nodes == fresh.nodes
        assert _graph(new) == _graph(fresh)
        doc = new


def test_flag_spans_follow_an_edit_before_them():
    text = "FROM a AS b\nRUN echo 1\nFROM c\nCOPY --from=b /x /y\n"
    doc = parse(text)
    assert doc.edges[-1].flag.value == "b"
    new = reparse(doc, TextEdit(text.index("1"), text.index("1") + 1, "12345"))
    flag = new.edges[-1].flag
    assert new.text[flag.start:flag.end] == "--from=b"
    assert new.text[flag.value_start:flag.value_end] == "b"
    assert new.edges[-1].line == 4 and new.instructions[-1].args_start == new.text.index("/x")


def test_identical_lines_share_work_but_not_objects():
    text = "FROM a AS b\nFROM c\n" + "RUN --mount=from=b,target=/m ls\n" * 3
    doc = parse(text)
    mounts = [ins.mounts[0] for ins in doc.instructions[2:]]
    assert [m.flag.start for m in mounts] == [text.index("--mount", 19 + 32 * k) for k in range(3)]
    assert mounts[0].options == mounts[1].options and mounts[0].options is not mounts[1].options
    assert [(e.source, e.line) for e in doc.edges[2:]] == [(0, 3), (0, 4), (0, 5)]


TRICKY = [
    "RUN --mount=type=cache,target=/c \\\n    --mount=from=a,target=/m ls\n",  # flags go on
    "RUN --mount=type=cache,target=/c \\\n  # note\n  --mount=type=secret,id=s cat\n",
    "RUN --mount=type=cache,target=/c \\\n\n    --mount=type=bogus,target=/t x\n",
    "COPY --link \\\n  --from=a /x /y\n",
    "RUN --mount=target=/x \v--mount=from=a,target=/y ls\n",
    "RUN --mount=target=/x \r--mount=from=a,target=/y ls\n",
    "RUN --mount=target=/x\\\n,from=a ls\n",
    "COPY --chown=1\\\n --from=a /x /y\n",
]


def test_flags_past_the_first_line_are_seen():
    for rest in TRICKY:
        text = "FROM alpine AS a\nFROM b\n" + rest
        lazy, eager = parse(text), parse(text)
        for ins in eager.instructions:
            ins.args  # noqa: B018
        assert _graph(lazy) == _graph(eager), rest
        assert lazy.edges[2:] or lazy.diagnostics, rest  # each one makes an edge or a diagnostic


def _empty_lines_one_by_one(doc) -> list[tuple[int, int, int]]:
    """The plain way: look inside each continued instruction for its first whitespace-only line."""
    text, out = doc.text, []
    for ins in doc.instructions:
        if ins.end_line == ins.line:
            continue
        lines = text[ins.start:ins.content_end].split("\n")
        at = ins.start
        for k, piece in enumerate(lines):
            is_last = k == len(lines) - 1
            if k and not piece.strip(" \t\r\v\f\x85\xa0\u3000") and (not is_last or ins.content_end == len(text) and piece):
                out.append((ins.line + k, at, at + len(piece) + (0 if is_last else 1)))
                break
            at += len(piece) + 1
    return out


WS_LINES = st.lists(st.sampled_from(["RUN a \\", "  b", "", "  ", "\t", " # c", "FROM x", "RUN <<EOF", "EOF",
                                     "COPY x y \\", "\u3000"]), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(WS_LINES, st.booleans())
def test_empty_continuation_lines_found_by_one_scan_match_a_scan_per_instruction(lines, final_newline):
    text = "\n".join(lines) + ("\n" if final_newline else "")
    doc = parse(text)
    got = [(d.line, d.start, d.end) for d in doc.syntax_diagnostics if d.code == "empty-continuation-line"]
    assert [(line, start) for line, start, _ in got] == [(line, start) for line, start, _ in _empty_lines_one_by_one(doc)]


def test_stages_after_an_edit_are_moved_not_stale():
    text = ("FROM alpine AS a\nRUN echo 1\n"
            "FROM a AS b\nCOPY --from=c /x /y\nRUN --mount=type=secret,id=s cat\n"
            "FROM scratch AS c\nCOPY --from=a /p /q\nRUN --mount=from=b,target=/m,bogus=1 ls\n")
    doc = parse(text)
    assert doc.stages and doc.diagnostics  # the editor showed the graph of the old text
    at = text.index("echo 1") + len("echo 1")
    for edit in (TextEdit(at, at, " 2\nRUN true"), TextEdit(at, at + 1, "")):
        new = reparse(doc, edit)
        fresh = parse(new.text)
        assert _graph(new) == _graph(fresh)
        ids = {id(i) for i in new.instructions}
        assert all(id(e.instruction) in ids for e in new.edges)  # this Document's own objects
        for e in new.edges:  # a moved stage's flags are moved copies: equal to its instruction's own
            if e.flag is not None:
                assert e.flag in e.instruction.flags and new.text[e.flag.start:e.flag.end].startswith("--")
        for d in new.diagnostics:
            assert new.line_of(d.start) == d.line
        doc = new


def _unit_regex_before(escape: str):
    """The lexer's unit regex as first written (a continuation line, then the last line):
    the one-pass form now used must split every text the same way."""
    import re

    from studio.core.syntax import _CLS
    e = re.escape(escape)
    cont = rf"(?:[^\n{e}]++|{e}{{2,}}+|{e}(?![ \t]*\r?\n))*+{e}[ \t]*\r?\n"
    skipped = rf"(?:{_CLS}*+(?:#[^\n]*+)?\n)*+"
    return re.compile(rf"(?P<b>{_CLS}*(?:\n|\Z))|(?P<c>{_CLS}*#[^\n]*(?:\n|\Z))"
                      rf"|(?:(?P<k>[A-Za-z]++)(?=[\t\v\f ]|\r?(?:\n|\Z)))?(?:{cont}{skipped})*+[^\n]*+(?:\n|\Z)")


LEX_BITS = st.lists(st.sampled_from(["\\", "`", "\\\\", "``", " ", "\t", "\r", "\n", "\r\n", "#", "RUN", "a",
                                     "  # c\n", "\n\n", "\\ \n", "` \n", "\v", "\u3000"]), max_size=25).map("".join)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(LEX_BITS, st.sampled_from(["\\", "`"]))
def test_one_pass_lexer_regex_splits_like_the_first_one(text, escape):
    from studio.core.syntax import unit_regex

    def units(regex):
        out, pos = [], 0
        while pos < len(text):
            m = regex.match(text, pos)
            out.append((m.span(), m.lastgroup, m.span("k")))
            pos = max(m.end(), pos + 1)
        return out

    assert units(unit_regex(escape)) == units(_unit_regex_before(escape))


def test_editing_the_first_line_after_the_directives():
    text = "# syntax=docker/dockerfile:1\nARG A=1\nFROM a\nRUN b `\n c \\\n d\n"
    doc = parse(text)
    assert doc.escape == "\\" and doc.stages
    line = text.index("ARG A=1")
    value = TextEdit(line + 6, line + 7, "22")  # the meta ARG's value: re-lexed from that line only
    new = reparse(doc, value)
    assert new._raw[0] is doc._raw[0] and new.escape == "\\" and new.meta_args == {"A": "22"}
    assert _graph(new) == _graph(parse(new.text)) and new.nodes == parse(new.text).nodes
    directive = TextEdit(line, line + 7, "# escape=`")  # now a parser directive: all changes
    new = reparse(doc, directive)
    fresh = parse(new.text)
    assert new.escape == fresh.escape == "`" and new.directives == fresh.directives
    assert new.nodes == fresh.nodes and _graph(new) == _graph(fresh)
    run = new.instructions[1]
    assert run.keyword == "RUN" and run.args == fresh.instructions[1].args == "b  c \\"  # backtick joins


QUICK_LINE = st.tuples(
    st.sampled_from(["COPY", "FROM", "RUN", "ENV", "CMD", "copy", "WORKDIR", "ADD", "  RUN", "\u3000COPY", "VOLUME"]),
    st.lists(st.sampled_from(["--from=a", "--FROM=b", "--chown=1:2", "--link", "--mount=type=cache,target=/c",
                              "--mount=from=x,target=/y", "--mount", "--mount=bogus", "--", '--from="a b"',
                              "--x=`y", "--a\\=b", "--p=\x1c", "--platform=linux/arm64"]), max_size=3),
    st.sampled_from([" ", "  ", "\t", " \v", "\xa0", ""]),
    st.sampled_from(["", "a b", "/x /y", '["a", "b"]', '[ "x" ]  ', "a \\", "a `", "a \\\\", "--y z", "x\ry",
                     "img AS n", "\xa0tail\xa0", "  ", "-- a", "x \\ "]),
    st.sampled_from(["\n", "\r\n", "", "\r"]),
)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(QUICK_LINE, st.sampled_from(["\\", "`"]))
def test_quick_details_of_one_line_equal_the_full_work(parts, escape):
    from studio.core.detail_cache import quick_details, relative_details
    from studio.core.instruction import JSON_KEYWORDS, _details
    from studio.core.logical import logical_line

    keyword, flags, gap, args, end = parts
    line = keyword + "".join(" " + f for f in flags) + gap + args + end
    text = ("# escape=`\n" if escape == "`" else "") + "FROM base\n" + line
    doc = parse(text)
    for ins in doc.instructions:
        if "_source" not in vars(ins):
            continue
        quick = quick_details(text[ins.start:ins.content_end], doc.escape, ins.keyword, ins.keyword in JSON_KEYWORDS)
        if quick is None:
            continue
        probe = object.__new__(type(ins))
        probe.__dict__ = {k: v for k, v in vars(ins).items() if k != "_source"}
        joined, segments = logical_line(text, ins.start, ins.content_end, doc.escape)
        _details(probe, joined, segments, 0)
        assert quick == relative_details(vars(probe), ins.start), line


@settings(max_examples=250, deadline=None, derandomize=True)
@given(WS_LINES, st.data())
def test_syntax_problems_after_edits_match_a_fresh_parse(lines, data):
    doc = parse("\n".join(lines) + "\n")
    for _ in range(4):
        doc.syntax_diagnostics  # noqa: B018 - the next reparse reuses these
        start = data.draw(st.integers(0, len(doc.text)))
        end = data.draw(st.integers(start, min(len(doc.text), start + 5)))
        edit = TextEdit(start, end, data.draw(st.sampled_from(["", "x", "\n", "  \n", " \\\n", "<<EOF\n", "EOF\n"])))
        new = reparse(doc, edit)
        assert new.syntax_diagnostics == parse(new.text).syntax_diagnostics
        doc = new


def test_details_are_filled_with_the_graph_only_for_readers_of_every_line():
    text = "FROM a AS b\nRUN make\nFROM c\nCOPY --from=b /x /y\nRUN ls\n"
    doc = parse(text)
    doc.stages  # noqa: B018 - a graph-only reader (the CLI)
    new = reparse(doc, TextEdit(len(text), len(text), "RUN true\n"))
    new.stages  # noqa: B018
    assert "flags" not in vars(new.instructions[1])  # still lazy
    for ins in new.instructions:  # an editor that shows every line reads every detail
        ins.args  # noqa: B018
    newer = reparse(new, TextEdit(0, 0, "# top\n"))
    newer.stages  # noqa: B018
    assert all("flags" in vars(ins) for ins in newer.instructions)  # filled with the graph
    assert newer.nodes == parse(newer.text).nodes


def test_eager_details_lapse_when_nobody_reads_every_line_any_more():
    from studio.core.document import EAGER_REPARSES

    text = "".join(f"FROM base AS s{i}\nRUN echo {i}\nCOPY --from=s0 /a /b\n" for i in range(30))
    doc = parse(text)
    doc.graph()
    for ins in doc.instructions:  # one reader of every line (e.g. a build's step mapping)
        ins.args
    at = text.index("echo 7") + 5
    seen = []
    for n in range(EAGER_REPARSES + 5):
        doc = reparse(doc, TextEdit(at, at + 1, "xy"[n % 2]))
        doc.graph()  # only the graph reads now
        seen.append(doc._cache.eager)
    assert seen[0] == EAGER_REPARSES
    assert seen[-1] == 0 and seen[-2] == 0, "eagerness must lapse, not re-arm itself"
    # a lazy document leaves the lines nobody looked at unread
    assert any("_source" in ins.__dict__ for ins in doc.instructions)


def test_a_document_kept_lazy_never_fills_every_line_ahead():
    """The editor lints every line when typing pauses: the keystrokes after that must not
    fill the details of every line after the edit (eager mode would, 32 times)."""
    text = "".join(f"FROM base AS s{i}\nRUN echo {i}\nCOPY --from=s0 /a /b\n" for i in range(30))
    doc = parse(text)
    doc.keep_details_lazy()
    doc.graph()
    for ins in doc.instructions:  # lint read every line
        ins.args  # noqa: B018
    at = text.index("echo 7") + 5
    for n in range(3):
        doc = reparse(doc, TextEdit(at, at + 1, "xy"[n % 2]))
        doc.graph()
        assert doc._cache.eager == 0
        assert all("_source" in ins.__dict__ for ins in doc.instructions[30:])  # (below the edit: unread)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.one_of(flag_files(), WS_LINES.map(lambda lines: "\n".join(lines) + "\n")))
def test_from_and_args_read_without_details_equal_the_filled_ones(text):
    """A picture's rows read an instruction's --from value and arguments without filling
    its details (from_and_args): the same as the details say, before and after a reparse
    whose instructions find theirs in the cache."""
    def filled(doc) -> list:
        for ins in doc.instructions:
            ins.args  # noqa: B018 - every instruction's details
        return [(next((f.value for f in i.flags if f.name == "from" and f.value is not None), None), i.args)
                for i in doc.instructions]

    lazy = parse(text)
    assert [i.from_and_args() for i in lazy.instructions] == filled(parse(text))
    moved = reparse(lazy, TextEdit(0, 0, "\n"))
    assert [i.from_and_args() for i in moved.instructions] == filled(parse("\n" + text))


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.one_of(flag_files(), WS_LINES.map(lambda lines: "\n".join(lines) + "\n"), WS_LINES.map("\r\n".join)),
       st.booleans())
def test_a_joined_line_alone_is_the_logical_lines_join(text, backtick):
    """The rows' join without an offset map (joined_line) gives logical_line's line for
    every instruction: continuations, comment and blank lines inside, a last line that is
    a comment, CRLF, and either escape character."""
    from studio.core.logical import joined_line, logical_line

    if backtick:
        text = "# escape=`\n" + text.replace("\\", "`")
    doc = parse(text)
    for ins in doc.instructions:
        expected, _ = logical_line(text, ins.start, ins.content_end, doc.escape)
        assert joined_line(text, ins.start, ins.content_end, doc.escape) == expected
