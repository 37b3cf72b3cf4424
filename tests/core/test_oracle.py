"""The parser agrees with BuildKit's own Go parser (PyPI ``dockerfile``) on a corpus.

Compared: instruction keywords, first and last lines (continuations and heredoc bodies
included), flags, exec (JSON) form and its words, heredoc delimiters, the shell-form
argument text, ONBUILD's wrapped keyword, and the stages and edges derived from the
oracle's commands. Not comparable: the oracle drops comments and blank lines (we keep
them as nodes, checked by the coverage test), it has no byte offsets, and it fails on
invalid input (an unterminated heredoc) where we return a diagnostic. HEALTHCHECK's exec
form is compared without the oracle's leading "CMD" word.
"""
from __future__ import annotations

from pathlib import Path

import dockerfile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.core import parse

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.Dockerfile"))
SINGLE_VALUE = {"RUN", "CMD", "ENTRYPOINT", "WORKDIR", "USER", "SHELL", "STOPSIGNAL", "MAINTAINER"}


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def test_corpus_is_large_and_varied():
    texts = [read(p) for p in CORPUS]
    assert len(CORPUS) >= 40
    assert any("\r\n" in t for t in texts) and any(t.startswith("\ufeff") for t in texts)
    assert any(not t.endswith("\n") for t in texts)
    assert any("# escape=`" in t.splitlines()[0] for t in texts)
    assert sum("<<" in t for t in texts) >= 4


@pytest.fixture(params=CORPUS, ids=lambda p: p.name)
def pair(request):
    text = read(request.param)
    return text, dockerfile.parse_string(text), parse(text)


def _flag_text(flag) -> str:
    return f"--{flag.name}" if flag.value is None else f"--{flag.name}={flag.value}"


def test_instruction_boundaries(pair):
    text, oracle, doc = pair
    assert [(c.cmd.upper(), c.start_line, c.end_line) for c in oracle] == \
           [(i.keyword, i.line, i.end_line) for i in doc.instructions]


def test_instruction_details(pair):
    text, oracle, doc = pair
    for c, ins in zip(oracle, doc.instructions):
        inner = ins.onbuild if ins.keyword == "ONBUILD" else ins
        if ins.keyword == "ONBUILD":
            assert (c.sub_cmd or "").upper() == inner.keyword
        else:
            assert [f.lower() for f in c.flags] == [_flag_text(f).lower() for f in ins.flags]
        assert c.json == inner.json_form, c.original
        if c.json:
            words = list(c.value[1:]) if inner.keyword == "HEALTHCHECK" else list(c.value)
            assert words == inner.json_args
        elif inner.keyword in SINGLE_VALUE and not inner.heredocs:
            assert c.value == ((inner.args,) if inner.args else ()) or c.value == (inner.args,)
        assert [h.name for h in c.heredocs] == [h.delimiter for h in inner.heredocs]


def _oracle_graph(oracle):
    """Stages and edges computed from the oracle's commands with BuildKit's rules."""
    stages, names, edges = [], {}, []
    for c in oracle:
        if c.cmd.upper() == "FROM":
            base = c.value[0]
            name = c.value[2] if len(c.value) == 3 else None
            idx = len(stages)
            source = names.get(base.lower(), base)
            stages.append((idx, name, base))
            if base.lower() != "scratch" and "$" not in base:
                edges.append((source, idx, "from", c.start_line))
            if name:
                names[name.lower()] = idx
    current = -1
    for c in oracle:
        cmd = c.cmd.upper()
        if cmd == "FROM":
            current += 1
        refs = []
        if cmd == "COPY":
            refs = [(f.split("=", 1)[1], "copy") for f in c.flags if f.lower().startswith("--from=")]
        elif cmd == "RUN":
            for f in c.flags:
                if f.lower().startswith("--mount="):
                    opts = dict(kv.split("=", 1) for kv in f.split("=", 1)[1].split(",") if "=" in kv)
                    if "from" in opts:
                        refs.append((opts["from"], "mount"))
        for ref, kind in refs:
            source = int(ref) if ref.isdigit() else names.get(ref.lower(), ref)
            edges.append((source, current, kind, c.start_line))
    return stages, edges


def test_stages_and_edges(pair):
    text, oracle, doc = pair
    stages, edges = _oracle_graph(oracle)
    assert [(s.index, s.name, s.base) for s in doc.stages] == stages
    ours = [(e.source, e.target, e.kind, e.line) for e in doc.edges
            if not (e.kind == "from" and "$" in doc.stages[e.target].base)]
    assert sorted(ours, key=repr) == sorted(edges, key=repr)


# Generated files: the same comparison on line soups full of edge cases.
SOUP = st.sampled_from([
    "RUN a", "RUN a \\", "RUN a\\\\", "  \\", "\\", " # c", "#c \\", "", "  ", "\t", "RUN <<EOF",
    "RUN <<-EOF cat <<'B'", "EOF", "\tEOF", "B", "echo hi", "COPY --from=x a b", "FROM x AS y",
    "ONBUILD RUN <<EOF", 'RUN ["a", "<<EOF"]', "# escape=`", "RUN a `", "# syntax=x", "x \\ ",
    "run b", "RUN a\r", "ENV A=1 \\", "  b=2", "RUN cat <<EOF > /x", "COPY <<A <<B /d/", "\u00a0RUN x",
    "RUN --mount=type=cache,target=/x \\", 'COPY --chown="a b" x y', "RUN -- echo", 'CMD ["a"] \\',
    "\x0bRUN y", "RUN a \\ \t", "RUN 2<<EOF cat", "CMD [1]", 'RUN echo "a \\', "FOO",
])


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(SOUP, min_size=1, max_size=14), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_generated_files_match_buildkit(lines, newline, final_newline):
    text = newline.join(lines) + (newline if final_newline else "")
    try:
        oracle = dockerfile.parse_string(text)
    except dockerfile.GoParseError:
        return  # BuildKit rejects it (an unterminated heredoc); we report a diagnostic instead
    doc = parse(text)
    assert [((c.cmd or "").upper(), c.start_line, c.end_line, c.json) for c in oracle] == \
           [(i.keyword, i.line, i.end_line, (i.onbuild or i).json_form) for i in doc.instructions]
    for c, ins in zip(oracle, doc.instructions):
        if ins.keyword in ("RUN", "CMD") and not c.json and not ins.heredocs:
            assert c.value == ((ins.args,) if ins.args else ())


SPACES = st.sampled_from([" ", "\t", "  ", "\u00a0", "\u2028", "\u0085", "\u3000", "\x0b", "\x0c", "\u202f", "\x1c"])
WORDS = st.sampled_from(["base", "AS", "as", "build", "scratch", "busybox:1", "x"])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.tuples(WORDS, SPACES, st.sampled_from(["AS", "as", "x"]), SPACES, WORDS, st.booleans()),
                min_size=1, max_size=4))
def test_from_lines_split_at_the_spaces_buildkit_splits_at(froms):
    """FROM's words are split where BuildKit's parser splits them (ASCII spaces, tabs, \\v,
    \\f, \\r), not at a no-break space, U+2028, U+0085 or U+3000, where Python's split()
    would cut: "busybox\\u00a0AS\\u00a0base" is one (invalid) image reference to BuildKit."""
    lines = []
    for a, gap1, b, gap2, c, three in froms:
        lines.append(f"FROM {a}{gap1}{b}{gap2}{c}" if three else f"FROM {a}{gap1}{b}")
        lines.append("RUN true")
    text = "\n".join(lines) + "\n"
    try:
        oracle = dockerfile.parse_string(text)
    except dockerfile.GoParseError:
        return
    doc = parse(text)
    if len(oracle) != len(doc.instructions):
        return  # (a line separator BuildKit ends a line at: test_generated_files_match_buildkit's business)
    # BuildKit's words: a stage is named only by three words with AS between (else an error)
    expected = [(i, c.value[2] if len(c.value) == 3 and c.value[1].lower() == "as" else None, c.value[0])
                for i, c in enumerate(c for c in oracle if c.cmd.upper() == "FROM")]
    assert [(s.index, s.name, s.base) for s in doc.stages] == expected
