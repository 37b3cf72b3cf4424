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


def rule_docs(code: str) -> str:
    """A rule's explanation as markdown-ish text: title, summary, why, before and after."""
    r = RULES.get(code) or FACT_RULES.get(code)
    if r is None:
        return f"Unknown lint rule '{code}'."
    origin = "BuildKit check (`docker build --check`)" if r.buildkit else "Stage Studio rule"
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
