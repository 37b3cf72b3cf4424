"""Expansion forms an older engine's Dockerfile frontend does not know.

Engines build with the frontend they were released with unless ``# syntax=`` names a
newer one. Debian's Docker 20.10 (checked) fails on ``${V-x}``, ``${V+x}``, ``${V#p}``,
``${V%p}`` and ``${V/a/b}`` with "missing ':' in substitution"; the release that added
each form comes from :func:`studio.core.shell.newer_form`.
"""
from __future__ import annotations

import re

from studio.core.lint.context import LintContext
from studio.core.lint.registry import rule
from studio.core.shell import newer_form, var_refs

# Instructions whose words BuildKit's own lexer expands (RUN, CMD... go to the shell).
EXPANDED = frozenset({"FROM", "ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER",
                      "VOLUME", "WORKDIR", "ARG", "ONBUILD"})
_SYNTAX_VERSION = re.compile(r"dockerfile(?:-upstream)?:(\d+)(?:\.(\d+))?")


def _frontend_version(ctx: LintContext) -> tuple[int, int] | None:
    """The Dockerfile syntax a ``# syntax=`` directive asks for ((1, 99) for ``:1``, a
    moving tag, and for names we cannot read); None without the directive."""
    value = next((v for k, v in (getattr(ctx.doc, "directives", None) or {}).items()
                  if str(k).lower() == "syntax"), None)
    if value is None:
        return None
    m = _SYNTAX_VERSION.search(value)
    if m is None or m.group(2) is None:
        return (1, 99)
    return int(m.group(1)), int(m.group(2))


@rule("substitution-needs-newer-engine", "Expansion form needs a newer engine", "warning",
      summary="This ${...} form is unknown to the Dockerfile frontend of older engines.",
      explanation="""
      BuildKit learnt the POSIX forms without a colon (`${V-x}`, `${V+x}`) in Dockerfile
      syntax 1.6 (BuildKit 0.12, Docker Engine 25.0) and pattern trimming and replacing
      (`${V#p}`, `${V%p}`, `${V/a/b}`) in 1.7 (BuildKit 0.13, Docker Engine 26.0). An older
      engine stops the build with "missing ':' in substitution". Use the `:` forms, or
      name a newer frontend with `# syntax=docker/dockerfile:1.7` on the first line (the
      engine must be able to pull it).""",
      before="ARG IMG=app-dev\nFROM ${IMG%-dev}",
      after="# syntax=docker/dockerfile:1.7\nARG IMG=app-dev\nFROM ${IMG%-dev}")
def substitution_needs_newer_engine(ctx: LintContext):
    asked = _frontend_version(ctx)
    for ins in ctx.doc.instructions:
        if ins.keyword not in EXPANDED:
            continue
        texts = [ins.args] + [f.value for f in ins.flags if f.value]
        reported: set[tuple[str, str]] = set()
        for text in texts:
            for ref in var_refs(text, ctx.escape):
                versions = newer_form(ref)
                if versions is None or (ref.name, ref.modifier) in reported:
                    continue
                syntax, buildkit, engine = versions
                if asked is not None and asked >= tuple(int(p) for p in syntax.split(".")):
                    continue
                reported.add((ref.name, ref.modifier))
                form = text[ref.offset:ref.end]
                if len(form) > 40:
                    form = form[:37] + "..."
                yield ctx.at(ins, f"{form} needs Docker Engine {engine} or newer (BuildKit {buildkit}, "
                                  f"Dockerfile syntax {syntax}); older engines such as Docker 20.10 "
                                  "stop with \"missing ':' in substitution\"")
