"""Diagnostic codes the parser and stage graph report, and a helper to make them.

Codes are stable kebab-case strings; tools (lint, UI, CLI) may match on them.
"""
from __future__ import annotations

from studio.core.model import Diagnostic, Node, Severity

CODES: dict[str, Severity] = {
    "duplicate-directive": "error",
    "invalid-escape": "error",
    "unterminated-heredoc": "error",
    "empty-continuation-line": "warning",
    "unknown-instruction": "error",
    "instruction-before-from": "error",
    "no-from": "error",
    "invalid-from": "error",
    "invalid-stage-name": "error",
    "reserved-stage-name": "warning",
    "duplicate-stage-name": "warning",
    "unknown-stage-index": "error",
    "from-same-stage": "error",
    "from-later-stage": "warning",
    "stage-cycle": "error",
    "malformed-mount": "error",
    "session-mount": "info",
    "unknown-target": "error",
    "empty-from-variable": "error",
    "from-expansion-error": "error",
    "arg-expansion-error": "error",
    "line-too-long": "error",
}


def make(code: str, message: str, node: Node | None = None, *, line: int | None = None,
         start: int | None = None, end: int | None = None) -> Diagnostic:
    """A Diagnostic for ``code``; the span defaults to the node's first line."""
    severity = CODES[code]
    first = node.line if node is not None else 1
    if line is None:
        line = first
    if start is None:
        start = node.start if node is not None else 0
    if end is None:
        end = getattr(node, "content_end", 0) or (node.end if node is not None else 0)
    end = max(end, start)
    return Diagnostic(severity, code, line, message, start, end,
                      node.end_line if node is not None and line == first else line)
