"""The shapes lint hands out: ``Rule`` (what a check is and why it matters, for the
explain panel) and ``Finding`` (one hit: a ``Diagnostic`` plus its rule and an optional
quick fix). Kept apart from the registry so the lint context can make findings without
importing the registry that imports it."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from studio.core.model import Diagnostic, Severity, TextEdit

BUILDKIT_DOCS = "https://docs.docker.com/go/dockerfile/rule/"

# A rule's check takes the LintContext (see registry.CheckFn for the precise type).
CheckFn = Callable[..., Iterable["Finding"]]
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
    hadolint: tuple[str, ...] = ()  # hadolint's codes for the same check (ignore aliases)

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


def _kebab(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or
                                   (i + 1 < len(name) and name[i + 1].islower())):
            out.append("-")
        out.append(ch.lower())
    return "".join(out)
