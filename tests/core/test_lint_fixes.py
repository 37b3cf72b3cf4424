"""Quick fixes: they touch only their edit ranges, and after applying one the finding is
gone. Also the ``# check=`` directive (skip, skip=all, error=true)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.core import apply_edits, parse
from studio.core.lint import StaleFix, fix_all, lint, suppress_edits
from lint_cases import CASES


def splice_check(text: str, edits, new_text: str) -> None:
    """Every byte outside the edits' ranges is unchanged and in order."""
    pos, out = 0, 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        assert pos <= e.start <= e.end <= len(text)
        kept = text[pos:e.start]
        assert new_text[out:out + len(kept)] == kept
        out += len(kept)
        assert new_text[out:out + len(e.new_text)] == e.new_text
        out += len(e.new_text)
        pos = e.end
    assert new_text[out:] == text[pos:]


def fixable_findings(text: str):
    return [f for f in lint(parse(text)) if f.fix is not None]


FIXABLE = sorted({f.code for code in CASES for f in fixable_findings(CASES[code][0])})


def test_the_rules_that_should_have_fixes_do():
    assert {"StageNameCasing", "FromAsCasing", "NoEmptyContinuation",
            "ConsistentInstructionCasing", "JSONArgsRecommended", "MaintainerDeprecated",
            "MultipleInstructionsDisallowed", "LegacyKeyValueFormat", "RedundantTargetPlatform",
            "ExposeProtoCasing", "ExposeInvalidFormat", "copy-from-index",
            "package-cache", "ApkAddWithoutNoCache",
            "AptInstallRecommends"} <= set(FIXABLE)  # add-instead-of-copy: only with a context


@pytest.mark.parametrize("code", FIXABLE)
def test_fix_touches_only_its_span_and_clears_the_finding(code):
    text = CASES[code][0]
    doc = parse(text)
    before = [f for f in lint(doc) if f.code == code]
    finding = next(f for f in before if f.fix is not None)
    edits = finding.fix(doc)
    assert edits
    new_text = apply_edits(text, edits)
    splice_check(text, edits, new_text)
    after = [f for f in lint(parse(new_text)) if f.code == code]
    assert len(after) < len(before), (new_text, after)
    assert not [d for d in parse(new_text).diagnostics if d.severity == "error"]


@pytest.mark.parametrize("text,code,expected", [
    ("FROM alpine:3 AS Build\nFROM alpine:3\nCOPY --from=Build /a /a\n", "StageNameCasing",
     "FROM alpine:3 AS build\nFROM alpine:3\nCOPY --from=build /a /a\n"),
    ("FROM alpine:3 as b\n", "FromAsCasing", "FROM alpine:3 AS b\n"),
    ("FROM a:1\nRUN x \\\n\n   \n y\n", "NoEmptyContinuation", "FROM a:1\nRUN x \\\n y\n"),
    ("FROM a:1\nCMD app --serve 8080\n", "JSONArgsRecommended",
     'FROM a:1\nCMD ["app", "--serve", "8080"]\n'),
    ("FROM a:1\nMAINTAINER Ada <a@b.c>\n", "MaintainerDeprecated",
     'FROM a:1\nLABEL org.opencontainers.image.authors="Ada <a@b.c>"\n'),
    ("FROM a:1\nCMD [\"x\"]\nCMD [\"y\"]\n", "MultipleInstructionsDisallowed",
     "FROM a:1\nCMD [\"y\"]\n"),
    ("FROM a:1\nENV A some value\n", "LegacyKeyValueFormat", 'FROM a:1\nENV A="some value"\n'),
    ("FROM a:1\nLABEL A b\n", "LegacyKeyValueFormat", "FROM a:1\nLABEL A=b\n"),
    ("FROM --platform=$TARGETPLATFORM a:1\n", "RedundantTargetPlatform", "FROM a:1\n"),
    ("FROM a:1\nEXPOSE 1 80/TCP\n", "ExposeProtoCasing", "FROM a:1\nEXPOSE 1 80/tcp\n"),
    ("FROM a:1\nEXPOSE 8080:80/tcp\n", "ExposeInvalidFormat", "FROM a:1\nEXPOSE 80/tcp\n"),
    ("FROM a:1 AS b\nFROM c:1\nCOPY --from=0 /x /x\n", "copy-from-index",
     "FROM a:1 AS b\nFROM c:1\nCOPY --from=b /x /x\n"),
    ("FROM a:1\nFROM c:1\nCOPY --from=0 /x /x\n", "copy-from-index",
     "FROM a:1 AS stage-0\nFROM c:1\nCOPY --from=stage-0 /x /x\n"),
    ("from a:1\nfrom c:1\nrun --mount=type=bind,from=0,target=/m ls /m\n", "copy-from-index",
     "from a:1 as stage-0\nfrom c:1\nrun --mount=type=bind,from=stage-0,target=/m ls /m\n"),
    ("FROM debian:12\nRUN apt-get update && apt-get install -y curl\n", "package-cache",
     "FROM debian:12\nRUN apt-get update && apt-get install -y curl"
     " && rm -rf /var/lib/apt/lists/*\n"),
    ("FROM alpine:3\nRUN apk add curl\n", "ApkAddWithoutNoCache",
     "FROM alpine:3\nRUN apk add --no-cache curl\n"),
    ("FROM python:3-slim\nRUN pip install flask\n", "package-cache",
     "FROM python:3-slim\nRUN pip install --no-cache-dir flask\n"),
    ("FROM a:1\nRUN apk add x\nRUN x --version\n", "ConsecutiveRunInstructions",
     "FROM a:1\nRUN apk add x \\\n && x --version\n"),
    ("# escape=`\r\nFROM a:1\r\nRUN a\r\nRUN b\r\n", "ConsecutiveRunInstructions",
     "# escape=`\r\nFROM a:1\r\nRUN a `\r\n && b\r\n"),
    ("FROM a:1\nRUN useradd -u 100000 app\n", "UseraddWithoutNoLogInit",
     "FROM a:1\nRUN useradd -l -u 100000 app\n"),
    ("FROM a:1\nRUN apt-get update && apt-get install -y x\n", "AptInstallRecommends",
     "FROM a:1\nRUN apt-get update && apt-get install --no-install-recommends -y x\n"),
    ("FROM a:1\r\nRun x\r\nRUN y\r\nRUN z\r\n", "ConsistentInstructionCasing",
     "FROM a:1\r\nRUN x\r\nRUN y\r\nRUN z\r\n"),
])
def test_fix_results(text, code, expected):
    doc = parse(text)
    (finding,) = [f for f in lint(doc) if f.code == code]
    assert finding.fix is not None and finding.fix_title
    assert apply_edits(text, finding.fix(doc)) == expected


@pytest.mark.parametrize("text,code", [
    ("FROM a:1\nCMD echo $HOME | grep x\n", "JSONArgsRecommended"),
    ("FROM a:1\nCMD exec app\n", "JSONArgsRecommended"),
    ("FROM a:1\nENTRYPOINT DEBUG=1 app\n", "JSONArgsRecommended"),
    ("FROM a:1\nENV A \"quoted value\"\n", "LegacyKeyValueFormat"),
    ("FROM debian:12\nRUN apt-get update && apt-get install -y curl; \n", "package-cache"),
    # A later RUN installs with the lists: removing them here would break it.
    ("FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y vim\n",
     "package-cache"),
    ("FROM debian:12 AS base\nRUN apt-get update && apt-get install -y curl\n"
     "FROM base\nRUN apt-get install -y vim\n", "package-cache"),
    # A later RUN might need a recommended package.
    ("FROM debian:12\nRUN apt-get update && apt-get install -y git\nRUN git --version\n",
     "AptInstallRecommends"),
    # Joining would carry the cd / the export / the comment over to the next command.
    ("FROM a:1\nRUN cd /src\nRUN make\n", "ConsecutiveRunInstructions"),
    ("FROM a:1\nRUN export A=1\nRUN make\n", "ConsecutiveRunInstructions"),
    ("FROM a:1\nRUN make # build\nRUN ls\n", "ConsecutiveRunInstructions"),
    ("FROM a:1\nRUN --mount=type=cache,target=/c make\nRUN ls\n", "ConsecutiveRunInstructions"),
    # Before the first FROM a LABEL is refused as MAINTAINER is.
    ("MAINTAINER me\nFROM debian:12\n", "MaintainerDeprecated"),
    ("FROM a:1\nADD --checksum=sha256:abc x /x\n", None),
    # Without the build context, x may be a tar archive, which ADD unpacks whatever its name.
    ("FROM a:1\nADD x /x\n", "add-instead-of-copy"),
])
def test_no_fix_where_it_would_not_be_safe(text, code):
    found = [f for f in lint(parse(text)) if code is None or f.code == code]
    if code is None:
        assert "add-instead-of-copy" not in [f.code for f in found]
    else:
        assert found and all(f.fix is None for f in found)


def test_a_fix_refuses_a_changed_text():
    text = "FROM a:1 as b\n"
    (f,) = [f for f in lint(parse(text)) if f.code == "FromAsCasing"]
    with pytest.raises(StaleFix):
        f.fix(parse(text + "RUN x\n"))


def test_fix_all_applies_every_safe_fix():
    text = ("FROM alpine:3 as Build\nrun apk add make\nMAINTAINER me\nFROM alpine:3\n"
            "COPY --from=0 /x /x\nEXPOSE 80/TCP\nCMD run --now\n")
    new, fixed = fix_all(text)
    assert not [f for f in lint(parse(new)) if f.fix is not None]
    assert "COPY --from=build /x /x" in new and "80/tcp" in new and "RUN apk" in new
    assert {"FromAsCasing", "StageNameCasing", "MaintainerDeprecated", "copy-from-index",
            "ExposeProtoCasing", "JSONArgsRecommended", "ConsistentInstructionCasing"} <= \
        {f.code for f in fixed}
    assert fix_all(new) == (new, [])


# ---------------------------------------------------------------- the check directive


def test_check_skip_names_rules():
    text = "# check=skip=StageNameCasing,FromAsCasing\nFROM alpine:3 as Build\nMAINTAINER x\n"
    found = {f.code for f in lint(parse(text))}
    assert "StageNameCasing" not in found and "FromAsCasing" not in found
    assert "MaintainerDeprecated" in found


def test_check_skip_all_and_kebab_codes():
    body = "FROM alpine as Build\nMAINTAINER x\n"
    assert lint(parse("# check=skip=all\n" + body)) == []
    found = {f.code for f in lint(parse("# check=skip=unpinned-base-image\n" + body))}
    assert "unpinned-base-image" not in found and "MaintainerDeprecated" in found


def test_check_error_true_raises_buildkit_rules_only():
    text = "# check=error=true\nFROM alpine as b\n"
    by_code = {f.code: f.severity for f in lint(parse(text))}
    assert by_code["FromAsCasing"] == "error"
    assert by_code["unpinned-base-image"] == "warning"
    text = "# check=skip=FromAsCasing;error=true\nFROM alpine as b\nMAINTAINER x\n"
    by_code = {f.code: f.severity for f in lint(parse(text))}
    assert "FromAsCasing" not in by_code and by_code["MaintainerDeprecated"] == "error"


def test_check_directive_below_an_instruction_is_just_a_comment():
    text = "FROM alpine:3 as b\n# check=skip=all\n"
    assert "FromAsCasing" in {f.code for f in lint(parse(text))}


# ---------------------------------------------------------------- property: fixes are local

_lines = st.sampled_from([
    "FROM alpine:3 as Build", "from alpine:3", "RUN apk add curl", "run apt-get install -y x",
    "COPY --from=0 /a /b", "EXPOSE 80/TCP 1:2", "ENV K v", "CMD a b", "CMD [\"x\"]",
    "MAINTAINER m", "ADD f /f", "WORKDIR rel", "# comment", "", "RUN a \\", "FROM --platform=$TARGETPLATFORM b:1",
    "ARG TOKEN", "RUN echo $TOKEN",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_lines, min_size=1, max_size=10), st.sampled_from(["\n", "\r\n"]))
def test_every_fix_is_local(lines, nl):
    text = nl.join(lines) + nl
    doc = parse(text)
    for f in lint(doc):
        assert f.code != "lint-internal", f.message
        if f.fix is None:
            continue
        edits = f.fix(doc)
        new_text = apply_edits(text, edits)
        splice_check(text, edits, new_text)
        assert parse(new_text).text == new_text


_fragments = st.sampled_from([
    "FROM ", "from ", " AS ", " as ", "ARG ", "ENV ", "RUN ", "COPY ", "ADD ", "EXPOSE ",
    "WORKDIR ", "CMD ", "ONBUILD ", "--from=", "--platform=", "--mount=type=cache,target=/x ",
    "$", "${", "}", ":-", "\\", "\n", "\r\n", " ", "#", "# check=skip=all\n", "<<EOF\n", "EOF\n",
    "[\"a\", ", "]", "\"", "'", "=", "0", "1", ":", "/", "alpine", "a:1", "TOKEN", "\ufeff",
])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_fragments, st.text(max_size=3)), max_size=30))
def test_lint_never_breaks_on_garbage(parts):
    text = "".join(parts)
    doc = parse(text)
    for f in lint(doc):
        assert f.code != "lint-internal", f.message
        assert 1 <= f.line <= f.end_line
        assert 0 <= f.start <= f.end <= len(text)
        if f.fix is not None:
            edits = f.fix(doc)
            splice_check(text, edits, apply_edits(text, edits))


@pytest.mark.parametrize("text,expected", [
    ("FROM alpine as b\n", "# check=skip=FromAsCasing\nFROM alpine as b\n"),
    ("\ufeffFROM alpine as b\r\n", "\ufeff# check=skip=FromAsCasing\r\nFROM alpine as b\r\n"),
    ("# syntax=docker/dockerfile:1\n#  check = skip=A ; error=true\nFROM alpine as b\n",
     "# syntax=docker/dockerfile:1\n#  check = skip=A,FromAsCasing;error=true\nFROM alpine as b\n"),
    ("# check=error=true\nFROM alpine as b\n",
     "# check=skip=FromAsCasing;error=true\nFROM alpine as b\n"),
])
def test_suppress_adds_the_rule_to_the_check_directive(text, expected):
    doc = parse(text)
    edits = suppress_edits(doc, "FromAsCasing")
    new = apply_edits(text, edits)
    assert new == expected
    splice_check(text, edits, new)
    assert "FromAsCasing" not in {f.code for f in lint(parse(new))}
    assert suppress_edits(parse(new), "FromAsCasing") == []
