"""Word splitting and unquoting with each escape rule the parser needs."""
from __future__ import annotations

from studio.core.flags import extract_flags
from studio.core.shell import raw_words, unquote


def test_raw_words_keep_quotes_and_escapes():
    assert raw_words('cat <<"EOF" a\\ b \'x y\'') == ["cat", '<<"EOF"', "a\\ b", "'x y'"]
    assert raw_words("C:\\app `\"q r` s", "`") == ["C:\\app", '`"q', "r` s"]  # ` escapes the space


def test_unquote_rules():
    assert unquote('"a b"\\ c') == "a b c"
    assert unquote("'a\\b'") == "a\\b"  # single quotes are literal in the shell
    assert unquote("'a\\'b'", single_quote_escapes=True) == "a'b"  # BuildKit's flag rule
    assert unquote('C:\\app"x y"`"', "`") == 'C:\\appx y"'
    assert unquote("plain") == "plain"


def test_flag_values_are_unquoted_with_spans_as_written():
    line = "--mount=type=secret,id=\"a b\" --x='it\\'s' rest"
    flags, rest = extract_flags(line, 0)
    assert [(f[0], f[1]) for f in flags] == [("mount", "type=secret,id=a b"), ("x", "it's")]
    assert line[flags[0][4]:flags[0][5]] == 'type=secret,id="a b"'
    assert line[rest:] == "rest"
