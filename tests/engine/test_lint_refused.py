"""Lint's errors are the engine's: every file here is built on the real engine. Where the
engine refuses it, lint has an error on that line in BuildKit's words; where the engine
builds it, lint has no error at all."""
from __future__ import annotations

import pytest

from studio.core import parse
from studio.core.lint import lint, parser_only

B = "stage-studio-test/busybox:latest"

# name -> (Dockerfile, line BuildKit names, BuildKit's words: case aside, both engines say them)
REFUSED = {
    "env-without-value": (f"FROM {B}\nENV VERSION\n", 2, "ENV must have two arguments"),
    "label-without-value": (f"FROM {B}\nLABEL foo\n", 2, "LABEL must have two arguments"),
    "env-word-without-equals": (f"FROM {B}\nENV a=1 b\n", 2, "can't find = in \"b\""),
    "env-blank-name": (f"FROM {B}\nENV a=1 =2\n", 2, "ENV names can not be blank"),
    "env-empty": (f"FROM {B}\nENV\n", 2, "ENV requires at least one argument"),
    "arg-blank-name": (f"FROM {B}\nARG =x\n", 2, "ARG names can not be blank"),
    "label-before-from": (f"LABEL a=b\nFROM {B}\n", 1, "no build stage in current context"),
    "copy-one-argument": (f"FROM {B}\nCOPY onlyone\n", 2, "COPY requires at least two arguments"),
    "add-json-one-argument": (f"FROM {B}\nADD [\"a\"]\n", 2, "ADD requires at least two arguments"),
    "workdir-empty": (f"FROM {B}\nWORKDIR\n", 2, "WORKDIR requires exactly one argument"),
    "user-empty": (f"FROM {B}\nUSER\n", 2, "USER requires exactly one argument"),
    "expose-empty": (f"FROM {B}\nEXPOSE\n", 2, "EXPOSE requires at least one argument"),
    "expose-bad-port": (f"FROM {B}\nEXPOSE abc\n", 2, "Invalid containerPort: abc"),
    "expose-bad-proto": (f"FROM {B}\nEXPOSE 80/foo\n", 2, "Invalid proto: foo"),
    "stopsignal-bad": (f"FROM {B}\nSTOPSIGNAL SIGFOO\n", 2, "invalid signal: SIGFOO"),
    "shell-not-json": (f"FROM {B}\nSHELL sh -c\n", 2, "SHELL requires the arguments to be in JSON form"),
    "volume-empty-string": (f"FROM {B}\nVOLUME [\"\"]\n", 2, "VOLUME specified can not be an empty string"),
    "healthcheck-type": (f"FROM {B}\nHEALTHCHECK FOO\n", 2, "Unknown type \"FOO\" in HEALTHCHECK (try CMD)"),
    "healthcheck-none-args": (f"FROM {B}\nHEALTHCHECK NONE x\n", 2, "HEALTHCHECK NONE takes no arguments"),
    "healthcheck-duration": (f"FROM {B}\nHEALTHCHECK --interval=x CMD y\n", 2, "invalid duration \"x\""),
    "healthcheck-no-command": (f"FROM {B}\nHEALTHCHECK CMD\n", 2, "Missing command after HEALTHCHECK CMD"),
    "onbuild-from": (f"FROM {B}\nONBUILD FROM x\n", 2, "FROM isn't allowed as an ONBUILD trigger"),
    "onbuild-env-without-value": (f"FROM {B}\nONBUILD ENV VERSION\n", 2, "ENV must have two arguments"),
    "onbuild-onbuild": (f"FROM {B}\nONBUILD ONBUILD RUN x\n", 2, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"),
    "unknown-flag": (f"FROM {B}\nCOPY --foo=1 a b\n", 2, "unknown flag: foo"),
    "flag-on-cmd": (f"FROM {B}\nCMD --foo\n", 2, "unknown flag: foo"),
    "flag-without-value": (f"FROM {B}\nCOPY --from a.txt /a\n", 2, "missing a value on flag: from"),
    "duplicate-flag": (f"FROM {B} AS a\nFROM {B}\nCOPY --from=a --from=a /bin/sh /x\n", 3,
                       "duplicate flag specified: from"),
    "from-two-words": (f"FROM {B} b\n", 1, "FROM requires either one or three arguments"),
    "stage-name-symbols": (f"FROM {B} AS 1abc\n", 1, "invalid name for build stage: \"1abc\""),
    "stage-name-not-ascii": (f"FROM {B} AS baußé\n", 1, "invalid name for build stage: \"baußé\""),
    "from-upper-case": ("FROM Busy:Box\n", 1, "failed to parse stage name \"Busy:Box\": invalid reference format"),
    "platform-unreadable": (f"FROM --platform=a/b/c/d {B}\n", 1, "failed to parse platform a/b/c/d"),
    "empty-base": ("ARG E\nFROM ${E}\n", 2, "base name (${E}) should not be blank"),
    "stage-index": (f"FROM {B}\nCOPY --from=5 /a /b\n", 2, "invalid stage index 5"),
    "cycle": (f"FROM {B} AS a\nCOPY --from=b /x /x\nFROM {B} AS b\nCOPY --from=a /x /x\n", 3,
              "circular dependency detected on stage"),
    "mount-type": (f"FROM {B}\nRUN --mount=type=foo,target=/x true\n", 2, "unsupported mount type \"foo\""),
    "mount-key": (f"FROM {B}\nRUN --mount=type=bind,foo=bar,target=/x true\n", 2, "unexpected key 'foo' in 'foo=bar'"),
    "mount-at-root": (f"FROM {B}\nWORKDIR /\nRUN --mount=type=cache true\n", 3, "invalid mount target \"/\""),
    "unknown-instruction": (f"FROM {B}\nFOO bar\n", 2, "unknown instruction: FOO"),
}

# Files both engines build (checked by these tests): lint must not call them errors.
BUILT = {
    "mount-from-without-target": f"FROM {B} AS bin\nRUN echo hi > /hello\nFROM {B}\nWORKDIR /w\n"
                                 "RUN --mount=from=bin cat /w/hello\n",
    "duplicate-stage-names": f"FROM {B} AS x\nRUN echo 1 > /f\nFROM {B} AS x\nRUN echo 2 > /f\n"
                             f"FROM {B}\nCOPY --from=x /f /f\n",
    "reserved-stage-names": f"FROM {B} AS scratch\nFROM {B} AS context\n",
    "legacy-env": f"FROM {B}\nENV A b c\nLABEL K v w\nARG a=1 b\n",
    "one-word-instructions": f"FROM {B}\nWORKDIR a b\nMAINTAINER a b\nRUN\nCMD\nENTRYPOINT\nUSER a b\n",
    "ports-and-signals": f"FROM {B}\nEXPOSE 80 53/udp 80:90 8000-8010/tcp\nSTOPSIGNAL 9\n"
                         "STOPSIGNAL SIGTERM\n",
    "onbuild-copy-from": f"FROM {B}\nONBUILD COPY --from=x /a /b\nONBUILD COPY x\n"
                         "ONBUILD COPY --foo=1 a b\nONBUILD ENV\n",
    "later-stage": f"FROM {B} AS a\nCOPY --from=b /x /x\nFROM {B} AS b\nRUN echo > /x\n",
    "chmod-and-empty-chown": f"FROM {B}\nCOPY --chmod=755 a.txt /a\nCOPY --chown= a.txt /b\n",
    "bind-at-workdir": f"FROM {B}\nWORKDIR /w\nRUN --mount=type=bind ls /w/a.txt\n",
}


def _errors(text: str):
    doc = parse(text)
    findings = lint(doc)
    every = list(findings) + parser_only(doc.graph().diagnostics, findings)
    return [d for d in every if d.severity == "error"]


@pytest.mark.engine
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_what_the_engine_refuses_lint_calls_an_error_in_its_words(name, run_build, tmp_path):
    text, line, words = REFUSED[name]
    (tmp_path / "a.txt").write_text("a\n")
    _, result, _ = run_build(text, context=tmp_path)
    assert not result.ok
    assert words.lower() in result.error.message.lower(), result.error.message
    errors = _errors(text)
    assert any(d.line == line and words.lower() in d.message.lower() for d in errors), errors


@pytest.mark.engine
@pytest.mark.parametrize("name", sorted(BUILT))
def test_what_the_engine_builds_lint_gives_no_error(name, run_build, tmp_path):
    text = BUILT[name]
    (tmp_path / "a.txt").write_text("a\n")
    _, result, _ = run_build(text, context=tmp_path)
    assert result.ok, result.error and result.error.message
    assert _errors(text) == []


LATER_AND_BUILT = {  # the target needs stage a, which uses stage b defined after it
    "copy-by-name": f"FROM {B} AS a\nCOPY --from=b /b.txt /b.txt\nFROM {B} AS b\nRUN echo b > /b.txt\nFROM a\n",
    "copy-by-index": f"FROM {B} AS a\nCOPY --from=1 /b.txt /b.txt\nFROM {B} AS b\nRUN echo b > /b.txt\nFROM a\n",
    "mount": f"FROM {B} AS a\nRUN --mount=from=b,target=/m cat /m/b.txt\nFROM {B} AS b\nRUN echo b > /b.txt\n"
             "FROM a\n",
}


@pytest.mark.engine
@pytest.mark.parametrize("name", sorted(LATER_AND_BUILT))
def test_a_built_stage_that_uses_a_later_one_fails_and_lint_says_error(name, run_build, tmp_path):
    """Docker 26 refuses it in words, 20.10 runs it against an empty stage and fails; either
    way lint's finding on that line is an error (a warning while the target skips stage a:
    the "later-stage" file of BUILT)."""
    text = LATER_AND_BUILT[name]
    _, result, _ = run_build(text, context=tmp_path)
    assert not result.ok
    errors = _errors(text)
    assert [d.line for d in errors if d.code == "from-later-stage"] == [2], errors
    warned = [d for d in parse(BUILT["later-stage"]).graph().diagnostics if d.code == "from-later-stage"]
    assert [d.severity for d in warned] == ["warning"]
