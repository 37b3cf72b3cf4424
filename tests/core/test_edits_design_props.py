"""Property tests for the design ops: instruction edits, re-pointing, stage copies and
inserts, and the extract / slim / inline refactorings, on random Dockerfiles.

As for the older ops (test_edits_props): edits are sorted and disjoint and change
nothing outside their ranges, each edit touches only what the op is about, the re-parse
shows exactly the intended graph, a refusal is an EditError, and BuildKit's parser
reads the result the same way we do.
"""
from __future__ import annotations

from collections import Counter

from hypothesis import event, given
from hypothesis import strategies as st
from test_edits_props import SETTINGS, attempt, check_edits, dockerfiles, edge_keys, odd_files, oracle_agrees

from studio.core import apply_edits, parse
from studio.core.edits_base import keyword_case, line_start_of, stage_block_start
from studio.core.edits_lines import (add_instruction, continuation_indent, duplicate_instruction,
                                     remove_instruction, set_instruction)
from studio.core.edits_links import duplicate_stage, insert_stage, repoint
from studio.core.refactor import MAKES_FILES, SETS_STATE, extract_stage, inline_stage, slim_stage

TEXTS = ["RUN make", "run make all", "ENV A=1", "WORKDIR /w", "USER nobody", "EXPOSE 80",
         "RUN apk add git\n&& make", "RUN a \\\n  && b\nc", "COPY --from=0 /x /y", "ARG V",
         'CMD ["app", "-v"]', "LABEL a=b c=d", "ONBUILD run make", "RUN <<EOF\necho hi\nEOF",
         "", "FROM alpine", "nonsense here", "RUN a \\", "HEALTHCHECK CMD true"]


def words(ins) -> tuple[str, str]:
    flags = [f"--{f.name}" if f.value is None else f"--{f.name}={f.value}" for f in ins.flags]
    args = ins.args.split()
    if ins.keyword == "ONBUILD" and args:
        args[0] = args[0].upper()
    return ins.keyword, " ".join(flags + args)


def expected_words(text: str) -> tuple[str, str]:
    """What an instruction written from ``text`` reads as: lines joined (continuations
    added), or only the first line when it opens a heredoc."""
    lines = [line.rstrip(" \\") for line in text.split("\n") if line.strip()]
    joined = lines[0] if "<<" in text else " ".join(lines)
    keyword, _, rest = joined.partition(" ")
    if keyword.upper() == "ONBUILD":  # the wrapped keyword is written in the file's casing
        inner, _, tail = rest.partition(" ")
        rest = f"{inner.upper()} {tail}"
    return keyword.upper(), " ".join(rest.split())


def texts(doc, skip=None) -> list[str]:
    return [doc.text[i.start:i.end].rstrip("\r\n") for i in doc.instructions if i is not skip]


@SETTINGS
@given(dockerfiles(), st.data())
def test_add_instruction(text, data):
    doc = parse(text)
    n = len(doc.stages)
    k = data.draw(st.integers(0, n - 1))
    position = data.draw(st.one_of(st.none(), st.integers(-1, len(doc.stages[k].instructions) + 1)))
    new_text = data.draw(st.sampled_from(TEXTS))
    edits = attempt(add_instruction, doc, k, new_text, position)
    if edits is None:
        return
    assert len(edits) == 1 and edits[0].start == edits[0].end
    new_doc = parse(check_edits(text, edits))
    at = len(doc.stages[k].instructions) if position is None else position
    added = new_doc.stages[k].instructions[at]
    assert added.keyword == new_text.split()[0].upper()
    assert added.keyword_as_written == keyword_case(doc, added.keyword)
    assert [len(s.instructions) for s in new_doc.stages] == [
        len(s.instructions) + (s.index == k) for s in doc.stages]
    assert texts(new_doc, added) == texts(doc)
    if "\n" in new_text and "<<" not in new_text:
        cont = continuation_indent(doc)
        lines = new_doc.text[added.start:added.end].splitlines()
        given_lines = [g.rstrip(" \\") for g in new_text.split("\n")[1:] if g.strip()]
        assert [line.rstrip(" " + doc.escape) for line in lines[1:]] == [
            g if g[0] in " \t" else cont + g for g in given_lines]
        assert all(line.endswith(" " + doc.escape) for line in lines[:-1])
    assert not edge_keys(doc) - edge_keys(new_doc)
    assert all(key[1] == k for key in edge_keys(new_doc) - edge_keys(doc))
    oracle_agrees(new_doc.text, new_doc)


def _some_line(doc, data, from_ok=False):
    pool = [i for i in doc.instructions if i.keyword and (from_ok or i.keyword != "FROM")]
    if pool and data.draw(st.integers(0, 4)):
        ins = data.draw(st.sampled_from(pool))
        return data.draw(st.integers(ins.line, ins.end_line))
    return data.draw(st.integers(0, max(1, doc.line_of(len(doc.text))) + 1))


@SETTINGS
@given(dockerfiles(), st.data())
def test_set_instruction(text, data):
    doc = parse(text)
    line = _some_line(doc, data, from_ok=True)
    new_text = data.draw(st.sampled_from(TEXTS + ["FROM busybox AS x", "RUN echo 0"]))
    edits = attempt(set_instruction, doc, line, new_text)
    if edits is None:
        return
    old = doc.instruction_at_line(line)
    lo, hi = line_start_of(text, old.start), old.end
    assert all(lo <= e.start <= e.end <= hi for e in edits) and len(edits) <= 1
    new_doc = parse(check_edits(text, edits))
    index = next(n for n, i in enumerate(doc.instructions) if i is old)
    changed = new_doc.instructions[index]
    assert len(new_doc.instructions) == len(doc.instructions)
    assert words(changed) == expected_words(new_text) or changed.keyword == "FROM"
    assert texts(new_doc, changed) == texts(doc, old)
    oracle_agrees(new_doc.text, new_doc)


@SETTINGS
@given(dockerfiles(), st.data())
def test_remove_and_duplicate_instruction(text, data):
    doc = parse(text)
    line = _some_line(doc, data)
    dup = data.draw(st.booleans())
    edits = attempt(duplicate_instruction if dup else remove_instruction, doc, line)
    if edits is None:
        return
    old = doc.instruction_at_line(line)
    body = text[old.start:old.end].rstrip("\r\n")
    new_doc = parse(check_edits(text, edits))
    assert len(edits) == 1
    if dup:
        assert edits[0].start == edits[0].end == old.end and edits[0].new_text.strip() == body.strip()
        assert sorted(texts(new_doc)) == sorted(texts(doc) + [body])
    else:
        assert body in text[edits[0].start:edits[0].end] and not edits[0].new_text
        assert not text[edits[0].start:edits[0].end].replace(body, "").strip()
        assert texts(new_doc) == texts(doc, old)
    change = +1 if dup else -1
    assert [len(s.instructions) for s in new_doc.stages] == [
        len(s.instructions) + change * (s.index == old.stage) for s in doc.stages]
    oracle_agrees(new_doc.text, new_doc)


@SETTINGS
@given(dockerfiles(), st.data())
def test_repoint(text, data):
    doc = parse(text)
    lines = [e.line for e in doc.edges] + [s.line for s in doc.stages]
    line = data.draw(st.sampled_from(lines)) if data.draw(st.integers(0, 4)) else _some_line(doc, data)
    target = data.draw(st.integers(0, len(doc.stages)))
    edits = attempt(repoint, doc, line, target)
    if edits is None:
        return
    ins = doc.instruction_at_line(line)
    new_doc = parse(check_edits(text, edits))
    mine = [e for e in doc.edges if e.instruction is ins]
    for e in edits:  # only the written reference: a stage name, a number or the FROM image
        assert text[e.start:e.end].lower() in {str(m.source).lower() for m in mine} | {
            (doc.stages[m.source].name or "").lower() for m in mine if isinstance(m.source, int)} | {
            str(m.source) for m in mine} | {doc.stages[ins.stage].base.lower()}
    others = Counter((e.source, e.target, e.kind) for e in doc.edges if e.instruction is not ins)
    assert Counter((e.source, e.target, e.kind) for e in new_doc.edges if e.line != ins.line) == others
    now = [e for e in new_doc.edges if e.line == ins.line]
    if edits:
        assert any(e.source == target for e in now)
    assert [s.name for s in new_doc.stages] == [s.name for s in doc.stages]
    oracle_agrees(new_doc.text, new_doc)


@SETTINGS
@given(dockerfiles(), st.data())
def test_duplicate_stage(text, data):
    doc = parse(text)
    k = data.draw(st.integers(0, len(doc.stages)))
    name = data.draw(st.sampled_from(["copy", "build", "Fresh", "scratch"]))
    edits = attempt(duplicate_stage, doc, k, name)
    if edits is None:
        return
    new_doc = parse(check_edits(text, edits))
    assert sum(e.start == e.end for e in edits) == 1
    assert all(text[e.start:e.end].isdigit() for e in edits if e.start != e.end)
    assert len(new_doc.stages) == len(doc.stages) + 1
    twin = new_doc.stages[k + 1]
    assert twin.name == name and twin.base == doc.stages[k].base
    assert [words(i) for i in twin.instructions] == [words(i) for i in doc.stages[k].instructions]
    shifted = edge_keys(doc, lambda i: i + 1 if i > k else i)
    assert edge_keys(new_doc) - shifted == Counter(
        (e.source, e.target, e.kind) for e in new_doc.edges if e.target == k + 1)
    oracle_agrees(new_doc.text, new_doc)


@SETTINGS
@given(dockerfiles(), st.data())
def test_insert_stage(text, data):
    doc = parse(text)
    k = data.draw(st.integers(0, len(doc.stages) - 1))
    child = doc.stages[k]
    right = doc.stages[child.base_stage].name if child.base_stage is not None else child.base
    base = data.draw(st.sampled_from([right or "x", right or "x", "busybox"]))
    name = data.draw(st.sampled_from(["mid", "build", "deps"]))
    edits = attempt(insert_stage, doc, name, base, k)
    if edits is None:
        return
    new_doc = parse(check_edits(text, edits))
    inserted, moved = new_doc.stages[k], new_doc.stages[k + 1]
    assert (inserted.name, inserted.base, inserted.instructions) == (name, base, [])
    assert moved.base_stage == k and moved.name == child.name
    for e in edits:  # the new stage, the child's FROM word, renumbered references
        old = text[e.start:e.end]
        assert e.start == e.end or old.isdigit() or old == child.base
    keep = edge_keys(doc, lambda i: i + 1 if i >= k else i)
    keep -= Counter({(child.base_stage + (child.base_stage >= k) if child.base_stage is not None
                      else child.base_resolved, k + 1, "from"): 1})
    assert edge_keys(new_doc) - keep == Counter(
        (e.source, e.target, e.kind) for e in new_doc.edges
        if (e.target, e.kind) in ((k, "from"), (k + 1, "from")))
    oracle_agrees(new_doc.text, new_doc)


def _range(doc, data):
    k = data.draw(st.integers(0, len(doc.stages) - 1))
    body = doc.stages[k].instructions
    if not body:
        return k, doc.stages[k].line, doc.stages[k].line
    a = data.draw(st.integers(0, len(body) - 1))
    b = data.draw(st.integers(a, len(body) - 1))
    return k, body[a].line, body[b].end_line


@SETTINGS
@given(dockerfiles(), st.data())
def test_extract_stage(text, data):
    doc = parse(text)
    k, first, last = _range(doc, data)
    name = data.draw(st.sampled_from(["builder", "build", "x"]))
    paths = data.draw(st.sampled_from([["/out/app"], ["/a", "/b dir/"], []]))
    plan = attempt(extract_stage, doc, first, last, name, paths)
    if plan is None:
        return
    st_old = doc.stages[k]
    lo, hi = stage_block_start(doc, st_old), doc.instruction_at_line(last).end
    for e in plan.edits:  # the new stage above, the stage's own lines, renumbered references
        assert text[e.start:e.end].isdigit() or lo - 2 <= e.start <= e.end <= hi
    new_doc = parse(check_edits(text, plan.edits))
    builder, home = new_doc.stages[k], new_doc.stages[k + 1]
    assert (builder.name, builder.base, builder.platform) == (name, st_old.base, st_old.platform)
    chosen = [i for i in st_old.instructions if first <= i.line <= last]
    before = [i for i in st_old.instructions if i.line < first and i.keyword in SETS_STATE]
    assert [words(i) for i in builder.instructions] == [
        words(i) for i in before + chosen if i.keyword in MAKES_FILES | SETS_STATE]
    assert [words(i) for i in home.instructions if i.keyword != "COPY" or not i.flag("from")] == [
        words(i) for i in st_old.instructions if i.keyword not in MAKES_FILES or i not in chosen
        if i.keyword != "COPY" or not i.flag("from")]
    copies = [e for e in new_doc.edges if e.source == k and e.target == k + 1]
    assert [e.sources for e in copies] == [[p] for p in paths]
    oracle_agrees(new_doc.text, new_doc)


@SETTINGS
@given(dockerfiles(), st.data())
def test_slim_then_inline_round_trip(text, data):
    """Slim the last stage, then inline the builder back: the same steps, in order."""
    doc = parse(text)
    image = data.draw(st.sampled_from(["busybox:1", "scratch"]))
    plan = attempt(slim_stage, doc, image, ["/out"])
    if plan is None:
        return
    new_doc = parse(check_edits(text, plan.edits))
    n = len(doc.stages)
    last, builder = new_doc.stages[n], new_doc.stages[n - 1]
    assert last.base == image and builder.base == doc.stages[-1].base
    assert not [i for i in last.instructions if i.keyword in ("RUN", "ADD")]
    assert [e.sources for e in new_doc.edges if e.target == n and e.source == n - 1] == [["/out"]]
    oracle_agrees(new_doc.text, new_doc)
    # with the base put back, inlining the builder restores the stage's file-making steps
    back = parse(apply_edits(new_doc.text, set_base_edit(new_doc, n, doc.stages[-1].base)))
    undo = attempt(inline_stage, back, n - 1)
    if undo is None:
        return
    again = parse(check_edits(back.text, undo.edits))
    assert [words(i) for i in again.stages[-1].instructions if i.keyword in MAKES_FILES] == [
        words(i) for i in doc.stages[-1].instructions if i.keyword in MAKES_FILES]
    assert len(again.stages) == n
    oracle_agrees(again.text, again)


def set_base_edit(doc, k, image):
    from studio.core.edits import set_base

    return set_base(doc, k, image)


@SETTINGS
@given(dockerfiles(), st.data())
def test_inline_any_stage(text, data):
    """Inline a random stage, or one just extracted: when it applies, the stage that
    copied from it runs its file-making steps where the copies were."""
    doc = parse(text)
    k = data.draw(st.integers(0, len(doc.stages) - 1))
    body = doc.stages[k].instructions
    original = None
    if body and data.draw(st.booleans()):
        last = data.draw(st.integers(0, len(body) - 1))
        plan = attempt(extract_stage, doc, body[0].line, body[last].end_line, "builder", ["/out"])
        if plan is None:
            return
        original = [words(i) for i in body if i.keyword in MAKES_FILES]
        text = apply_edits(text, plan.edits)
        doc = parse(text)
    plan = attempt(inline_stage, doc, k)
    if plan is None:
        return
    event(f"inlined {'an extracted' if original else 'a random'} stage")
    new_doc = parse(check_edits(text, plan.edits))
    assert len(new_doc.stages) == len(doc.stages) - 1
    user = next(e.target for e in doc.edges if e.source == k)
    made = [words(i) for i in doc.stages[k].instructions if i.keyword in MAKES_FILES]
    got = [words(i) for i in new_doc.stages[user - 1].instructions]
    assert any(got[j:j + len(made)] == made for j in range(len(got)))
    if original is not None:
        assert [w for w in got if w[0] in MAKES_FILES] == original
    oracle_agrees(new_doc.text, new_doc)


@SETTINGS
@given(odd_files, st.data())
def test_odd_files_new_ops_only_edit_errors(text, data):
    doc = parse(text)
    line = st.one_of(st.integers(0, text.count("\n") + 2), st.sampled_from([None, True, 1.5]))
    ref = st.one_of(st.integers(-1, 4), st.sampled_from(["build", "0", "x", ""]))
    which = data.draw(st.integers(0, 9))
    call = [
        lambda: add_instruction(doc, data.draw(st.one_of(ref, st.none())), data.draw(st.sampled_from(TEXTS)),
                                data.draw(st.one_of(st.none(), st.integers(-1, 3)))),
        lambda: set_instruction(doc, data.draw(line), data.draw(st.sampled_from(TEXTS))),
        lambda: remove_instruction(doc, data.draw(line)),
        lambda: duplicate_instruction(doc, data.draw(line)),
        lambda: repoint(doc, data.draw(line), data.draw(ref)),
        lambda: duplicate_stage(doc, data.draw(ref), data.draw(st.sampled_from(["n", "build", ""]))),
        lambda: insert_stage(doc, "n", data.draw(st.sampled_from(["alpine", "build", "x"])), data.draw(ref)),
        lambda: extract_stage(doc, data.draw(line), data.draw(line), "n", ["/o"]).edits,
        lambda: slim_stage(doc, "busybox", ["/o"], data.draw(st.one_of(st.none(), ref))).edits,
        lambda: inline_stage(doc, data.draw(ref)).edits,
    ][which]
    edits = attempt(call)
    if edits is not None:
        new = apply_edits(text, edits)
        assert parse(new).text == new
