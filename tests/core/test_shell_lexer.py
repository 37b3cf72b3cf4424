"""The shell lexer against BuildKit's rules: every expansion form, glob patterns, quotes,
the escape directive and word splitting. Properties compare the pattern forms with a
plain reading of POSIX (the shortest or longest prefix/suffix that matches the glob)."""
from __future__ import annotations

import fnmatch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.core.shell import lex, newer_form, split_words, var_refs

ENV = {"V": "abcabc", "EMPTY": "", "IMG": "busybox-x", "PATHV": "/usr/local/bin"}


@pytest.mark.parametrize("word,expected", [
    ("${V#a*c}", "abc"), ("${V##a*c}", ""), ("${V%a*c}", "abc"), ("${V%%a*c}", ""),
    ("${V#b}", "abcabc"), ("${V#?}", "bcabc"), ("${V%?}", "abcab"),
    ("${V/b/X}", "aXcabc"), ("${V//b/X}", "aXcaXc"), ("${V/b*/X}", "aX"), ("${V//?/-}", "------"),
    ("${V/z/X}", "abcabc"), ("${V//b/}", "acac"),
    ("${IMG%-x}", "busybox"), ("${IMG%%-*}", "busybox"), ("${IMG#*-}", "x"),
    ("${PATHV##*/}", "bin"), ("${PATHV%/*}", "/usr/local"), ("${PATHV//\\//:}", ":usr:local:bin"),
    ("${NOPE#x}", ""), ("${NOPE/a/b}", ""), ("${EMPTY%%*}", ""),
    ("${V#$EMPTY}", "abcabc"), ("${V#${IMG%%-*}}", "abcabc"),
    ("${V:-x}", "abcabc"), ("${NOPE:-$IMG}", "busybox-x"), ("${EMPTY-x}", ""), ("${EMPTY:-x}", "x"),
    ("${V:+y}", "y"), ("${EMPTY+y}", "y"), ("${EMPTY:+y}", ""), ("${NOPE+y}", ""),
    ("${V?}", "abcabc"), ("${V:?m}", "abcabc"),
    ("\"${V#a}\"", "bcabc"), ("'${V#a}'", "${V#a}"), ("\\${V}", "${V}"), ("$", "$"), ("a$-b", "ab"),
])
def test_forms(word, expected):
    result = lex(word, ENV)
    assert (result.text, result.error) == (expected, None)


def test_pattern_escapes_and_errors():
    assert lex("${V#\\*}", {"V": "*x"}).text == "x"  # an escaped star is a star
    assert lex("${V%\\?}", {"V": "x?"}).text == "x"
    assert "invalid escape" in lex("${V#\\a}", ENV).error
    assert "missing '/'" in lex("${V/a", ENV).error


def test_the_escape_directive_changes_the_escape_character():
    assert split_words("C:\\app `\"q r` s", "`") == ["C:\\app", '"q', "r s"]
    assert lex("`$V", ENV, "`").text == "$V"
    assert lex("\\$V", ENV, "`").text == "\\abcabc"


def test_words_split_after_expansion_but_not_inside_quotes():
    assert lex('$SP "$SP" x', {"SP": "a b"}).words == ["a", "b", "a b", "x"]
    assert split_words('MSG="hello world" B') == ["MSG=hello world", "B"]


def test_references_are_found_as_written():
    refs = var_refs("a ${V%%-*} '$NOT' \"$Y\" ${Z:-$W}")
    assert [(r.name, r.modifier) for r in refs] == [("V", "%%"), ("Y", ""), ("W", ""), ("Z", ":-")]


def test_newer_forms_name_the_release_that_added_them():
    def versions(word):
        return [newer_form(r) for r in var_refs(word)]

    assert versions("${A:-x}${A:+x}${A:?x}${A?x}$A${A}") == [None] * 6
    assert versions("${A-x}${A+x}") == [("1.6", "0.12", "25.0")] * 2
    assert versions("${A#p}${A##p}${A%p}${A%%p}${A/a/b}${A//a/b}") == [("1.7", "0.13", "26.0")] * 6


# ---------------------------------------------------------------- properties

VALUE = st.text(alphabet="ab.-", max_size=8)
GLOB = st.text(alphabet="ab.*?", max_size=5)


def posix_trim(op: str, value: str, pattern: str) -> str:
    """The POSIX meaning, by brute force: remove the shortest/longest matching prefix
    (``#``/``##``) or suffix (``%``/``%%``)."""
    n = len(value)
    if op in ("#", "##"):
        cuts = range(n + 1) if op == "#" else range(n, -1, -1)
        return next((value[i:] for i in cuts if fnmatch.fnmatchcase(value[:i], pattern)), value)
    cuts = range(n, -1, -1) if op == "%" else range(n + 1)
    return next((value[:i] for i in cuts if fnmatch.fnmatchcase(value[i:], pattern)), value)


@settings(max_examples=400, deadline=None)
@given(VALUE, GLOB, st.sampled_from(["#", "##", "%", "%%"]))
def test_trimming_matches_posix(value, pattern, op):
    assert lex(f"${{V{op}{pattern}}}", {"V": value}).text == posix_trim(op, value, pattern)


@settings(max_examples=300, deadline=None)
@given(VALUE, st.text(alphabet="ab.-", min_size=1, max_size=3), st.text(alphabet="xy.", max_size=3))
def test_literal_replacement_is_str_replace(value, old, new):
    assert lex(f"${{V/{old}/{new}}}", {"V": value}).text == value.replace(old, new, 1)
    assert lex(f"${{V//{old}/{new}}}", {"V": value}).text == value.replace(old, new)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab c$'\"\\{}=", min_size=1, max_size=6), max_size=4))
def test_single_quoted_words_come_back_as_they_were(words):
    words = [w.replace("'", "") or "x" for w in words]
    assert split_words(" ".join(f"'{w}'" for w in words)) == [w for w in words]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab $:{}#%/?*-+'\"\\`V", max_size=20), st.sampled_from(["\\", "`"]))
def test_lexing_never_raises_and_plain_text_is_unchanged(text, escape):
    lex(text, ENV, escape)
    lex(text, None, escape)
    plain = "".join(c for c in text if c not in "$'\"\\`")
    assert lex(plain, ENV, escape).text == plain
