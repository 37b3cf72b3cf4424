"""LineMap follows the lines of a built text through edits: a line keeps its facts while it
(and the rest of its instruction) is as built, and has none once edited or deleted."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from studio.core import parse
from studio.core.line_map import LineMap, instruction_spans

BUILT = """FROM busybox AS final
ENV A=1
RUN head -c 200000 /dev/urandom > /big && ln /big /keep
LABEL x=y
RUN rm /big
RUN echo a \\
 && echo b
COPY a.txt /work/
"""


def lines_map(new: str) -> LineMap:
    return LineMap(BUILT, new, instruction_spans(parse(BUILT)))


def test_a_line_typed_above_moves_every_line_down():
    m = lines_map("# a comment\n" + BUILT)
    assert [m.new_line(n) for n in range(1, 9)] == list(range(2, 10))
    assert m.old_line(6) == 5 and m.old_line(1) is None
    assert m.say(5) == "line 6" and m.short(5) == "6"


def test_an_edited_line_has_no_current_line_and_says_the_builds():
    m = lines_map(BUILT.replace("RUN rm /big", "RUN rm -f /big"))
    assert m.new_line(5) is None and m.gone(5) == "changed"
    assert m.say(5) == "a changed line (last build: line 5)" and m.short(5) == "last build: 5"
    assert m.new_line(4) == 4 and m.new_line(8) == 8
    assert m.old_line(5) is None


def test_a_deleted_line_says_so():
    m = lines_map(BUILT.replace("LABEL x=y\n", ""))
    assert m.new_line(4) is None and m.gone(4) == "deleted"
    assert m.new_line(5) == 4 and m.say(3) == "line 3"


def test_an_instruction_follows_only_while_all_its_lines_are_as_built():
    m = lines_map(BUILT.replace(" && echo b", " && echo c"))  # its continuation line changed
    assert m.new_line(6) is None and m.gone(6) == "changed"
    m = lines_map("\n" + BUILT)
    assert m.new_line(6) == 7 and m.old_line(7) == 6


def test_the_same_text_maps_every_line_to_itself():
    m = lines_map(BUILT)
    assert m.same and m.new_line(3) == 3 and m.old_line(3) == 3 and m.say(3) == "line 3"


@given(st.lists(st.sampled_from(["a", "b", "c", "", "RUN x"]), max_size=30),
       st.lists(st.tuples(st.integers(0, 40), st.integers(0, 3), st.lists(st.sampled_from(["a", "z", ""]), max_size=3)),
                max_size=4))
def test_mapped_lines_hold_the_same_text_in_order(old_lines, edits):
    new_lines = list(old_lines)
    for at, drop, insert in edits:
        at = min(at, len(new_lines))
        new_lines[at:at + drop] = insert
    old, new = "\n".join(old_lines), "\n".join(new_lines)
    m = LineMap(old, new)
    a, b = old.split("\n"), new.split("\n")
    mapped = [(n, m.new_line(n)) for n in range(1, len(a) + 1) if m.new_line(n) is not None]
    assert all(a[o - 1] == b[n - 1] for o, n in mapped)
    assert [n for _o, n in mapped] == sorted({n for _o, n in mapped})  # in order, each once
    assert all(m.old_line(n) == o for o, n in mapped)
    if not edits:
        assert len(mapped) == len(a)


def test_a_build_finding_quotes_the_current_lines_or_the_builds():
    from studio.core.lint.rules_facts import BuriedFact, buried_findings

    facts = [BuriedFact("/big", 200_000, 3, 5, "deleted")]
    moved = "# note\n" + BUILT
    (finding,) = buried_findings(parse(moved), facts, lines=lines_map(moved))
    assert finding.line == 6 and "written at line 4 and deleted at line 6" in finding.message
    assert moved[finding.start:finding.end] == "RUN rm /big"
    edited = BUILT.replace("RUN rm /big", "RUN rm -f /big")
    (finding,) = buried_findings(parse(edited), facts, lines=lines_map(edited))
    assert finding.line == 0 and "written at line 3 and deleted at a changed line (last build: line 5)" in finding.message
