"""The pure rules under the sync controller: the one edited span, and what breaks structure."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from studio.core.document import apply_edits, parse
from studio.ui.sync_rules import single_edit, structure_ok

texts = st.text(alphabet="ab\n😀é", max_size=40)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(texts, texts)
def test_single_edit_turns_old_into_new_minimally(old, new):
    edit = single_edit(old, new)
    assert apply_edits(old, [edit]) == new
    # minimal: the replaced span and the new text share no first or last character
    if edit.end > edit.start and edit.new_text:
        assert old[edit.start] != edit.new_text[0]
        assert old[edit.end - 1] != edit.new_text[-1]


def test_structure_ok_decides_when_the_graph_goes_stale():
    assert structure_ok(parse("FROM a AS b\nRUN x\n"))
    assert structure_ok(parse("FROM a AS b\nRU x\n"))  # a typo inside a stage keeps the shape
    assert not structure_ok(parse("FROM a AS\nRUN x\n"))  # a broken FROM does not
    assert not structure_ok(parse("FROM a AS b\nRUN <<EOF\nx\n"))  # a heredoc that swallows the rest
    assert not structure_ok(parse("RU x\nFROM a\n"))  # trouble before the first FROM
    assert structure_ok(parse(""))
