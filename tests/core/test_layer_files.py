"""Stacking layer tars (whiteouts, opaque directories) and dive's rules file, without an engine.
dive's numbers themselves are judged against dive on real images in tests/engine/test_explore.py."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.core.dive_ci import DiveConfigError, evaluate, parse_bytes, passed, read_dive_ci
from studio.core.dive_efficiency import dive_numbers
from studio.core.layer_files import Entry, mode_text, stack


def f(path, size=1, kind="0", mode=0o644):
    return Entry(path, kind, size, mode)


def d(path):
    return Entry(path, "5", 0, 0o755)


def test_whiteout_removes_a_file_and_buries_its_bytes():
    out = stack([[d("tmp"), f("tmp/huge.bin", 2048)], [d("tmp"), f("tmp/.wh.huge.bin", 0)]])
    assert "tmp/huge.bin" not in out.files
    assert [(c.path, c.change, c.size) for c in out.changes[1]] == [("/tmp/huge.bin", "removed", 2048)]
    assert [(b.path, b.size, b.written, b.by, b.how) for b in out.buried] == [("tmp/huge.bin", 2048, 0, 1, "deleted")]


def test_opaque_directory_hides_everything_below_but_keeps_its_own_entries():
    out = stack([[d("d"), d("d/sub"), f("d/sub/a", 5), f("d/b", 7)],
                 [d("d"), f("d/.wh..wh..opq", 0), f("d/c", 3)]])
    assert set(out.files) == {"d", "d/c"}
    removed = {c.path: c.size for c in out.changes[1] if c.change == "removed"}
    assert removed == {"/d/sub": 5, "/d/b": 7}
    assert sorted(b.path for b in out.buried) == ["d/b", "d/sub/a"]


def test_overwrite_is_modified_and_buries_the_old_copy():
    out = stack([[f("big", 300)], [f("big", 100)], [f("big", 100, mode=0o600)]])
    assert [c.change for layer in out.changes for c in layer] == ["added", "modified", "modified"]
    assert [(b.size, b.written, b.by, b.how) for b in out.buried] == [(300, 0, 1, "overwritten"), (100, 1, 2, "overwritten")]
    assert out.files["big"].layer == 2 and out.files["big"].size == 100


def test_directory_whiteout_removes_its_subtree_even_without_a_listed_parent():
    out = stack([[f("a/b/c", 4)], [f(".wh.a", 0)]])
    assert out.files == {}
    assert out.buried[0].path == "a/b/c"


def test_mode_text():
    assert mode_text(0o755, "5") == "drwxr-xr-x"
    assert mode_text(0o644, "0") == "-rw-r--r--"
    assert mode_text(0o777, "2") == "lrwxrwxrwx"


def test_dive_counts_a_deleted_file_once_at_full_size_and_its_whiteout_at_zero():
    numbers = dive_numbers([[d("tmp"), f("tmp/huge.bin", 2048)], [d("tmp"), f("tmp/.wh.huge.bin", 0)]])
    assert numbers.wasted_bytes == 2048
    assert numbers.inefficient == [("/tmp/huge.bin", 2, 2048)]
    assert numbers.efficiency == 0.0
    assert numbers.user_size == 0 and math.isinf(numbers.wasted_user_percent)


def test_dive_sizes_a_directory_whiteout_by_the_subtree_it_deletes():
    # dive visits leaves only: a directory listed with its files is no leaf, so deleting it
    # alone is no waste in dive's eyes; once a layer lists it bare, its whiteout costs the subtree.
    assert dive_numbers([[d("x"), f("x/a", 10), f("x/b", 20)], [f(".wh.x", 0)]]).wasted_bytes == 0
    numbers = dive_numbers([[d("x"), f("x/a", 10), f("x/b", 20)], [d("x")], [f(".wh.x", 0)]])
    assert numbers.inefficient == [("/x", 2, 30)]


paths = st.lists(st.sampled_from(["a", "a/b", "a/c", "b", "b/x", "c"]), max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(paths, paths), min_size=1, max_size=4))
def test_stacking_equals_applying_layers_one_by_one(layers):
    """The stacked tree equals a naive apply: whiteouts remove subtrees, entries replace."""
    tars = []
    for adds, deletes in layers:
        entries = [f(p, len(p)) for p in dict.fromkeys(adds)]
        entries += [f("/".join(p.split("/")[:-1] + [".wh." + p.split("/")[-1]]), 0) for p in dict.fromkeys(deletes)
                    if p not in adds]
        tars.append(entries)
    naive: dict[str, int] = {}
    for entries in tars:
        for e in entries:
            base = e.path.rpartition("/")[2]
            if base.startswith(".wh."):
                gone = e.path.replace(".wh.", "")
                naive = {p: s for p, s in naive.items() if p != gone and not p.startswith(gone + "/")}
        for e in entries:
            if not e.path.rpartition("/")[2].startswith(".wh."):
                naive[e.path] = e.size
    assert {p: x.size for p, x in stack(tars).files.items()} == naive


def test_parse_bytes_follows_go_humanize():
    assert parse_bytes("20MB") == 20_000_000
    assert parse_bytes("20MiB") == 20 * 1024 * 1024
    assert parse_bytes("1.5 kb") == 1500
    assert parse_bytes("42") == 42
    with pytest.raises(ValueError):
        parse_bytes("lots")


def test_dive_ci_file_and_rules():
    rules = read_dive_ci("rules:\n  # comment\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n"
                         "  highestUserWastedPercent: disabled\nother: 1\n")
    assert rules == {"lowestEfficiency": "0.95", "highestWastedBytes": "20MB", "highestUserWastedPercent": "disabled"}
    results = evaluate(rules, 0.9, 30_000_000, 0.5)
    assert [(r.rule, r.status) for r in results] == [
        ("lowestEfficiency", "fail"), ("highestWastedBytes", "fail"), ("highestUserWastedPercent", "skip")]
    assert not passed(results)
    assert passed(evaluate({}, 0.95, 10, 0.05))
    assert passed(evaluate({}, 1.0, 0, float("nan")))  # dive: NaN compares false, so the rule passes
    assert [r.status for r in evaluate({"lowestEfficiency": "2"}, 1.0, 0, 0.0)][0] == "misconfigured"
    with pytest.raises(DiveConfigError):
        read_dive_ci("rules: 0.9\n")


def test_fact_rule_has_an_explanation_page_and_groups_findings():
    from studio.core import parse
    from studio.core.lint import rule_docs
    from studio.core.lint.rules_facts import BuriedFact, buried_findings

    page = rule_docs("deleted-in-later-layer")
    assert "Before:" in page and "After:" in page and "builder stage" in page
    text = "FROM busybox\nRUN make\nRUN rm -rf /build\n"
    facts = [BuriedFact("/build/a.o", 5000, 2, 3, "deleted"), BuriedFact("/build/b.o", 9000, 2, 3, "deleted"),
             BuriedFact("/etc/x", 10, 2, 3, "overwritten")]
    (finding,) = buried_findings(parse(text), facts)
    assert finding.line == 3 and text[finding.start:finding.end] == "RUN rm -rf /build"
    assert finding.message.startswith("2 files (14.0 kB, the largest `/build/b.o`) are written at line 2")


def test_compare_files_largest_change_first_and_tied_to_lines():
    from studio.core.layer_files import compare_files

    before = {"app": (100, 5, 1), "old.txt": (50, 4, 1), "same": (7, 3, 0)}
    after = {"app": (400, 6, 1), "new.bin": (1000, 7, 1), "same": (7, 3, 0)}
    assert [(d.path, d.change, d.delta, d.line) for d in compare_files(before, after)] == [
        ("/new.bin", "appeared", 1000, 7), ("/app", "grew", 300, 6), ("/old.txt", "vanished", -50, 4)]
