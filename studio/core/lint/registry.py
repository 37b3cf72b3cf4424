"""The rule registry and the shapes lint hands out: ``Rule`` (what a check is and why it
matters, for the explain panel) and ``Finding`` (one hit, a ``Diagnostic`` plus its rule
and an optional quick fix). Rules register themselves with :func:`rule`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable

from studio.core.model import Diagnostic, Severity, TextEdit

if TYPE_CHECKING:
    from studio.core.lint.context import LintContext

BUILDKIT_DOCS = "https://docs.docker.com/go/dockerfile/rule/"

CheckFn = Callable[["LintContext"], Iterable["Finding"]]
FixFn = Callable[..., list[TextEdit]]


class StaleFix(ValueError):
    """A quick fix was asked for a text that changed since lint ran: lint again first."""


@dataclass(frozen=True)
class Rule:
    code: str  # stable id: BuildKit's CamelCase name, or our kebab-case one
    name: str  # a short human title
    severity: Severity  # default severity (``# check=error=true`` raises BuildKit ones)
    summary: str  # one line
    explanation: str  # a paragraph or two: why it matters, what to do
    example_before: str
    example_after: str
    buildkit: bool = False  # one of ``docker build --check``'s rules
    check: CheckFn | None = field(default=None, compare=False, repr=False)

    @property
    def url(self) -> str | None:
        """Docker's page for a BuildKit rule (our own rules are explained by rule_docs)."""
        if self.buildkit:
            return BUILDKIT_DOCS + _kebab(self.code) + "/"
        return None


@dataclass
class Finding(Diagnostic):
    """One lint hit. A ``Diagnostic`` (so every view of diagnostics shows it) that also
    knows its rule and, when a fix is safe, how to apply it as text edits."""

    rule: Rule | None = None
    fix: FixFn | None = field(default=None, repr=False, compare=False)
    fix_title: str = ""  # e.g. "Rename stage to 'builder'"

    @property
    def has_fix(self) -> bool:
        return self.fix is not None


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, severity: Severity, *, summary: str, explanation: str,
         before: str, after: str, buildkit: bool = False) -> Callable[[CheckFn], CheckFn]:
    """Register the decorated check function as rule ``code``."""

    def register(fn: CheckFn) -> CheckFn:
        if code in RULES:
            raise ValueError(f"lint rule {code} registered twice")
        RULES[code] = Rule(code, name, severity, summary.strip(), _dedent(explanation),
                           _dedent(before), _dedent(after), buildkit, fn)
        return fn

    return register


def rule_docs(code: str) -> str:
    """A rule's explanation as markdown-ish text: title, summary, why, before and after."""
    r = RULES.get(code)
    if r is None:
        return f"Unknown lint rule '{code}'."
    origin = "BuildKit check (`docker build --check`)" if r.buildkit else "Stage Studio rule"
    return (
        f"# {r.code}: {r.name}\n\n"
        f"*{origin}, default severity {r.severity}.*\n\n"
        f"{r.summary}\n\n{r.explanation}\n\n"
        f"Before:\n\n```dockerfile\n{r.example_before}\n```\n\n"
        f"After:\n\n```dockerfile\n{r.example_after}\n```\n"
        + (f"\nMore: {r.url}\n" if r.url else "")
    )


def _kebab(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or
                                   (i + 1 < len(name) and name[i + 1].islower())):
            out.append("-")
        out.append(ch.lower())
    return "".join(out)


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip("\n")
