"""The lexer's bulk path (``findall`` over stretches without ``<<``) must split every
text exactly as lexing one unit at a time does: heredocs, CRLF, backtick escapes, a BOM,
continuations with comment and blank lines, a last line without a newline."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from studio.core import parse
from studio.core.syntax import _unit, lex_header, unit_regex

PIECES = st.sampled_from([
    "RUN a \\", "RUN a `", "  && b", "   ", "", "# c", "  # c", "\t", "COPY <<EOF /x", "RUN <<-A cat", "RUN cat <<\"B\"",
    "EOF", "\tA", "B", "echo <<", "x<<y", "FROM s AS b", "RUN --mount=type=cache,target=/c \\", "ENV A=1 \\\\",
    "RUN a \\\\ \\", "\\", "`", "``", "run \\ ", "\u3000", "\v", "\x85", "RUN [\"a\"] <<E", "E", "ONBUILD RUN <<Z",
    "Z", "COPY --from=b /a /b", "é 🐳", "\x00", "RUN a < b", "<",
])
HEADS = st.sampled_from(["", "\ufeff", "# escape=`\n", "\ufeff# syntax=x\n# escape=`\n", "# escape=\\\n", "#check=a\n"])


@st.composite
def texts(draw) -> str:
    nl = draw(st.sampled_from(["\n", "\r\n", "\n", "\r"]))
    body = nl.join(draw(st.lists(PIECES, max_size=30)))
    if draw(st.booleans()):
        body += nl
    return draw(HEADS) + body


def one_unit_at_a_time(text: str) -> list[tuple]:
    header = lex_header(text)
    out = list(header.nodes)
    pos, line, match = header.pos, header.line, unit_regex(header.escape).match
    while pos < len(text):
        node = _unit(text, match(text, pos), line, header.escape)
        out.append(node)
        pos, line = node[2], node[4] + 1
    return out


@settings(max_examples=400, deadline=None, derandomize=True)
@given(texts())
def test_bulk_lexing_equals_one_unit_at_a_time(text):
    assert parse(text)._raw == one_unit_at_a_time(text)


def test_a_big_file_with_heredocs_here_and_there():
    blocks = ["FROM a AS b\n", "RUN x \\\n  # c\n\n  y\n", "RUN <<EOF\necho <<\nEOF\n", "# <<\n", "COPY <<A <<B /d\n1\nA\n2\nB\n",
              "   \n", "ENV k=v \\\n  k2=v2\n", "RUN cat <<-X\n\tbody\n\tX\n"]
    text = "".join(blocks[(i * 7) % len(blocks)] for i in range(400)) + "RUN tail \\"
    raw = parse(text)._raw
    assert raw == one_unit_at_a_time(text)
    assert any(node[6] for node in raw)  # heredoc bodies were taken


@settings(max_examples=200, deadline=None, derandomize=True)
@given(texts(), st.integers(1, 40))
def test_bulk_lexing_in_small_pieces_equals_one_unit_at_a_time(text, piece):
    import studio.core.syntax as syntax

    saved = syntax._PIECE
    syntax._PIECE = piece  # (big files are lexed in pieces of 64 Ki characters)
    try:
        assert parse(text)._raw == one_unit_at_a_time(text)
    finally:
        syntax._PIECE = saved
