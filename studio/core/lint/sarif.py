"""Lint results as SARIF 2.1.0, the format code-scanning services (GitHub, GitLab, IDEs)
read. One run, one tool ("stage-studio"), every rule described once."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from studio.core.lint.findings import Rule
from studio.core.lint.registry import RULES

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://docs.docker.com/reference/build-checks/"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _rule_entry(code: str, rule: Rule | None, severity: str) -> dict[str, Any]:
    if rule is None:
        return {
            "id": code, "name": code,
            "shortDescription": {"text": f"Dockerfile parser diagnostic {code}"},
            "fullDescription": {"text": "Reported by Stage Studio's Dockerfile parser."},
            "help": {"text": "Fix the Dockerfile syntax at the reported line."},
            "defaultConfiguration": {"level": _LEVEL.get(severity, "warning")},
        }
    entry = {
        "id": rule.code, "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation},
        "help": {"text": f"{rule.explanation}\n\nBefore:\n{rule.example_before}\n\n"
                         f"After:\n{rule.example_after}"},
        "defaultConfiguration": {"level": _LEVEL.get(rule.severity, "warning")},
        "properties": {"buildkit": rule.buildkit},
    }
    if rule.url:
        entry["helpUri"] = rule.url
    return entry


def column(doc: Any, d: Any) -> int:
    """1-based column of a diagnostic's start on its line."""
    try:
        return max(1, d.start - doc.line_start(d.line) + 1)
    except Exception:
        return 1


def artifact_uri(path: str) -> str:
    """A file URI for an absolute path, a relative reference (with /) otherwise."""
    if os.path.isabs(path):
        return Path(path).as_uri()
    return path.replace(os.sep, "/")


def _sarif_fix(uri: str, title: str, edits: list) -> dict[str, Any]:
    """A SARIF fix: character-offset replacements in the one artifact."""
    return {
        "description": {"text": title},
        "artifactChanges": [{
            "artifactLocation": {"uri": uri},
            "replacements": [{
                "deletedRegion": {"charOffset": e.start, "charLength": e.end - e.start},
                "insertedContent": {"text": e.new_text},
            } for e in edits],
        }],
    }


def to_sarif(path: str, doc: Any, items: list) -> dict[str, Any]:
    """A SARIF log for findings and parser diagnostics of the file at ``path``."""
    return to_sarif_many([(path, doc, items)])


def to_sarif_many(files: list[tuple[str, Any, list]]) -> dict[str, Any]:
    """One SARIF run for several files: (path, document, findings) each."""
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results = []
    for path, doc, items in files:
        uri = artifact_uri(path)
        for d in items:
            rule = getattr(d, "rule", None) or RULES.get(d.code)
            if d.code not in index:
                index[d.code] = len(rules)
                rules.append(_rule_entry(d.code, rule, d.severity))
            result = {
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": _LEVEL.get(d.severity, "warning"),
                "message": {"text": d.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": {"startLine": d.line, "endLine": max(d.end_line or d.line, d.line),
                               "startColumn": column(doc, d)},
                }}],
            }
            fix = getattr(d, "fix", None)
            if fix is not None:
                result["fixes"] = [_sarif_fix(uri, d.fix_title or "Quick fix", fix())]
            results.append(result)
    return {
        "version": SARIF_VERSION,
        "$schema": SARIF_SCHEMA,
        "runs": [{
            "tool": {"driver": {"name": "stage-studio", "informationUri": INFO_URI,
                                "rules": rules}},
            "results": results,
        }],
    }
