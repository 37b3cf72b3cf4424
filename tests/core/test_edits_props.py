"""Property tests: random Dockerfiles, random graph operations.

For every operation: (1) the edits are sorted, disjoint and change nothing outside
their ranges, and each touches only what the operation is about; (2) the re-parse
shows exactly the intended graph change; (3) a refusal is an EditError, never
anything else. A sample of results is checked against BuildKit's own parser.
"""
from __future__ import annotations

import re
from collections import Counter

import dockerfile
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from studio.core import apply_edits, parse
from studio.core.edits import (
    EditError,
    add_copy,
    add_stage,
    move_instruction,
    remove_edge,
    remove_stage,
    rename_stage,
    set_base,
)

NAMES = ["build", "test", "app", "deps", "base", "final"]
IMAGES = ["alpine:3.20", "busybox", "scratch", "debian:12"]
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def dockerfiles(draw) -> str:
    lower = draw(st.booleans())
    kw = (lambda k: k.lower()) if lower else (lambda k: k)
    blank = draw(st.booleans())
    indent = draw(st.sampled_from(["", "", "  "]))
    names: list[str | None] = []
    lines: list[str] = ["# syntax=docker/dockerfile:1"] if draw(st.booleans()) else []
    if draw(st.booleans()):
        lines.append("ARG V=1")
    for i in range(draw(st.integers(1, 5))):
        name = draw(st.sampled_from(NAMES + [None, None]))
        if name and name in {n.lower() for n in names if n}:
            name = None
        if name and draw(st.integers(0, 4)) == 0:
            name = name.capitalize()

        def ref() -> str:
            j = draw(st.integers(0, i - 1))
            if names[j] and draw(st.booleans()):
                return draw(st.sampled_from([names[j], names[j].upper()]))
            return str(j)

        bases = IMAGES + [n for n in names if n]
        base = draw(st.sampled_from(bases))
        platform = " --platform=linux/amd64" if draw(st.integers(0, 3)) == 0 else ""
        if blank and i:
            lines.append("")
        if draw(st.integers(0, 3)) == 0:
            lines.append(f"# stage {i}")
        lines.append(f"{kw('FROM')}{platform} {base}" + (f" {kw('AS')} {name}" if name else ""))
        kinds = ["run", "run2", "comment", "blank", "env", "heredoc"]
        if i:
            kinds += ["copy", "copy2", "mounts", "mount2", "onbuild"] * 2
        for kind in draw(st.lists(st.sampled_from(kinds), max_size=5)):
            lines.append({
                "run": lambda: f"{indent}{kw('RUN')} echo {i}",
                "run2": lambda: f"{indent}{kw('RUN')} echo a \\\n    && echo b",
                "comment": lambda: "# note",
                "blank": lambda: "",
                "env": lambda: f"{indent}{kw('ENV')} A=1 \\\n    B=2",
                "heredoc": lambda: f"{indent}{kw('COPY')} <<EOF /h\nbody {i}\nEOF",
                "copy": lambda: f"{indent}{kw('COPY')} --from={ref()} /a /b",
                "copy2": lambda: f"{indent}{kw('COPY')} --from={ref()} \\\n    /a \\\n    /b/",
                "mounts": lambda: f"{indent}{kw('RUN')} --mount=type=cache,target=/c "
                                  f"--mount=from={ref()},target=/m make",
                "mount2": lambda: f"{indent}{kw('RUN')} --mount=from={ref()},target=/m \\\n"
                                  f"    --mount=type=bind,from={ref()},target=/n \\\n    make",
                "onbuild": lambda: f"{indent}{kw('ONBUILD')} {kw('COPY')} --from={ref()} /o /o",
            }[kind]())
        names.append(name)
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    text = nl.join("\n".join(lines).split("\n"))
    if draw(st.booleans()):
        text += nl
    if draw(st.integers(0, 4)) == 0:
        text = "\ufeff" + text
    return text


def edge_keys(doc, remap=lambda i: i) -> Counter:
    return Counter(
        (remap(e.source) if isinstance(e.source, int) else e.source, remap(e.target), e.kind)
        for e in doc.edges
    )


def check_edits(text: str, edits) -> str:
    """(1): sorted, disjoint, in range; the result keeps every byte between them."""
    last = 0
    for e in edits:
        assert last <= e.start <= e.end <= len(text), edits
        last = e.end
    new = apply_edits(text, edits)
    pos, out = 0, []
    for e in edits:
        out += [text[pos:e.start], e.new_text]
        pos = e.end
    assert new == "".join(out) + text[pos:]
    # the file's own conventions survive: BOM, CRLF, a (missing) final newline
    assert new.startswith("\ufeff") == text.startswith("\ufeff")
    if text.count("\r\n") == text.count("\n") > 0:
        assert new.count("\r\n") == new.count("\n")
    assert new.endswith("\n") == text.endswith("\n")
    return new


def stage_refs(doc):
    names = [s.name for s in doc.stages if s.name]
    return st.one_of(st.integers(-1, len(doc.stages)), st.sampled_from(names + ["nope"]))


def oracle_agrees(new: str, doc) -> None:
    """BuildKit's parser sees the same instructions, FROM lines and stage flags."""
    cmds = dockerfile.parse_string(new)
    assert [(c.start_line, c.end_line) for c in cmds] == [
        (i.line, i.end_line) for i in doc.instructions if i.keyword
    ]
    froms = [c.value for c in cmds if c.cmd.upper() == "FROM"]
    assert [(v[0], v[2] if len(v) == 3 else None) for v in froms] == [(s.base, s.name) for s in doc.stages]
    flags = [f for c in cmds if c.cmd.upper() in ("COPY", "RUN") for f in c.flags
             if f.startswith(("--from=", "--mount="))]
    ours = [f"--{f.name}={f.value}" for i in doc.instructions if i.keyword in ("COPY", "RUN")
            for f in i.flags if f.name in ("from", "mount")]
    assert flags == ours


def attempt(op, *args, **kwargs):
    """Run one operation; (3): a refusal must be an EditError with a message."""
    try:
        edits = op(*args, **kwargs)
    except EditError as exc:
        assert str(exc)
        event("refused: " + re.sub(r"[0-9]+|'[^']*'", "_", str(exc))[:60])
        return None
    event("applied")
    return edits


@SETTINGS
@given(dockerfiles(), st.data())
def test_rename(text, data):
    doc = parse(text)
    ref = data.draw(stage_refs(doc))
    new_name = data.draw(st.sampled_from(NAMES + ["fresh", "Fresh2", "9bad", "scratch"]))
    edits = attempt(rename_stage, doc, ref, new_name)
    if edits is None:
        return
    new_doc = parse(check_edits(text, edits))
    st_index = doc.stage(ref).index if isinstance(ref, str) else ref
    old_name = doc.stages[st_index].name
    for e in edits:
        old = text[e.start:e.end]
        assert (old.lower() == (old_name or "").lower()) or (e.start == e.end and new_name in e.new_text)
    assert [s.name for s in new_doc.stages] == [
        new_name if s.index == st_index else s.name for s in doc.stages]
    assert edge_keys(new_doc) == edge_keys(doc)
    assert [s.base_stage for s in new_doc.stages] == [s.base_stage for s in doc.stages]
    oracle_agrees(new_doc.text, new_doc)


@SETTINGS
@given(dockerfiles(), st.data())
def test_add_stage(text, data):
    doc = parse(text)
    after = data.draw(st.one_of(st.none(), stage_refs(doc)))
    name = data.draw(st.sampled_from(NAMES + ["fresh"]))
    base = data.draw(st.sampled_from(IMAGES + NAMES))
    edits = attempt(add_stage, doc, name, base, after)
    if edits is None:
        return
    new = check_edits(text, edits)
    new_doc = parse(new)
    k = len(doc.stages) if after is None else doc.stage(after).index + 1
    assert len(new_doc.stages) == len(doc.stages) + 1
    added = new_doc.stages[k]
    assert (added.name, added.base, added.instructions) == (name, base, [])
    assert sum(e.start != e.end for e in edits if not text[e.start:e.end].isdigit()) == 0
    shifted = edge_keys(doc, lambda i: i + 1 if i >= k else i)
    assert edge_keys(new_doc) - shifted == Counter(
        (e.source, e.target, e.kind) for e in new_doc.edges if e.target == k)
    assert not shifted - edge_keys(new_doc)
    oracle_agrees(new, new_doc)


@SETTINGS
@given(dockerfiles(), st.data())
def test_remove_stage(text, data):
    doc = parse(text)
    ref = data.draw(stage_refs(doc))
    cascade = data.draw(st.booleans())
    edits = attempt(remove_stage, doc, ref, cascade=cascade)
    if edits is None:
        return
    new = check_edits(text, edits)
    new_doc = parse(new)
    k = doc.stage(ref).index
    removed = doc.stages[k]
    for e in edits:  # deletions, renumbered references, or a rebased FROM
        assert e.new_text == "" or text[e.start:e.end].isdigit() or e.new_text == removed.base
    assert len(new_doc.stages) == len(doc.stages) - 1
    assert [s.name for s in new_doc.stages] == [s.name for s in doc.stages if s.index != k]
    shift = (lambda i: i - 1 if isinstance(i, int) and i > k else i)
    expect: Counter = Counter()
    for e in doc.edges:
        source = e.source
        if e.target == k or (source == k and e.kind != "from"):
            continue  # the stage's own edges, and COPY/mount references cascaded away
        if source == k:  # a stage built FROM it is rebased onto its base
            if removed.base_kind == "scratch":
                continue
            source = removed.base_stage if removed.base_kind == "stage" else removed.base_resolved
        expect[(shift(source), shift(e.target), e.kind)] += 1
    assert edge_keys(new_doc) == expect
    if not cascade:
        assert expect == edge_keys(doc, shift) - Counter(
            (shift(e.source), shift(e.target), e.kind) for e in doc.edges if e.target == k)
    oracle_agrees(new, new_doc)


@SETTINGS
@given(dockerfiles(), st.data())
def test_add_copy(text, data):
    doc = parse(text)
    n = len(doc.stages)
    if n > 1 and data.draw(st.integers(0, 3)):
        target = data.draw(st.integers(1, n - 1))
        source = data.draw(st.integers(0, target - 1))
        source = data.draw(st.sampled_from([source, doc.stages[source].name or source]))
    else:
        source, target = data.draw(stage_refs(doc)), data.draw(stage_refs(doc))
    edits = attempt(add_copy, doc, source, target, ["/src"], "/dst")
    if edits is None:
        return
    assert len(edits) == 1 and edits[0].start == edits[0].end
    new_doc = parse(check_edits(text, edits))
    added = edge_keys(new_doc) - edge_keys(doc)
    assert added == Counter({(doc.stage(source).index, doc.stage(target).index, "copy"): 1})
    assert not edge_keys(doc) - edge_keys(new_doc)
    oracle_agrees(new_doc.text, new_doc)


@SETTINGS
@given(dockerfiles(), st.data())
def test_remove_edge(text, data):
    doc = parse(text)
    edge_lines = [e.instruction.end_line for e in doc.edges if e.kind != "from"]
    if edge_lines and data.draw(st.integers(0, 3)):
        line = data.draw(st.sampled_from(edge_lines))
    else:
        line = data.draw(st.integers(1, max(1, doc.line_of(len(text)))))
    edits = attempt(remove_edge, doc, line)
    if edits is None:
        return
    new_doc = parse(check_edits(text, edits))
    on_line = [e for e in doc.edges if e.instruction.line <= line <= e.instruction.end_line]
    gone = edge_keys(doc) - edge_keys(new_doc)
    assert not edge_keys(new_doc) - edge_keys(doc)
    if on_line[0].kind == "copy":
        assert gone == Counter({(on_line[0].source, on_line[0].target, "copy"): 1})
        assert all(text[e.start:e.end].strip() for e in edits)
    else:
        assert set(gone) == {(on_line[0].source, on_line[0].target, "mount")}
        assert all("--mount" in text[e.start:e.end] for e in edits)
    assert len(new_doc.stages) == len(doc.stages)
    oracle_agrees(new_doc.text, new_doc)


@SETTINGS
@given(dockerfiles(), st.data())
def test_set_base(text, data):
    doc = parse(text)
    ref = data.draw(stage_refs(doc))
    image = data.draw(st.sampled_from(IMAGES + NAMES + ["", "a b"]))
    edits = attempt(set_base, doc, ref, image)
    if edits is None:
        return
    new_doc = parse(check_edits(text, edits))
    k = doc.stage(ref).index
    unchanged = image == doc.stages[k].base
    assert [text[e.start:e.end] for e in edits] == ([] if unchanged else [doc.stages[k].base])
    assert new_doc.stages[k].base == image
    assert [(s.name, s.platform) for s in new_doc.stages] == [(s.name, s.platform) for s in doc.stages]
    same = lambda d: Counter(key for key in edge_keys(d).elements() if key[1] != k or key[2] != "from")
    assert same(new_doc) == same(doc)
    oracle_agrees(new_doc.text, new_doc)


@SETTINGS
@given(dockerfiles(), st.data())
def test_move_instruction(text, data):
    doc = parse(text)
    movable = [i.end_line for s in doc.stages for i in s.instructions]
    if movable and data.draw(st.integers(0, 3)):
        line = data.draw(st.sampled_from(movable))
        dest = data.draw(st.integers(0, len(doc.stages) - 1))
        position = data.draw(st.integers(0, len(doc.stages[dest].instructions)))
    else:
        line = data.draw(st.integers(1, max(1, doc.line_of(len(text)))))
        dest = data.draw(stage_refs(doc))
        position = data.draw(st.integers(-1, 6))
    edits = attempt(move_instruction, doc, line, dest, position)
    if edits is None:
        return
    new = check_edits(text, edits)
    new_doc = parse(new)
    moved = doc.instruction_at_line(line)
    k = doc.stage(dest).index
    if edits:  # one deletion around the instruction, one insertion of its very text
        assert len(edits) == 2 and sorted(bool(e.new_text) for e in edits) == [False, True]
        body = text[moved.start:moved.end]
        cut = next(e for e in edits if not e.new_text)
        assert body in text[cut.start:cut.end] and not text[cut.start:cut.end].replace(body, "").strip()
        assert next(e for e in edits if e.new_text).new_text.strip() == body.strip()
        assert " ".join(new_doc.stages[k].instructions[position].args.split()) == \
            " ".join(moved.args.split())
    retarget = Counter(
        (e.source, k if e.instruction is moved else e.target, e.kind) for e in doc.edges)
    assert edge_keys(new_doc) == retarget
    assert Counter(i.keyword for i in new_doc.instructions) == Counter(i.keyword for i in doc.instructions)
    oracle_agrees(new, new_doc)


KEYWORDS = ["FROM ", "FROM ", "from ", "COPY ", "RUN ", "ONBUILD ", "ARG B=build", "# c", "# escape=`",
            "EOF", "", "  ", "\ufeff", "  RUN "]
FRAGMENTS = ["AS ", "as ", "alpine ", "build ", "scratch ", "COPY ", "--from=build ", "--from=0 ",
             "--mount=from=1,target=/x ", "--platform=x ", "/a ", "\\\n", "`\n", "\n", "# c\n",
             "<<EOF\n", '"', "=", " ", "\t", "${B}", "Build "]
odd_lines = st.builds(lambda k, rest: k + "".join(rest), st.sampled_from(KEYWORDS),
                      st.lists(st.sampled_from(FRAGMENTS), max_size=6))
odd_files = st.builds(lambda lines, nl, end: nl.join(lines) + end, st.lists(odd_lines, max_size=12),
                      st.sampled_from(["\n", "\r\n"]), st.sampled_from(["", "\n", "\r\n"]))


@settings(max_examples=250, deadline=None)
@given(odd_files, st.data())
def test_any_text_any_operation_only_edit_errors(text, data):
    """Broken and odd files: an operation applies cleanly or raises EditError."""
    doc = parse(text)
    ref = st.one_of(st.integers(-1, 4), st.sampled_from(["build", "0", "x", ""]))
    line = st.one_of(st.integers(0, text.count("\n") + 2), st.sampled_from(["2", None, 1.5, True]))
    which = data.draw(st.integers(0, 6))
    call = [
        lambda: rename_stage(doc, data.draw(ref), data.draw(st.sampled_from(["new", "build", "x y"]))),
        lambda: add_stage(doc, "new", data.draw(st.sampled_from(["alpine", "build", ""])),
                          data.draw(st.one_of(st.none(), ref))),
        lambda: remove_stage(doc, data.draw(ref), cascade=data.draw(st.booleans())),
        lambda: add_copy(doc, data.draw(ref), data.draw(ref), data.draw(st.sampled_from([["/a"], [], None, [3]])),
                         data.draw(st.sampled_from([None, "/d"])),
                         data.draw(st.one_of(st.none(), line))),
        lambda: remove_edge(doc, data.draw(line), data.draw(st.one_of(st.none(), ref))),
        lambda: set_base(doc, data.draw(ref), data.draw(st.sampled_from(["busybox", "build", " "]))),
        lambda: move_instruction(doc, data.draw(line), data.draw(ref), data.draw(st.integers(-1, 3))),
    ][which]
    edits = attempt(call)
    if edits is not None:
        new = apply_edits(text, edits)
        assert parse(new).text == new
