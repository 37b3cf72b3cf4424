"""Dockerfile syntax highlighting, line by line, with block states for what spans
lines: parser directives at the top, continuation lines and heredoc bodies."""
from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

INSTRUCTIONS = frozenset(
    "ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER ONBUILD "
    "RUN SHELL STOPSIGNAL USER VOLUME WORKDIR".split()
)
DIRECTIVE = re.compile(r"^\s*#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(\S.*?)\s*$")
FIRST_WORD = re.compile(r"^(\s*)([A-Za-z]+)")
TOKEN = re.compile(
    r"""(?P<flag>(?<!\S)--[A-Za-z][\w-]*(?:=(?:"[^"]*"|'[^']*'|\S*))?)"""
    r"""|(?P<heredoc><<(?P<dash>-?)(?P<q>["']?)(?P<delim>[A-Za-z0-9_.-]+)(?P=q))"""
    r"""|(?P<string>"(?:\\.|[^"\\])*"?|'[^']*'?)"""
    r"""|(?P<var>\$\{[^}\s]*\}?|\$[A-Za-z_][A-Za-z0-9_]*)"""
    r"""|(?P<as>(?<=\s)(?i:as)(?=\s))"""
)

# Block states: -1 (Qt's "none": the first block) and DIRECTIVES mean parser directives
# may still follow; NORMAL; CONTINUATION; HEREDOC_BASE + i indexes a heredoc stack.
DIRECTIVES, NORMAL, CONTINUATION, HEREDOC_BASE = 0, 1, 2, 16


def _fmt(color: str, bold: bool = False, italic: bool = False, background: str | None = None) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    if background:
        fmt.setBackground(QColor(background))
    return fmt


# kind: (foreground, options) for light and for dark editor backgrounds
LIGHT = {
    "keyword": ("#1f5fbf", {"bold": True}),
    "flag": ("#8a3fb8", {}),
    "string": ("#2e7d32", {}),
    "var": ("#c25e00", {}),
    "comment": ("#7a7a7a", {"italic": True}),
    "directive": ("#b0006e", {"italic": True}),
    "heredoc": ("#00607a", {"background": "#eef6f8"}),
    "heredoc_marker": ("#00607a", {"bold": True}),
    "as": ("#1f5fbf", {"bold": True}),
    "escape": ("#9e9e9e", {}),
}
DARK = {
    "keyword": ("#6cb6ff", {"bold": True}),
    "flag": ("#d2a8ff", {}),
    "string": ("#8ddb8c", {}),
    "var": ("#f69d50", {}),
    "comment": ("#8b949e", {"italic": True}),
    "directive": ("#f47ebf", {"italic": True}),
    "heredoc": ("#76e3ea", {"background": "#1b2b34"}),
    "heredoc_marker": ("#76e3ea", {"bold": True}),
    "as": ("#6cb6ff", {"bold": True}),
    "escape": ("#6e7681", {}),
}


class DockerfileHighlighter(QSyntaxHighlighter):
    """Colours instructions, flags, strings, variables, comments, heredoc bodies and
    parser directives. The escape character follows the file's ``# escape=`` directive
    (the sync controller sets ``escape`` from the parsed Document)."""

    def __init__(self, document: QTextDocument, dark: bool = False) -> None:
        super().__init__(document)
        self.escape = "\\"
        self.formats = {kind: _fmt(*spec[:1], **spec[1]) for kind, spec in (DARK if dark else LIGHT).items()}
        self._stacks: list[tuple[tuple[str, bool], ...]] = []  # heredoc stacks by state id
        self._stack_ids: dict[tuple[tuple[str, bool], ...], int] = {}

    def set_escape(self, escape: str) -> None:
        if escape != self.escape:
            self.escape = escape
            self.rehighlight()

    def _state_for_stack(self, stack: tuple[tuple[str, bool], ...]) -> int:
        if stack not in self._stack_ids:
            self._stack_ids[stack] = len(self._stacks)
            self._stacks.append(stack)
        return HEREDOC_BASE + self._stack_ids[stack]

    def highlightBlock(self, text: str) -> None:
        state = self.previousBlockState()
        if state >= HEREDOC_BASE and state - HEREDOC_BASE < len(self._stacks):
            self._heredoc_line(text, self._stacks[state - HEREDOC_BASE])
            return
        if state in (-1, DIRECTIVES):
            match = DIRECTIVE.match(text)
            if match and match.group(1).lower() in ("syntax", "escape", "check"):
                self.setFormat(0, len(text), self.formats["directive"])
                self.setCurrentBlockState(DIRECTIVES)
                return
        stripped = text.lstrip()
        if stripped.startswith("#"):
            self.setFormat(0, len(text), self.formats["comment"])
            self.setCurrentBlockState(CONTINUATION if state == CONTINUATION else NORMAL)
            return
        if not stripped:
            self.setCurrentBlockState(CONTINUATION if state == CONTINUATION else NORMAL)
            return
        start = 0
        if state != CONTINUATION:
            word = FIRST_WORD.match(text)
            if word and word.group(2).upper() in INSTRUCTIONS:
                self.setFormat(word.start(2), len(word.group(2)), self.formats["keyword"])
                start = word.end(2)
                rest = text[start:].lstrip()
                if word.group(2).upper() == "ONBUILD":  # ONBUILD RUN ...: colour both keywords
                    inner = FIRST_WORD.match(rest)
                    if inner and inner.group(2).upper() in INSTRUCTIONS:
                        offset = len(text) - len(rest)
                        self.setFormat(offset + inner.start(2), len(inner.group(2)), self.formats["keyword"])
        heredocs = self._tokens(text, start)
        body = text.rstrip()
        continued = body.endswith(self.escape) and not body.endswith(self.escape * 2)
        if continued:
            self.setFormat(len(body) - 1, 1, self.formats["escape"])
        if heredocs and not continued:
            self.setCurrentBlockState(self._state_for_stack(tuple(heredocs)))
        elif continued:
            # A heredoc opened on a continued line starts after the instruction ends;
            # keep it simple: the continuation state wins (rare in practice).
            self.setCurrentBlockState(CONTINUATION)
        else:
            self.setCurrentBlockState(NORMAL)

    def _tokens(self, text: str, start: int) -> list[tuple[str, bool]]:
        """Colour flags, strings, variables and heredoc markers; return heredocs opened."""
        heredocs: list[tuple[str, bool]] = []
        for match in TOKEN.finditer(text, start):
            kind = match.lastgroup
            if match.group("heredoc"):
                self.setFormat(match.start(), match.end() - match.start(), self.formats["heredoc_marker"])
                heredocs.append((match.group("delim"), bool(match.group("dash"))))
                continue
            if match.group("flag"):
                kind = "flag"
            elif match.group("string"):
                kind = "string"
            elif match.group("var"):
                kind = "var"
            elif match.group("as"):
                kind = "as"
            self.setFormat(match.start(), match.end() - match.start(), self.formats[kind])
            if kind in ("string", "flag") and '"' in match.group(0):
                for var in re.finditer(r"\$\{[^}\s]*\}?|\$[A-Za-z_][A-Za-z0-9_]*", match.group(0)):
                    self.setFormat(match.start() + var.start(), var.end() - var.start(), self.formats["var"])
        return heredocs

    def _heredoc_line(self, text: str, stack: tuple[tuple[str, bool], ...]) -> None:
        delimiter, strip_tabs = stack[0]
        candidate = text.lstrip("\t") if strip_tabs else text
        if candidate == delimiter:
            self.setFormat(0, len(text), self.formats["heredoc_marker"])
            rest = stack[1:]
            self.setCurrentBlockState(self._state_for_stack(rest) if rest else NORMAL)
            return
        self.setFormat(0, len(text), self.formats["heredoc"])
        self.setCurrentBlockState(self._state_for_stack(stack))
