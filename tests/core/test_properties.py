"""Property tests: lossless round trip for any text, never raising, and incremental
reparse giving the same Document as a full parse."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.core import TextEdit, apply_edits, parse, reparse

WEIRD = st.sampled_from(["\\", "`", "\r", "\n", "\r\n", "<<", "<<EOF", "EOF", "#", " ", "\t", "\ufeff",
                         "\u00a0", "\u2028", "\x85", "\x00", "\udcff", "é", "🐳", "[", "\"", "'", "--", "=",
                         "RUN ", "FROM ", "COPY --from=", "AS ", "ONBUILD ", "# escape=`", "$", "${A:-b}"])
ANY_TEXT = st.lists(st.one_of(st.text(max_size=8), WEIRD), max_size=30).map("".join)

LINES = st.sampled_from([
    "FROM alpine AS build", "FROM build", "FROM scratch", "from Build as Second", "ARG V=1", "FROM img:${V}",
    "RUN echo a \\", "RUN echo b", "    && echo c", "  # comment in a continuation", "", "   ",
    "COPY --from=build /a /b", "COPY --from=0 /x /y", "COPY --from=nginx:1 /etc /etc",
    "RUN --mount=type=cache,target=/c make", "RUN --mount=from=build,target=/m ls /m",
    "RUN --mount=type=secret,id=s cat /run/secrets/s", "RUN <<EOF", "COPY <<A <<B /d/", "EOF", "A", "B",
    "\tEOF", "RUN <<-EOF", "echo hi", "ONBUILD COPY --from=x /a /b", "# a comment", "# escape=`",
    "RUN a `", "CMD [\"sh\"]", "ENV A=1 \\", "WORKDIR /w", "FOO bar", "RUN a \\\\", "\\",
])
NEWLINE = st.sampled_from(["\n", "\n", "\r\n"])


@st.composite
def dockerfiles(draw) -> str:
    nl = draw(NEWLINE)
    lines = draw(st.lists(LINES, min_size=1, max_size=25))
    text = nl.join(lines)
    if draw(st.booleans()):
        text += nl
    if draw(st.integers(0, 9)) == 0:
        text = "\ufeff" + text
    return text


def check_document(text: str) -> None:
    doc = parse(text)
    assert doc.text == text
    pos = 0
    for node in doc.nodes:
        assert node.start == pos and node.end > node.start
        assert node.line == doc.line_of(node.start)
        assert node.end_line == doc.line_of(node.end - 1)
        pos = node.end
    assert pos == len(text)
    # Meaning never raises either, and spans stay inside the text.
    for ins in doc.instructions:
        assert ins.start <= ins.keyword_start <= ins.content_end <= ins.end
        for flag in ins.flags:
            assert ins.start <= flag.start < flag.end <= ins.content_end
    for d in doc.diagnostics:
        assert 0 <= d.start <= d.end <= len(text)
    doc.graph(target=0, build_args={"V": "2"})
    assert doc.line_start(doc.line_of(len(text))) <= len(text)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(ANY_TEXT)
def test_round_trip_any_text(text):
    check_document(text)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(dockerfiles())
def test_round_trip_dockerfiles(text):
    check_document(text)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.binary(max_size=300), st.sampled_from(["surrogateescape", "latin-1"]))
def test_random_bytes_never_raise(data, how):
    text = data.decode("latin-1") if how == "latin-1" else data.decode("utf-8", errors="surrogateescape")
    check_document(text)


def _same(a, b) -> None:
    assert a.text == b.text
    assert a._raw == b._raw
    assert a.nodes == b.nodes
    assert a.stages == b.stages and a.edges == b.edges and a.diagnostics == b.diagnostics


@settings(max_examples=250, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfiles(), st.data())
def test_reparse_equals_parse(text, data):
    doc = parse(text)
    for _ in range(3):
        start = data.draw(st.integers(0, len(doc.text)))
        end = data.draw(st.integers(start, min(len(doc.text), start + 12)))
        new_text = data.draw(st.one_of(st.just(""), LINES, WEIRD, st.text(max_size=3)))
        edit = TextEdit(start, end, new_text)
        new = reparse(doc, edit)
        _same(new, parse(apply_edits(doc.text, [edit])))
        doc = new


def test_reparse_of_one_character_keeps_far_nodes():
    text = "".join(f"FROM alpine AS s{i}\nRUN echo {i} \\\n  && true\n\n" for i in range(50))
    doc = parse(text)
    doc.stages  # the editor has looked at the graph: nodes are built
    at = text.index("echo 25")
    new = reparse(doc, TextEdit(at, at, "x"))
    assert all(a is b for a, b in zip(new._raw[:40], doc._raw[:40]))  # reused, not re-lexed
    assert all(a is b for a, b in zip(new.nodes[:40], doc.nodes[:40]))  # and not rebuilt
    _same(new, parse(new.text))
