"""The .dockerignore matcher against Docker's documented semantics (no engine needed)."""
from __future__ import annotations

import pytest

from studio.engine.dockerignore import IgnoreMatcher, IgnoreSyntaxError, clean, parse_lines


def ignored(patterns: str, path: str) -> bool:
    return IgnoreMatcher.from_text(patterns).ignored(path)


@pytest.mark.parametrize("path, expected", [
    ("somedir/temporary.txt", True), ("somedir/temp", True), ("temp", False),
    ("somedir/sub/temp", False),
])
def test_star_matches_one_level_only(path, expected):
    # docs example: "*/temp*" excludes files starting with temp in any immediate subdirectory
    assert ignored("*/temp*", path) is expected


def test_two_level_star_and_question_mark():
    assert ignored("*/*/temp*", "somedir/subdir/temporary.txt")
    assert not ignored("*/*/temp*", "somedir/temporary.txt")
    assert ignored("temp?", "tempa") and not ignored("temp?", "tempab") and not ignored("temp?", "temp/")


def test_double_star_crosses_directories():
    assert ignored("**/*.go", "a.go") and ignored("**/*.go", "x/y/z.go")
    assert not ignored("**/*.go", "x/y/z.gox")
    assert ignored("docs/**", "docs/a/b") and not ignored("docs/**", "docs")


def test_last_match_wins_with_exceptions():
    # docs: *.md, !README*.md, README-secret.md -> only README-secret.md of the READMEs excluded
    rules = "*.md\n!README*.md\nREADME-secret.md\n"
    assert ignored(rules, "CHANGES.md")
    assert not ignored(rules, "README.md")
    assert ignored(rules, "README-secret.md")
    # order matters: with the exception last, every README comes back
    assert not ignored("*.md\nREADME-secret.md\n!README*.md\n", "README-secret.md")


def test_parent_directory_match_excludes_children():
    assert ignored("build", "build/out/app.bin")
    assert not ignored("build", "src/build.c")


def test_leading_slash_and_dot_are_cleaned():
    assert parse_lines("/foo/bar\n./baz\nqux/../quux\n  # comment\n\n  spaced  \n") == ["foo/bar", "baz", "quux", "spaced"]
    assert ignored("/foo", "foo") and ignored("./foo", "foo/x")


def test_comments_and_bang_rules():
    assert parse_lines("# only a comment\n!keep\n") == ["!keep"]
    with pytest.raises(IgnoreSyntaxError):
        parse_lines("!\n")


def test_escapes_and_classes():
    assert ignored("file\\*", "file*") and not ignored("file\\*", "fileX")
    assert ignored("[ab].txt", "a.txt") and not ignored("[ab].txt", "c.txt")
    assert ignored("[^a].txt", "b.txt") and not ignored("[^a].txt", "a.txt")
    assert ignored("a.b", "a.b") and not ignored("a.b", "axb")  # "." is literal


@pytest.mark.parametrize("pattern, hits, misses", [
    ("br[a-c].txt", ["bra.txt", "brb.txt", "brc.txt"], ["br-.txt", "brd.txt"]),  # a range, as in Go
    ("top[0-9]", ["top1"], ["topx", "top-"]),
    ("[[]lit].txt", ["[lit].txt"], ["lit].txt"]),  # "[[]" is a class holding "["
    ("[]a]x", ["]x", "ax"], ["bx"]),  # a first "]" is a member
    ("[[:digit:]]*", ["9lives"], ["lives9"]),
    ("[^[:alpha:]]x", ["1x"], ["ax"]),
    ("a&&b[&&]", ["a&&b&"], ["a&&bb"]),
    ("file$", ["file$"], ["file"]),  # "$" is text
])
def test_classes_read_as_gos_regexp_reads_them(pattern, hits, misses):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Python's FutureWarning on "[[" would be a bug here
        matcher = IgnoreMatcher.from_text(pattern)
    for path in hits:
        assert matcher.ignored(path) and matcher.ignored_classic(path), path
        assert matcher.ignored_buildkit(path, None)[0], path
    for path in misses:
        assert not matcher.ignored(path) and not matcher.ignored_buildkit(path, None)[0], path


def test_buildkit_compares_a_pattern_without_wildcards_as_text():
    """BuildKit-era clients match "a^b" exactly; the classic CLI's regexp reads "^" as an anchor."""
    matcher = IgnoreMatcher.from_text("a^b\nkeep^**\n")
    assert matcher.ignored_buildkit("a^b", None)[0] and not matcher.ignored_classic("a^b")
    assert matcher.ignored_buildkit("keep^x/y", None)[0]


@pytest.mark.parametrize("pattern", ["\\pL", "x[[:nope:]]", "[c-a]"])
def test_what_python_cannot_read_as_go_does_is_refused(pattern):
    with pytest.raises(IgnoreSyntaxError):
        IgnoreMatcher.from_text(pattern)


def test_walk_reinclusion_only_for_literal_prefixes():
    m = IgnoreMatcher.from_text("build\n!build/keep.txt\n!**/other\n")
    assert m.may_reinclude_below("build")
    assert not m.may_reinclude_below("vendor")
    assert not m.ignored("build/keep.txt") and m.ignored("build/drop.txt")


def test_clean_matches_go_filepath_clean():
    assert clean("a//b/./c/..") == "a/b" and clean("/../x") == "/x" and clean("") == "."
    assert clean("../a") == "../a" and clean("./") == "."
