"""``stage-studio lint``: compiler-style text, JSON, SARIF 2.1.0 and exit codes."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from studio.cli import main
from studio.core.lint.code_docs import NON_RULE_DOCS
from studio.core.lint import RULES

CLEAN = "FROM alpine:3.20 AS build\nRUN echo hi > /x\nFROM scratch\nCOPY --from=build /x /x\n"
WARNINGS = "FROM alpine:3.20 as Build\nMAINTAINER me\n"
ERRORS = "FROM alpine:3.20 AS x\nENV VERSION\n"


def run(tmp_path, capsys, text, *extra):
    path = tmp_path / "Dockerfile"
    path.write_text(text, encoding="utf-8", newline="")
    code = main(["lint", str(path), *extra])
    out, err = capsys.readouterr()
    return code, out, err, str(path)


def test_clean_file_exits_zero_and_prints_nothing(tmp_path, capsys):
    code, out, _, _ = run(tmp_path, capsys, CLEAN)
    assert code == 0 and out == ""


def test_text_format_is_compiler_like(tmp_path, capsys):
    code, out, err, path = run(tmp_path, capsys, WARNINGS)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) >= 3
    pattern = re.compile(rf"^{re.escape(path)}:(\d+): (error|warning|info): .+ \[([\w-]+)\]$")
    for line in lines:
        assert pattern.match(line), line
    assert f"{path}:1: warning: Stage name 'Build' should be lowercase [StageNameCasing]" in lines
    assert any(l.startswith(f"{path}:2: warning:") and l.endswith("[MaintainerDeprecated]")
               for l in lines)
    assert "warning(s)" in err


def test_error_findings_exit_one(tmp_path, capsys):
    code, out, _, _ = run(tmp_path, capsys, ERRORS)
    assert code == 1 and "error:" in out and "[instruction-arguments]" in out
    assert "ENV must have two arguments" in out


def test_check_error_true_turns_warnings_into_a_failing_exit(tmp_path, capsys):
    code, _, _, _ = run(tmp_path, capsys, "# check=error=true\n" + WARNINGS)
    assert code == 1


def test_parser_errors_count_and_are_not_duplicated(tmp_path, capsys):
    code, out, _, _ = run(tmp_path, capsys, "FROM alpine:3.20\nRUN <<EOF\necho never ends\n")
    assert code == 1 and "[unterminated-heredoc]" in out
    code, out, _, _ = run(tmp_path, capsys, "FROM alpine:3.20 AS scratch\nFROM alpine:3.20\n")
    reserved = [l for l in out.splitlines() if "reserved" in l.lower()]
    assert code == 0 and len(reserved) == 1  # a warning: both engines build it


def test_json_format(tmp_path, capsys):
    code, out, _, path = run(tmp_path, capsys, WARNINGS, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["file"] == path
    codes = {f["code"] for f in data["findings"]}
    assert {"StageNameCasing", "FromAsCasing", "MaintainerDeprecated"} <= codes
    for f in data["findings"]:
        assert f["severity"] in ("error", "warning", "info")
        assert f["line"] >= 1 and f["column"] >= 1 and f["end_line"] >= f["line"]
        assert isinstance(f["fixable"], bool) and f["source"] in ("lint", "parser")
    assert data["summary"]["warning"] == sum(f["severity"] == "warning" for f in data["findings"])


def test_target_and_build_args_change_the_findings(tmp_path, capsys):
    text = ("ARG BASE=alpine:3.20\nFROM golang:1.22 AS build\nRUN go build -o /app .\n"
            "FROM ${BASE}\nCOPY --from=build /app /app\n")
    _, out, _, _ = run(tmp_path, capsys, text)
    assert "heavy-final-image" not in out and "unpinned-base-image" not in out
    _, out, _, _ = run(tmp_path, capsys, text, "--target", "build")
    assert "heavy-final-image" in out
    _, out, _, _ = run(tmp_path, capsys, text, "--build-arg", "BASE=alpine")
    assert "unpinned-base-image" in out


def test_usage_errors_exit_two(tmp_path, capsys):
    assert main(["lint", str(tmp_path / "missing")]) == 2
    assert "lint" in capsys.readouterr().err
    code, _, err, _ = run(tmp_path, capsys, CLEAN, "--target", "nope")
    assert code == 2 and "nope" in err
    code, _, err, _ = run(tmp_path, capsys, CLEAN, "--build-arg", "=x")
    assert code == 2
    bad = tmp_path / "bin"
    bad.write_bytes(b"\xff\xfe\x00bin")
    assert main(["lint", str(bad)]) == 2


def test_explain_and_list_rules(capsys):
    assert main(["lint", "--explain", "copy-from-index"]) == 0
    out = capsys.readouterr().out
    assert "copy-from-index" in out and "Before:" in out and "COPY --from=0" in out
    assert main(["lint", "--explain", "NoSuchRule"]) == 2
    capsys.readouterr()
    assert main(["lint", "--list-rules"]) == 0
    listed = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert {row[0] for row in listed if row[2] != "parser"} == set(RULES)
    assert {row[0] for row in listed if row[2] == "parser"} == set(NON_RULE_DOCS) - {"lint-internal"}


# ---------------------------------------------------------------- SARIF


def _is_str(v) -> bool:
    return isinstance(v, str) and v != ""


def validate_sarif(log) -> list[str]:
    """Structural check of the SARIF 2.1.0 fields this tool promises (no jsonschema here)."""
    problems = []

    def need(cond, what):
        if not cond:
            problems.append(what)

    need(log.get("version") == "2.1.0", "version must be 2.1.0")
    need(_is_str(log.get("$schema")) and "sarif" in log["$schema"], "$schema")
    runs = log.get("runs")
    need(isinstance(runs, list) and len(runs) == 1, "exactly one run")
    if problems:
        return problems
    driver = runs[0].get("tool", {}).get("driver", {})
    need(_is_str(driver.get("name")), "driver.name")
    need(_is_str(driver.get("informationUri")) and driver["informationUri"].startswith("http"),
         "driver.informationUri")
    rules = driver.get("rules")
    need(isinstance(rules, list), "driver.rules")
    ids = []
    for r in rules or []:
        need(_is_str(r.get("id")), "rule.id")
        need(_is_str(r.get("name")), "rule.name")
        for key in ("shortDescription", "fullDescription", "help"):
            need(isinstance(r.get(key), dict) and _is_str(r[key].get("text")), f"rule.{key}.text")
        level = r.get("defaultConfiguration", {}).get("level")
        need(level in ("none", "note", "warning", "error"), "rule.defaultConfiguration.level")
        ids.append(r.get("id"))
    need(len(ids) == len(set(ids)), "rule ids unique")
    results = runs[0].get("results")
    need(isinstance(results, list), "results")
    for res in results or []:
        need(res.get("ruleId") in ids, "result.ruleId refers to a rule")
        if "ruleIndex" in res:
            need(ids[res["ruleIndex"]] == res["ruleId"], "result.ruleIndex")
        need(res.get("level") in ("none", "note", "warning", "error"), "result.level")
        need(isinstance(res.get("message"), dict) and _is_str(res["message"].get("text")),
             "result.message.text")
        locs = res.get("locations")
        need(isinstance(locs, list) and locs, "result.locations")
        for loc in locs or []:
            phys = loc.get("physicalLocation", {})
            need(_is_str(phys.get("artifactLocation", {}).get("uri")), "artifactLocation.uri")
            region = phys.get("region", {})
            for key in ("startLine", "endLine", "startColumn"):
                need(isinstance(region.get(key), int) and region[key] >= 1, f"region.{key}")
            need(region.get("endLine", 0) >= region.get("startLine", 0), "endLine >= startLine")
        for fix in res.get("fixes", []):
            need(_is_str(fix.get("description", {}).get("text")), "fix.description.text")
            for change in fix.get("artifactChanges", []) or [None]:
                need(isinstance(change, dict) and _is_str(
                    change.get("artifactLocation", {}).get("uri")), "fix artifactLocation.uri")
                for rep in (change or {}).get("replacements", []) or [None]:
                    region = (rep or {}).get("deletedRegion", {})
                    need(isinstance(region.get("charOffset"), int) and region["charOffset"] >= 0
                         and isinstance(region.get("charLength"), int), "deletedRegion")
                    need(isinstance((rep or {}).get("insertedContent", {}).get("text"), str),
                         "insertedContent.text")
    return problems


def test_validator_rejects_broken_logs():
    assert validate_sarif({"version": "2.0.0", "runs": []})
    broken = {"version": "2.1.0", "$schema": "https://x/sarif.json", "runs": [{
        "tool": {"driver": {"name": "x", "informationUri": "https://x", "rules": []}},
        "results": [{"ruleId": "nope", "level": "loud", "message": {}, "locations": []}]}]}
    assert len(validate_sarif(broken)) >= 4


def test_sarif_output_is_valid_and_complete(tmp_path, capsys):
    text = ERRORS + "MAINTAINER me\nEXPOSE 80/TCP\n"
    code, out, _, path = run(tmp_path, capsys, text, "--format", "sarif")
    log = json.loads(out)
    assert validate_sarif(log) == []
    assert code == 1
    results = log["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    assert by_rule["instruction-arguments"]["level"] == "error"
    assert by_rule["MaintainerDeprecated"]["level"] == "warning"
    expose = by_rule["ExposeProtoCasing"]["locations"][0]["physicalLocation"]
    assert expose["artifactLocation"]["uri"] == Path(path).as_uri()
    assert expose["region"]["startLine"] == 4 and expose["region"]["startColumn"] == 8
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["ExposeProtoCasing"]["helpUri"].startswith("https://docs.docker.com/")


def test_sarif_for_a_clean_file_has_no_results(tmp_path, capsys):
    code, out, _, _ = run(tmp_path, capsys, CLEAN, "--format", "sarif")
    log = json.loads(out)
    assert code == 0 and validate_sarif(log) == [] and log["runs"][0]["results"] == []


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_crlf_and_bom_files(tmp_path, capsys, fmt):
    code, out, _, _ = run(tmp_path, capsys, "\ufeffFROM alpine:3.20 as b\r\nCMD a\r\n",
                          "--format", fmt)
    assert code == 0 and "FromAsCasing" in out


def test_sarif_fixes_rebuild_the_fixed_text(tmp_path, capsys):
    text = "FROM alpine:3.20 as b\nEXPOSE 80/TCP\n"
    _, out, _, _ = run(tmp_path, capsys, text, "--format", "sarif")
    log = json.loads(out)
    assert validate_sarif(log) == []
    (res,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "ExposeProtoCasing"]
    (rep,) = res["fixes"][0]["artifactChanges"][0]["replacements"]
    start, length = rep["deletedRegion"]["charOffset"], rep["deletedRegion"]["charLength"]
    assert text[:start] + rep["insertedContent"]["text"] + text[start + length:] == \
        "FROM alpine:3.20 as b\nEXPOSE 80/tcp\n"


def test_sarif_uri_of_a_relative_path(tmp_path, capsys, monkeypatch):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "Dockerfile").write_text("FROM alpine\n")
    monkeypatch.chdir(tmp_path)
    main(["lint", "sub/Dockerfile", "--format", "sarif"])
    log = json.loads(capsys.readouterr().out)
    loc = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "sub/Dockerfile"


def test_json_carries_fix_edits(tmp_path, capsys):
    _, out, _, _ = run(tmp_path, capsys, "FROM alpine:3.20 as b\n", "--format", "json")
    (f,) = json.loads(out)["findings"]
    assert f["fixable"] and f["fix"]["title"] == "Write 'AS'"
    assert f["fix"]["edits"] == [{"start": 17, "end": 19, "new_text": "AS"}]


def test_fix_option_rewrites_the_file_and_reports_the_rest(tmp_path, capsys):
    text = "FROM alpine:3.20 as Build\nMAINTAINER me\nFROM alpine\nCOPY --from=0 /a /a\n"
    code, out, err, path = run(tmp_path, capsys, text, "--fix")
    new = Path(path).read_text()
    assert new == ('FROM alpine:3.20 AS build\nLABEL org.opencontainers.image.authors="me"\n'
                   "FROM alpine\nCOPY --from=build /a /a\n")
    assert "fixed 4 problem(s)" in err
    assert out.splitlines() == [f"{path}:3: warning: Base image 'alpine' has no tag, so it means "
                                "'latest', which changes over time; pin a version tag (e.g. "
                                "alpine:<version>) or a digest [unpinned-base-image]"]
    assert code == 0
    code, out, err, _ = run(tmp_path, capsys, new, "--fix")
    assert "fixed 0 problem(s)" in err and Path(path).read_text() == new
