"""Lint as a project uses it: ignore comments (ours and hadolint's), the config file,
several files per run, ARG-selected and conventionally named stages, and the corpus
check (no error on a file BuildKit accepts)."""
from __future__ import annotations

import json
from pathlib import Path

import dockerfile
import pytest

from studio.cli import main
from studio.core import parse
from studio.core.lint import RULES, LintConfigError, find_config, lint, parser_only
from studio.core.lint.config import parse_config

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.Dockerfile"))


def codes(text: str, **kw) -> list[str]:
    return [f.code for f in lint(parse(text), **kw)]


# ---------------------------------------------------------------- ignore comments

PIPE = "FROM alpine:3\nRUN cd /src && wget -qO- https://x/y | sh\nRUN a | b\n"


@pytest.mark.parametrize("comment", [
    "# stage-studio ignore=PipeWithoutPipefail,CdInsteadOfWorkdir",
    "# hadolint ignore=DL4006,DL3003",
    "#hadolint ignore=dl4006 dl3003",
    "# stage-studio ignore=pipewithoutpipefail\n# hadolint ignore=DL3003",
])
def test_an_ignore_comment_silences_its_rules_on_the_next_instruction_only(comment):
    text = PIPE.replace("RUN cd", comment + "\nRUN cd")
    found = [(f.line, f.code) for f in lint(parse(text))]
    first = text.count("\n", 0, text.index("RUN cd")) + 1
    assert not [c for line, c in found if line == first]
    assert (first + 1, "PipeWithoutPipefail") in found  # the RUN after it is still checked


def test_a_blank_line_ends_an_ignore_and_global_ignores_cover_the_file():
    text = PIPE.replace("RUN cd", "# hadolint ignore=DL4006\n\nRUN cd")
    assert "PipeWithoutPipefail" in codes(text)
    text = "# hadolint global ignore=DL4006\n" + PIPE
    assert "PipeWithoutPipefail" not in codes(text) and "CdInsteadOfWorkdir" in codes(text)


# ---------------------------------------------------------------- config


def test_config_enables_disables_and_reads_hadolint_codes(tmp_path):
    (tmp_path / ".stage-studio.toml").write_text('disable = ["DL4006", "unpinned-base-image"]\n')
    (tmp_path / "sub").mkdir()
    config = find_config(tmp_path / "sub", RULES)
    assert config.path == tmp_path / ".stage-studio.toml"
    found = codes(PIPE.replace("alpine:3", "alpine"), config=config)
    assert "PipeWithoutPipefail" not in found and "unpinned-base-image" not in found
    assert "CdInsteadOfWorkdir" in found
    only = parse_config('enable = ["CdInsteadOfWorkdir"]', RULES)
    assert set(codes(PIPE, config=only)) == {"CdInsteadOfWorkdir"}


def test_pyproject_table_and_trusted_registries(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.stage-studio]\ntrusted-registries = ["ghcr.io/acme"]\n')
    config = find_config(tmp_path, RULES)
    text = "FROM ghcr.io/acme/base:1\nFROM ghcr.io/other/base:1\nFROM alpine:3\n"
    lines = [f.line for f in lint(parse(text), config=config) if f.code == "UntrustedRegistry"]
    assert lines == [2, 3]
    assert "UntrustedRegistry" not in codes(text)  # no setting, no finding


@pytest.mark.parametrize("text,words", [
    ("disable = [\"NoSuchRule\"]", "unknown rule(s): NoSuchRule"),
    ("colour = 1", "unknown setting(s) colour"),
    ("enable = \"all\"", "'enable' must be a list of strings"),
    ("enable = [", "config"),
])
def test_a_bad_config_is_refused_with_its_reason(text, words):
    with pytest.raises(LintConfigError, match=words.replace("(", r"\(").replace(")", r"\)")):
        parse_config(text, RULES)


# ---------------------------------------------------------------- several files per run


def test_lint_several_files_and_a_folder_with_one_summary(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "Dockerfile").write_text("FROM alpine:3 as b\n")
    (tmp_path / "a" / "web.Dockerfile").write_text("FROM alpine:3\nENV VERSION\n")
    (tmp_path / "a" / "notes.txt").write_text("FROM nothing\n")
    (tmp_path / "a" / ".git").mkdir()
    (tmp_path / "a" / ".git" / "Dockerfile").write_text("junk\n")
    other = tmp_path / "Containerfile"
    other.write_text("FROM alpine:3\n")
    code = main(["lint", str(tmp_path / "a"), str(other)])
    out, err = capsys.readouterr()
    assert code == 1  # web.Dockerfile has an error
    assert "3 files: 1 error(s), 1 warning(s)" in err
    assert "web.Dockerfile:2: error: ENV must have two arguments" in out
    code = main(["lint", str(tmp_path / "a"), "--format", "json"])
    data = json.loads(capsys.readouterr()[0])
    assert [Path(f["file"]).name for f in data["files"]] == ["Dockerfile", "web.Dockerfile"]
    assert data["summary"]["files"] == 2 and data["summary"]["error"] == 1


def test_an_unreadable_file_among_several_is_named_and_exits_two(tmp_path, capsys):
    good = tmp_path / "Dockerfile"
    good.write_text("FROM alpine:3\n")
    code = main(["lint", str(good), str(tmp_path / "missing")])
    _, err = capsys.readouterr()
    assert code == 2 and "missing: no such file" in err and "1 could not be read" in err


def test_a_folder_config_applies_to_its_files(tmp_path, capsys):
    (tmp_path / ".stage-studio.toml").write_text('disable = ["FromAsCasing"]\n')
    (tmp_path / "Dockerfile").write_text("FROM alpine:3 as b\n")
    main(["lint", str(tmp_path / "Dockerfile")])
    assert "FromAsCasing" not in capsys.readouterr()[0]


# ---------------------------------------------------------------- unused-stage noise


def test_stages_an_arg_selects_are_chosen_not_unused():
    text = ("ARG VARIANT=slim\nFROM alpine:3 AS bin-linux\nFROM alpine:3 AS bin-windows\n"
            "FROM bin-$TARGETOS AS bin\nFROM alpine:3 AS build-full\nFROM alpine:3 AS build-slim\n"
            "FROM build-${VARIANT}\nCOPY --from=bin /x /x\n")
    found = {f.line: f for f in lint(parse(text)) if f.code == "unused-stage"}
    assert found[3].severity == "info" and "chosen when ARG TARGETOS=windows" in found[3].message
    assert found[5].severity == "info" and "chosen when ARG VARIANT=full" in found[5].message
    assert set(found) == {3, 5}  # the others are picked by the current values: used


@pytest.mark.parametrize("name,quiet", [
    ("test-coverage", True), ("integration-tests", True), ("lint_go", True), ("docs.build", True),
    ("tools", False), ("builder", False), ("contest", False),
])
def test_conventional_target_names_by_word(name, quiet):
    text = f"FROM alpine:3 AS {name}\nFROM alpine:3\n"
    assert ("unused-stage" not in codes(text)) is quiet


def test_size_rules_check_every_platform_a_from_can_pick():
    text = ("FROM debian:12 AS runtime-amd64\nRUN apt-get update && apt-get install -y curl "
            "&& rm -rf /var/lib/apt/lists/*\n"
            "FROM debian:12 AS runtime-arm64\nRUN apt-get update && apt-get install -y curl\n"
            "FROM runtime-$TARGETARCH\n")
    assert [f.line for f in lint(parse(text)) if f.code == "package-cache"] == [4]


def test_copying_all_of_a_scratch_stage_is_no_whole_directory():
    text = ("FROM golang:1.22 AS build\nWORKDIR /src\nRUN go build -o /out/app\n"
            "FROM scratch AS binaries\nCOPY --from=build /out/app /\n"
            "FROM alpine:3\nCOPY --from=binaries / /usr/bin/\n")
    assert "copy-whole-directory" not in codes(text)


# ---------------------------------------------------------------- the corpus check


def _accepted_by_buildkit(path: Path) -> bool:
    try:
        dockerfile.parse_file(str(path))
    except dockerfile.GoParseError:
        return False
    return True


# Files BuildKit's parser reads but its instruction parser refuses, with the engine's words
# (tests/engine/test_lint_refused.py builds the same constructs on both engines).
REFUSED_BY_THE_ENGINE = {
    "unicode_content.Dockerfile": (1, 'invalid name for build stage: "baußé"'),
}


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_no_error_on_a_corpus_file_buildkit_accepts(path):
    text = path.read_bytes().decode("utf-8")
    doc = parse(text)
    findings = lint(doc)
    errors = [d for d in list(findings) + parser_only(doc.graph().diagnostics, findings)
              if d.severity == "error"]
    if path.name in REFUSED_BY_THE_ENGINE:
        line, words = REFUSED_BY_THE_ENGINE[path.name]
        assert [d.line for d in errors] == [line] and words in errors[0].message.lower()
        return
    assert _accepted_by_buildkit(path)
    assert errors == [], [(d.line, d.code, d.message) for d in errors]


def test_the_corpus_has_the_real_world_shapes_that_caused_false_alarms():
    texts = "\n".join(p.read_text(encoding="utf-8") for p in CORPUS)
    assert "RUN --mount=from=binaries \\" in texts  # a mount without target=
    assert "FROM binaries-$TARGETOS" in texts and "FROM runtime-$TARGETARCH" in texts
    assert "AS test-coverage" in texts and "# hadolint ignore=" in texts


# ---------------------------------------------------------------- the new rules on a real-shaped file

NEW_RULES = {"AptUpdateInSeparateRun", "AptInstallRecommends", "ApkAddWithoutNoCache",
             "CdInsteadOfWorkdir", "PipeWithoutPipefail", "ConsecutiveRunInstructions",
             "UseraddWithoutNoLogInit", "FinalUserRoot", "MistypedStageName", "package-cache"}


def test_the_new_rules_on_a_real_world_shaped_file():
    """Size rules fire only in the stages that ship (base and the last one): the alpine
    'fetch' stage's apk add stays quiet; correctness rules (pipefail) fire in every stage
    the build runs."""
    text = (Path(__file__).parent / "corpus" / "legacy_service.Dockerfile").read_text(encoding="utf-8")
    found = {(f.line, f.code) for f in lint(parse(text)) if f.code in NEW_RULES}
    assert found == {
        (3, "AptUpdateInSeparateRun"), (4, "AptInstallRecommends"), (5, "AptInstallRecommends"),
        (4, "ConsecutiveRunInstructions"), (5, "ConsecutiveRunInstructions"),
        (14, "PipeWithoutPipefail"), (17, "MistypedStageName"), (20, "CdInsteadOfWorkdir"),
        (21, "ConsecutiveRunInstructions"), (21, "UseraddWithoutNoLogInit"), (22, "FinalUserRoot"),
    }
    docs = {code: RULES[code].explanation for code in NEW_RULES}
    assert all("hadolint" in why for why in docs.values())
