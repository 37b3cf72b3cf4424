"""The rule registry: rules register themselves with :func:`rule`; ``RULES`` holds
them by code and :func:`rule_docs` explains one."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from studio.core.lint.findings import Finding, Rule
from studio.core.model import Severity

if TYPE_CHECKING:
    from studio.core.lint.context import LintContext

CheckFn = Callable[["LintContext"], Iterable[Finding]]

RULES: dict[str, Rule] = {}
FACT_RULES: dict[str, Rule] = {}  # rules that need a built image (lint/rules_facts.py), same pages


def rule(code: str, name: str, severity: Severity, *, summary: str, explanation: str,
         before: str, after: str, buildkit: bool = False,
         hadolint: tuple[str, ...] = ()) -> Callable[[CheckFn], CheckFn]:
    """Register the decorated check function as rule ``code``; ``hadolint`` names
    hadolint's codes for the same check (``# hadolint ignore=DL3015`` then silences it)."""

    def register(fn: CheckFn) -> CheckFn:
        if code in RULES:
            raise ValueError(f"lint rule {code} registered twice")
        RULES[code] = Rule(code, name, severity, summary.strip(), _dedent(explanation),
                           _dedent(before), _dedent(after), buildkit, fn, tuple(hadolint))
        return fn

    return register


def find_rule(code: str) -> Rule | None:
    """The rule, parser diagnostic or note that ``code`` names: every code lint prints, also
    spelled the other way (``duplicate-stage-name`` is ``DuplicateStageName``)."""
    from studio.core.lint.code_docs import NON_RULE_DOCS

    found = RULES.get(code) or FACT_RULES.get(code) or NON_RULE_DOCS.get(code)
    if found is None:
        wanted = _plain(code)
        found = next((r for table in (RULES, FACT_RULES, NON_RULE_DOCS) for r in table.values()
                      if _plain(r.code) == wanted), None)
    return found


def hadolint_rules(code: str) -> list[Rule]:
    """The rules that cover hadolint's ``code`` (``DL3007``), in code order."""
    wanted = code.strip().upper()
    return sorted((r for r in RULES.values() if wanted in (r.hadolint or ())), key=lambda r: r.code)


def _plain(code: str) -> str:
    return code.replace("-", "").replace("_", "").lower()


def rule_docs(code: str) -> str:
    """A rule's explanation as markdown-ish text: title, summary, why, before and after."""
    from studio.core.lint.code_docs import NON_RULE_DOCS

    r = find_rule(code)
    if r is None:
        return f"Unknown lint rule '{code}'."
    origin = "BuildKit check (`docker build --check`)" if r.buildkit else "Stage Studio rule"
    if r.code == "lint-internal":
        origin = "Stage Studio's note about itself"
    elif r.code in NON_RULE_DOCS:
        origin = "Parser diagnostic (what BuildKit's parser refuses or warns about)"
    if r.hadolint:
        origin += "; hadolint " + ", ".join(r.hadolint)
    return (
        f"# {r.code}: {r.name}\n\n"
        f"*{origin}, default severity {r.severity}.*\n\n"
        f"{r.summary}\n\n{r.explanation}\n\n"
        f"Before:\n\n```dockerfile\n{r.example_before}\n```\n\n"
        f"After:\n\n```dockerfile\n{r.example_after}\n```\n"
        + (f"\nMore: {r.url}\n" if r.url else "")
    )


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip("\n")
