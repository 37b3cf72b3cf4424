"""Lint for Dockerfiles: BuildKit's ``docker build --check`` rules plus Stage Studio's own
multi-stage and image-size rules, with explanations and safe quick fixes.

    findings = lint(parse(text))
    for f in findings:
        print(f.line, f.severity, f.code, f.message)
        if f.fix:
            new_text = apply_edits(text, f.fix(doc))

Rules honour BuildKit's ``# check=skip=Rule1,Rule2`` / ``skip=all`` / ``error=true``
parser directive (skip names may also be our kebab-case codes).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from studio.core.lint import (  # noqa: F401  (importing registers the rules)
    rules_facts,
    rules_from,
    rules_frontend,
    rules_instructions,
    rules_packages,
    rules_refs,
    rules_refused,
    rules_shell,
    rules_size,
    rules_stages,
    rules_substitution,
    rules_vars,
)
from studio.core.lint.config import LintConfig, LintConfigError, find_config
from studio.core.lint.context import CheckOptions, LintContext, suppress_edits
from studio.core.lint.ignores import ignored_lines, may_have_ignores
from studio.core.lint.findings import Finding, Rule, StaleFix
from studio.core.lint.registry import FACT_RULES, RULES, rule_docs

if TYPE_CHECKING:
    from studio.core.document import Document

__all__ = ["lint", "fix_all", "Finding", "Rule", "RULES", "FACT_RULES", "rule_docs", "StaleFix",
           "CheckOptions", "check_options", "suppress_edits", "parser_only", "LintConfig",
           "LintConfigError", "find_config"]

_ORDER = {"error": 0, "warning": 1, "info": 2}


def check_options(doc: Document) -> CheckOptions:
    """The file's ``# check=`` directive (directive names are case-insensitive)."""
    directives = getattr(doc, "directives", None) or {}
    for key, value in directives.items():
        if str(key).lower() == "check":
            return CheckOptions.parse(value)
    return CheckOptions()


def lint(doc: Document, build_args: dict[str, str] | None = None, target: Any = None,
         enabled: set[str] | None = None, config: LintConfig | None = None,
         platform: str | None = None, context_dir: Any = None) -> list[Finding]:
    """Run the rules over ``doc`` for one target, set of build args and ``--platform``.
    ``context_dir``, the build context's folder when known, lets rules look at the files
    (whether an ADD source is an archive); without it they say what they could not check.

    ``enabled`` limits the run to those rule codes; ``config`` (a project's
    ``.stage-studio.toml``) chooses rules and trusted registries. Findings a
    ``# stage-studio ignore=`` / ``# hadolint ignore=`` comment silences are left out.
    Findings come sorted by position. A rule that trips over odd input is skipped
    (reported as an info finding) rather than breaking the caller: lint runs on every
    keystroke."""
    opts = check_options(doc)
    ctx = LintContext(doc, build_args, target, platform, context_dir)
    ctx.config = config
    if config is not None:
        chosen = config.enabled(RULES)
        if chosen is not None:
            enabled = chosen if enabled is None else enabled & chosen
    per_line, everywhere = ignored_lines(doc, RULES) if may_have_ignores(doc.text) else ({}, set())
    findings: list[Finding] = []
    for code, r in RULES.items():
        if enabled is not None and code not in enabled:
            continue
        if opts.skip_all or code in opts.skip or code in everywhere:
            continue
        ctx.current_rule = r
        try:
            found = list(r.check(ctx)) if r.check else []
        except Exception as exc:  # a bug in one rule must not hide the others
            found = [Finding("info", "lint-internal", 1,
                             f"lint rule {code} could not run: {type(exc).__name__}: {exc}",
                             0, 0, 1, rule=None)]
        if per_line:
            found = [f for f in found if code not in per_line.get(f.line, ())]
        if opts.error and r.buildkit:
            for f in found:
                f.severity = "error"
        findings.extend(found)
    findings.sort(key=lambda f: (f.line, f.start, _ORDER.get(f.severity, 3), f.code))
    return findings


def fix_all(text: str, build_args: dict[str, str] | None = None, target: Any = None,
            enabled: set[str] | None = None, max_rounds: int = 200,
            context_dir: Any = None) -> tuple[str, list[Finding]]:
    """Apply every safe quick fix, one at a time (re-parsing and re-linting in between,
    so fixes never overlap). Returns the new text and the findings that were fixed."""
    from studio.core import apply_edits, parse

    fixed: list[Finding] = []
    tried: set[tuple[str, int, str]] = set()
    for _ in range(max_rounds):
        doc = parse(text)
        todo = [f for f in lint(doc, build_args, target, enabled, context_dir=context_dir)
                if f.fix is not None and (f.code, f.line, f.message) not in tried]
        if not todo:
            break
        finding = todo[0]
        tried.add((finding.code, finding.line, finding.message))
        new_text = apply_edits(text, finding.fix(doc))
        if new_text != text:
            text = new_text
            fixed.append(finding)
    return text, fixed


def _norm(code: str) -> str:
    return code.replace("-", "").replace("_", "").lower()


def parser_only(diagnostics: list, findings: list[Finding]) -> list:
    """The parser diagnostics lint does not already report (same line, same rule whatever
    its spelling: ``duplicate-stage-name`` is ``DuplicateStageName``), so a problems list
    can show both without repeating itself."""
    seen = {(f.line, _norm(f.code)) for f in findings}
    spans = [(f.start, f.end, _norm(f.code)) for f in findings]

    def covered(d) -> bool:  # the same problem under BuildKit's name, on its instruction
        alias = _SAME_AS.get(d.code)
        return alias is not None and any(code == alias and start <= d.start <= end for start, end, code in spans)

    return [d for d in diagnostics if (d.line, _norm(d.code)) not in seen and not covered(d)]


# parser codes that a lint rule reports too, at the start of the instruction
_SAME_AS = {"empty-continuation-line": _norm("NoEmptyContinuation")}
