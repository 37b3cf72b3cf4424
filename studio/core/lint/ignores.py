"""Per-line ignores written as comments, as hadolint users write them::

    # stage-studio ignore=PipeWithoutPipefail,CdInsteadOfWorkdir
    # hadolint ignore=DL4006
    RUN cd /src && curl -fsSL https://example.com/x | sh

A comment block directly above an instruction silences those rules on that instruction
(all its lines). ``# stage-studio global ignore=...`` (or hadolint's ``global``) anywhere
silences them in the whole file. hadolint's DLxxxx codes name the rules that check the
same thing (see ``Rule.hadolint``); names are matched without regard to case.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studio.core.document import Document
    from studio.core.lint.findings import Rule

_IGNORE = re.compile(r"^\s*#\s*(?:stage-studio|hadolint)\s+(global\s+)?ignore\s*=\s*(.*?)\s*$",
                     re.IGNORECASE)


def _codes(names: str, rules: dict[str, Rule]) -> set[str]:
    by_lower = {code.lower(): code for code in rules}
    out: set[str] = set()
    for name in re.split(r"[,\s]+", names):
        if not name:
            continue
        if name.lower() in by_lower:
            out.add(by_lower[name.lower()])
        else:
            out.update(code for code, r in rules.items() if name.upper() in r.hadolint)
    return out


def ignored_lines(doc: Document, rules: dict[str, Rule]) -> tuple[dict[int, set[str]], set[str]]:
    """(line -> rule codes silenced there, codes silenced everywhere)."""
    per_line: dict[int, set[str]] = {}
    everywhere: set[str] = set()
    pending: set[str] = set()
    text = doc.text
    for node in doc.nodes:
        if node.kind == "comment":
            m = _IGNORE.match(text[node.start:node.end])
            if m:
                codes = _codes(m.group(2), rules)
                (everywhere if m.group(1) else pending).update(codes)
        elif node.kind == "instruction":
            if pending:
                for line in range(node.line, node.end_line + 1):
                    per_line.setdefault(line, set()).update(pending)
                pending = set()
        elif node.kind == "blank":
            pending = set()
    return per_line, everywhere


def may_have_ignores(text: str) -> bool:
    """A quick look first: most files have no ignore comment at all."""
    return "ignore" in text and ("stage-studio" in text or "hadolint" in text)
