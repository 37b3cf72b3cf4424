"""Every lint rule fires on a small positive example and stays quiet on a negative one."""
from __future__ import annotations

import pytest

from studio.core import parse
from studio.core.lint import RULES, lint

from lint_cases import CASES, CONFIGS


def codes(text: str, **kw) -> list[str]:
    return [f.code for f in lint(parse(text), **kw)]


def test_every_rule_has_cases():
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fires_on_positive_example(code):
    # A fresh document and only this rule: rules must not depend on each other's order.
    found = lint(parse(CASES[code][0]), enabled={code}, config=CONFIGS.get(code))
    assert found, f"{code} did not fire"
    for f in found:
        assert f.rule is RULES[code]
        assert f.message and f.line >= 1 and f.end_line >= f.line
        assert f.severity == RULES[code].severity


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_quiet_on_negative_example(code):
    assert code not in codes(CASES[code][1], config=CONFIGS.get(code))


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_documentation_is_complete(code):
    r = RULES[code]
    assert r.summary and "\n" not in r.summary
    assert len(r.explanation) > 60 and r.example_before and r.example_after
    assert r.example_before != r.example_after
    assert r.buildkit == (code in BUILDKIT_CHECKS)


# BuildKit's own check names (docker build --check); our newer rules are named in its
# style (CamelCase) but are not BuildKit's, so they link no Docker page.
BUILDKIT_CHECKS = {
    "StageNameCasing", "FromAsCasing", "NoEmptyContinuation", "ConsistentInstructionCasing",
    "DuplicateStageName", "ReservedStageName", "JSONArgsRecommended", "MaintainerDeprecated",
    "UndefinedArgInFrom", "WorkdirRelativePath", "UndefinedVar", "MultipleInstructionsDisallowed",
    "LegacyKeyValueFormat", "RedundantTargetPlatform", "SecretsUsedInArgOrEnv",
    "InvalidDefaultArgInFrom", "FromPlatformFlagConstDisallowed", "CopyIgnoredFile",
    "InvalidDefinitionDescription", "ExposeProtoCasing", "ExposeInvalidFormat",
}


def test_messages_name_the_things_they_are_about():
    msgs = {f.code: f.message for f in lint(parse(
        "ARG V=1\nFROM alpine:${VV} as Build\nENV PAHT=/x\nCOPY $PAHTT .\nEXPOSE 80/UDP\n"))}
    assert "Build" in msgs["StageNameCasing"]
    assert "'as' and 'FROM'" in msgs["FromAsCasing"]
    assert "'VV'" in msgs["UndefinedArgInFrom"] and "did you mean V?" in msgs["UndefinedArgInFrom"]
    assert "$PAHTT" in msgs["UndefinedVar"] and "did you mean $PAHT?" in msgs["UndefinedVar"]
    assert "80/UDP" in msgs["ExposeProtoCasing"]


def test_findings_are_diagnostics_with_spans():
    text = "FROM alpine:3\nEXPOSE 80 8080/TCP\n"
    (f,) = [f for f in lint(parse(text)) if f.code == "ExposeProtoCasing"]
    assert text[f.start:f.end] == "8080/TCP"
    assert f.line == f.end_line == 2


def test_undefined_var_sees_env_of_the_parent_stage_but_not_global_args():
    text = "ARG G=1\nFROM alpine:3 AS base\nENV HOME_DIR=/h\nFROM base\nCOPY $HOME_DIR/$G .\n"
    found = [f.message for f in lint(parse(text)) if f.code == "UndefinedVar"]
    assert found == ["Usage of undefined variable '$G'"]


def test_multiple_instructions_points_at_the_ignored_one():
    text = "FROM alpine:3\nCMD [\"a\"]\nENTRYPOINT [\"e\"]\nCMD [\"b\"]\nCMD [\"c\"]\n"
    lines = [f.line for f in lint(parse(text)) if f.code == "MultipleInstructionsDisallowed"]
    assert lines == [2, 4]


def test_package_cache_only_checks_stages_that_ship():
    builder_only = ("FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\n"
                    "FROM debian:12-slim\nCOPY --from=build /usr/bin/gcc /x\n")
    assert "package-cache" not in codes(builder_only)
    assert "package-cache" in codes(builder_only, target="build")


@pytest.mark.parametrize("run,expected", [
    ("apk add curl", False), ("apt-get update && apt-get install -y x", True),
    ("yum install -y gcc", True), ("yum install -y gcc && yum clean all", False),
    ("dnf install -y gcc", True), ("pip3 install flask", True),
    ("python -m pip install flask", True), ("pip install --no-cache-dir flask", False),
    ("--mount=type=cache,target=/root/.cache/pip pip install flask", False),
    ("--mount=type=cache,target=/var/lib/apt apt-get install -y curl", False),
    ("echo apt-get", False), ("apt-get update", False), ("apt-get install -y x", False),
    ("apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*", False),
])
def test_package_cache_per_package_manager(run, expected):
    assert ("package-cache" in codes(f"FROM debian:12\nRUN {run}\n")) is expected


def test_unpinned_base_resolves_build_args():
    text = "ARG TAG=3.20\nFROM alpine:${TAG}\n"
    assert "unpinned-base-image" not in codes(text)
    assert "unpinned-base-image" in codes(text, build_args={"TAG": "latest"})


def test_heavy_final_image_follows_the_target_and_stage_chain():
    text = "FROM node:20 AS deps\nRUN npm ci\nFROM deps AS dev\nFROM nginx:1.27\n"
    assert "heavy-final-image" not in codes(text)
    assert "heavy-final-image" in codes(text, target="dev")
    assert "heavy-final-image" not in codes("FROM node:20-slim\nCMD [\"node\"]\n")


def test_enabled_limits_the_rules_run():
    text = "FROM alpine AS Builder\nMAINTAINER x\n"
    assert codes(text, enabled={"MaintainerDeprecated"}) == ["MaintainerDeprecated"]


@pytest.mark.parametrize("text", [
    "", "\n", "# just a comment\n", "FROM\n", "RUN echo no stage\n", "FROM a AS\n",
    "COPY --from= /a /b\n", "FROM alpine:3\nRUN <<EOF\nrm -rf /x\n", "\ufeffFROM x:1\r\nCMD a\r\n",
    "FROM alpine:3\nEXPOSE $PORT ${X:-1}/tcp\n", "ARG ${\nFROM ${A:-}\n",
])
def test_odd_input_never_breaks_lint(text):
    for f in lint(parse(text)):
        assert f.code != "lint-internal", f.message


def test_secret_in_a_builder_stage_is_only_informational():
    text = ("FROM node:20-slim AS build\nARG NPM_TOKEN\nRUN npm ci --token=$NPM_TOKEN\n"
            "FROM nginx:1.27\nCOPY --from=build /app /usr/share/nginx/html\n")
    (f,) = [f for f in lint(parse(text)) if f.code == "secret-via-build-arg"]
    assert f.severity == "info" and "build cache" in f.message
    (f,) = [f for f in lint(parse(text), target="build") if f.code == "secret-via-build-arg"]
    assert f.severity == "warning"


@pytest.mark.parametrize("base,advice", [
    ("node:20", "node:20-slim"), ("python:3.12-bookworm", "python:3.12-slim"),
    ("openjdk:17-jdk", "eclipse-temurin:17-jre"), ("rust:1.79", "scratch"),
    ("docker.io/library/golang:1.22", "distroless"),
])
def test_heavy_final_image_names_a_lighter_base(base, advice):
    (f,) = [f for f in lint(parse(f"FROM {base}\nCMD [\"x\"]\n")) if f.code == "heavy-final-image"]
    assert base in f.message and advice in f.message


def test_parser_only_drops_what_lint_already_reports():
    from studio.core.lint import parser_only

    doc = parse("FROM alpine:3.20 AS x\nFROM alpine:3.20 AS X\nRUN <<EOF\nnever ends\n")
    findings = lint(doc)
    assert any(f.code == "DuplicateStageName" for f in findings)
    kept = parser_only(doc.diagnostics, findings)
    assert all(d.code.replace("-", "").lower() != "duplicatestagename" for d in kept)
    assert any(d.code == "unterminated-heredoc" for d in kept)


def test_one_blank_continuation_line_is_reported_once():
    """BuildKit names it NoEmptyContinuation on the instruction; the parser's own
    empty-continuation-line for the same blank line is dropped, but kept when lint is off."""
    from studio.core.lint import parser_only

    doc = parse("FROM a:1\nRUN echo a \\\n    && echo b \\\n\n    && echo c\nRUN echo \\\n\n  d\n")
    findings = lint(doc)
    assert [f.line for f in findings if f.code == "NoEmptyContinuation"] == [2, 6]
    assert [d.code for d in parser_only(doc.diagnostics, findings)] == []
    assert [d.line for d in parser_only(doc.diagnostics, []) if d.code == "empty-continuation-line"] == [4, 7]


def test_copy_whole_directory_reads_each_instruction_once_on_a_long_chain(monkeypatch):
    """A chain of stages that each COPY --from the previous one: each stage's directories
    are worked out once (this was quadratic, seconds for a few hundred stages)."""
    from studio.core.lint import rules_stages

    calls = []
    real = rules_stages.split_words
    monkeypatch.setattr(rules_stages, "split_words", lambda text, *a: calls.append(text) or real(text, *a))
    lines = ["FROM busybox AS s0", "WORKDIR /w", "COPY . ."]
    for i in range(1, 200):
        lines += [f"FROM s{i - 1} AS s{i}", f"COPY --from=s{i - 1} /w/f{i} /w/g{i}", f"RUN echo {i}"]
    lines += ["FROM scratch", "COPY --from=s199 /w /app"]
    found = [f for f in lint(parse("\n".join(lines) + "\n")) if f.code == "copy-whole-directory"]
    assert [f.line for f in found] == [len(lines)]  # the final COPY of the whole WORKDIR
    assert len(calls) <= 2 + 199 + 1  # WORKDIR and COPY lines, once each (RUN lines never)


def test_a_stage_whose_from_line_is_broken_is_not_also_called_unused():
    text = "FROM busybox AS toolchain\nRUN x\nFROM toolchain AS build AS x\nRUN y\nFROM scratch\nCOPY --from=build /a /a\n"
    doc = parse(text)
    assert [d.line for d in doc.diagnostics if d.code == "invalid-from"] == [3]
    assert not [f for f in lint(doc) if f.code == "unused-stage"]
    assert [f.line for f in lint(parse(text.replace("AS build AS x", "AS x"))) if f.code == "unused-stage"] == [3]
