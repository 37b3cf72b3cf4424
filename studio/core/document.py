"""``Document``: a parsed Dockerfile, its syntax tree and stage graph; parse and reparse.

Work is done when it is first needed, so typing stays fast in big files: ``parse``
only lexes (node extents and lines, one C-speed regex pass); ``nodes`` and
``instructions`` (keywords, heredocs), ``instruction_values`` and the stage graph are
built on first use and cached; an instruction's flags, arguments, JSON form and mounts are computed the first
time one of them is read. ``reparse`` re-lexes from the node holding the edit until
the lexer is back in step with the old nodes, shifts the rest, and reuses the old
Document's built nodes before the edit, so its cost follows the change, not the file.

A chain of reparsed Documents shares a ``DetailCache``: details of instructions that
only moved, which lines of a stage the graph must look at, and each stage's part of
the last graph (reused as is before the edit, shifted after it), so the stage graph
after a keystroke costs little more than the edited stage. Syntax problems are reused
the same way.
"""
from __future__ import annotations

import bisect
import operator
import re
from functools import cached_property

from studio.core import diagnostics as diag
from studio.core.detail_cache import DetailCache
from studio.core.instruction import build_nodes
from studio.core.logical import GO_SPACE
from studio.core.model import Diagnostic, Edge, Instruction, Node, Stage, StageGraph, TextEdit, find_stage
from studio.core.stages import build_graph
from studio.core.syntax import Header, RawNode, find_heredoc_mark, lex_body, lex_header, shift_nodes
from studio.core.values import instruction_values

# A whitespace-only line after the first line of an instruction: BuildKit skips it
# inside a continuation but warns that this will become an error.
_EMPTY_CONTINUATION_LINE = re.compile(r"\n(?=[" + re.escape(GO_SPACE.replace("\n", "")) + r"]*\n)")


MAX_LINE_BYTES = 65_535  # BuildKit's parser: "dockerfile line greater than max allowed size of 65535"
_LONG_LINE = re.compile(r"^[^\n]{16384,}", re.MULTILINE)  # (anchored: one try per line)

# How many reparses stay eager after one that showed every instruction's details read.
EAGER_REPARSES = 32


class Document:
    """A parsed Dockerfile. Treat it as immutable: edits make a new Document."""

    def __init__(self, text: str, raw: list[RawNode], header: Header, cache: DetailCache | None = None):
        self.text = text
        self._cache = DetailCache() if cache is None else cache
        self._cache.grow(len(raw))
        self._raw = raw
        self._header = header
        self.escape: str = header.escape
        self.directives: dict[str, str] = header.directives
        self.has_bom: bool = text.startswith("\ufeff")

    def __repr__(self) -> str:
        return f"<Document {len(self.text)} chars, {len(self._raw)} nodes>"

    def keep_details_lazy(self) -> None:
        """Never fill every instruction's details ahead, for this Document and those
        reparsed from it: the editor's lint reads every line when typing pauses, and that
        must not make each of the next keystrokes fill the details of every line after
        the edit (the next lint fills what it reads, off the keystroke)."""
        self._cache.lazy = True

    # -- syntax ---------------------------------------------------------------------
    @cached_property
    def newline(self) -> str:
        crlf = self.text.count("\r\n")
        return "\r\n" if crlf and crlf * 2 > self.text.count("\n") else "\n"

    @cached_property
    def nodes(self) -> list[Node]:
        # After reparse, the nodes before the edit are the old Document's (same values).
        prefix = self.__dict__.pop("_reused_nodes", None) or []
        stage = -1  # the stage the prefix ends in: that of its last instruction
        for n in reversed(prefix):
            if n.kind == "instruction":
                stage = -1 if n.stage is None else n.stage
                break
        return prefix + build_nodes(self.text, self._raw[len(prefix):], self.escape, stage, self._cache)

    @cached_property
    def instructions(self) -> list[Instruction]:
        return [n for n in self.nodes if n.kind == "instruction"]

    @cached_property
    def instruction_values(self) -> list[str]:
        """Per instruction, what follows its keyword as one logical line (continuations
        joined, flags kept): what dockerfile-parse's ``structure`` calls the value."""
        return instruction_values(self.text, self._raw, self.escape)

    @cached_property
    def syntax_diagnostics(self) -> list[Diagnostic]:
        """Problems found while lexing: directives, heredocs, empty continuation lines."""
        out = [Diagnostic(diag.CODES[code], code, line, message, start, end, line)
               for code, message, line, start, end in self._header.problems]
        raw = self._raw
        prev = self.__dict__.pop("_syntax_from", None)
        if prev is None:
            found = self._syntax_problems(0, len(raw))
        else:  # after reparse: the old Document's problems before and after the re-lexed nodes
            old, i, k, j, shift, lines = prev
            found = {n: ds for n, ds in old.items() if n < i}
            found.update(self._syntax_problems(i, len(raw) if j is None else k))
            if j is not None:
                for n, ds in old.items():
                    if n >= j:
                        found[n - j + k] = [Diagnostic(d.severity, d.code, d.line + lines, d.message, d.start + shift,
                                                       d.end + shift, d.end_line + lines) for d in ds]
        self._syntax_found = found
        for i in sorted(found):
            out.extend(found[i])
        return out

    def _syntax_problems(self, lo: int, hi: int) -> dict[int, list[Diagnostic]]:
        """Problems of nodes ``lo`` to ``hi`` (exclusive), by node index, in order."""
        text, raw = self.text, self._raw
        found: dict[int, list[Diagnostic]] = {}
        if lo >= hi:
            return found
        first, stop_at = raw[lo][1], raw[hi - 1][2]
        if find_heredoc_mark(text, first, stop_at) >= 0:
            for i in range(lo, hi):
                _, start, _, line, end_line, content_end, docs, _ = raw[i]
                if docs and end_line != line:
                    for h in docs:
                        if not h.terminated:
                            found.setdefault(i, []).append(diag.make("unterminated-heredoc", f"The heredoc <<{h.delimiter} has no terminator line {h.delimiter!r}; it runs to the end of the file.",
                                                                     None, line=line, start=start, end=content_end))
        # BuildKit reads lines with a 64 KiB buffer: a longer one fails the whole file. A line
        # under 16,384 characters cannot reach 65,536 UTF-8 bytes, so only those are measured.
        long_lines = stop_at - first >= 16384 and max(map(len, text[first:stop_at].split("\n"))) >= 16384
        for m in _LONG_LINE.finditer(text, first, stop_at) if long_lines else ():
            size = len(m.group().encode("utf-8", "surrogatepass"))
            if size > MAX_LINE_BYTES:
                i = max(lo, bisect.bisect_right(raw, m.start(), lo, hi, key=_start) - 1)
                line = raw[i][3] + text.count("\n", raw[i][1], m.start())
                found.setdefault(i, []).append(diag.make(
                    "line-too-long", f"Line {line} is {size:,} bytes long; BuildKit refuses any line longer than "
                    f"{MAX_LINE_BYTES:,} bytes (split it with a line continuation).", None,
                    line=line, start=m.start(), end=m.end()))
        # Whitespace-only lines anywhere (few), then the instruction each falls in, if any.
        seen: set[int] = set()
        for m in _EMPTY_CONTINUATION_LINE.finditer(text, first, stop_at):
            at = m.start() + 1
            i = bisect.bisect_right(raw, at - 1, lo, hi, key=_start) - 1
            if i < lo or i in seen:
                continue
            kind, start, _, line, end_line, content_end, _, _ = raw[i]
            stop = text.index("\n", at) + 1
            if kind == "instruction" and end_line != line and stop <= content_end:
                seen.add(i)
                found.setdefault(i, []).append(self._empty_line(line, start, at, stop))
        last = hi - 1
        if hi == len(raw) and last not in seen:  # a whitespace-only last line at the very end of the file
            kind, start, _, line, end_line, content_end, _, _ = raw[last]
            at = text.rfind("\n", start, content_end) + 1
            if (kind == "instruction" and end_line != line and content_end == len(text) and 0 < at < content_end
                    and not text[at:content_end].strip(GO_SPACE)):
                found.setdefault(last, []).append(self._empty_line(line, start, at, content_end))
        return found

    def _empty_line(self, line: int, start: int, at: int, stop: int) -> Diagnostic:
        return diag.make("empty-continuation-line", "An empty line inside a continued instruction is deprecated and will become an error in BuildKit; remove it.",
                         None, line=line + self.text.count("\n", start, at), start=at, end=stop)

    # -- meaning ----------------------------------------------------------------------
    def graph(self, target: int | str | None = None, build_args: dict[str, str] | None = None,
              platform: str | None = None) -> StageGraph:
        """The stage graph for a target (default: the last stage), build args and the
        build's ``--platform`` (default: the local one; it sets $TARGETPLATFORM...)."""
        if target is None and not build_args and not platform:
            return self._default_graph
        try:
            key = (target, tuple(sorted((build_args or {}).items())), platform)
            hash(key)
        except TypeError:  # odd arguments: no caching, same answer
            key = None
        graphs = self.__dict__.setdefault("_graphs", {})
        found = graphs.get(key) if key is not None else None
        if found is None:
            found = self._trimmed(build_graph(self.instructions, self.syntax_diagnostics, target, build_args,
                                              self.escape, self.text, self._cache, platform))
            if key is not None:
                graphs[key] = found
        return found

    @cached_property
    def _default_graph(self) -> StageGraph:
        cache = self._cache
        instructions = self.instructions
        graph = self._trimmed(build_graph(instructions, self.syntax_diagnostics, escape=self.escape,
                                          text=self.text, cache=cache))
        if cache.eager:
            for ins in instructions:
                if "_source" in ins.__dict__:
                    ins._fill_details()
            self._eager_filled = True  # these reads were ours, not a reader's
        return graph

    def _trimmed(self, graph: StageGraph) -> StageGraph:
        """Underline spans end before the line break (unless that is all they hold)."""
        text = self.text
        for d in graph.diagnostics:
            end = d.end
            while end > d.start + 1 and text[end - 1] in "\r\n":
                end -= 1
            d.end = end
        return graph

    @property
    def stages(self) -> list[Stage]:
        return self._default_graph.stages

    @property
    def edges(self) -> list[Edge]:
        return self._default_graph.edges

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self._default_graph.diagnostics

    @property
    def external_images(self) -> list[str]:
        return self._default_graph.external_images

    @property
    def target(self) -> int | None:
        return self._default_graph.target

    @property
    def reachable(self) -> list[int]:
        return self._default_graph.reachable

    @cached_property
    def meta_args(self) -> dict[str, str | None]:
        """ARGs declared before the first FROM, with their defaults (quotes removed)."""
        from studio.core.shell import arg_declarations, dequote

        out: dict[str, str | None] = {}
        for ins in self.instructions:
            if ins.keyword == "FROM":
                break
            if ins.keyword == "ARG":
                for name, value in arg_declarations(ins.args, self.escape):
                    out[name] = None if value is None else dequote(value, self.escape)
        return out

    # -- lookups ----------------------------------------------------------------------
    def stage(self, ref: int | str) -> Stage | None:
        """A stage as a user types it: by number (``2``, ``"2"``, ``"#2"``) or by name
        (case-insensitive; see ``model.find_stage``)."""
        return find_stage(self.stages, ref)

    def stage_at_line(self, line: int) -> Stage | None:
        """The stage whose FROM .. last instruction covers ``line``."""
        stages = self.stages
        i = bisect.bisect_right([s.line for s in stages], line) - 1
        if i >= 0 and stages[i].line <= line <= stages[i].end_line:
            return stages[i]
        return None

    def instruction_at_line(self, line: int) -> Instruction | None:
        """The instruction covering ``line``, including continuation and heredoc lines."""
        ins = self.instructions
        i = bisect.bisect_right(self._instruction_lines, line) - 1
        if i >= 0 and ins[i].line <= line <= ins[i].end_line:
            return ins[i]
        return None

    @cached_property
    def _instruction_lines(self) -> list[int]:
        return [i.line for i in self.instructions]

    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        find = self.text.find
        pos = find("\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        return starts

    def line_start(self, line: int) -> int:
        """Offset of the first character of 1-based ``line`` (clamped to the text)."""
        starts = self._line_starts
        if line < 1:
            return 0
        if line > len(starts):
            return len(self.text)
        return starts[line - 1]

    def line_of(self, offset: int) -> int:
        """1-based line of the character at ``offset``."""
        return bisect.bisect_right(self._line_starts, max(0, offset))


def parse(text: str) -> Document:
    """Parse any string; never raises, and ``parse(t).text == t``."""
    if not isinstance(text, str):
        raise TypeError("parse() takes a str")
    header = lex_header(text)
    raw = list(header.nodes)
    lex_body(text, header.pos, header.line, header.escape, raw)
    return Document(text, raw, header)


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    """Apply non-overlapping edits given in any order."""
    out = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < pos or e.end < e.start or e.end > len(text):
            raise ValueError(f"edit {e} overlaps another edit or falls outside the text")
        out.append(text[pos:e.start])
        out.append(e.new_text)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def reparse(doc: Document, edit: TextEdit) -> Document:
    """The Document for ``doc.text`` with ``edit`` applied: same result as ``parse``."""
    old_text = doc.text
    if not 0 <= edit.start <= edit.end <= len(old_text):
        raise ValueError(f"edit {edit} falls outside the text ({len(old_text)} characters)")
    new_text = old_text[: edit.start] + edit.new_text + old_text[edit.end:]
    raw, header = doc._raw, doc._header
    first_body = len(header.nodes)
    # Edits near the top may change parser directives (and so the escape character): the
    # first line after them may become one. Then parse afresh.
    if (len(raw) <= first_body + 1 or edit.start < header.pos
            or edit.start <= raw[first_body][2] and lex_header(new_text).pos != header.pos):
        new_doc = parse(new_text)
        if new_doc.escape == doc.escape:  # the details worked out so far still hold
            new_doc._cache = doc._cache
        return new_doc
    i = bisect.bisect_right(raw, edit.start, key=_start) - 1
    i = max(i, first_body)
    delta = len(edit.new_text) - (edit.end - edit.start)
    line_delta = edit.new_text.count("\n") - old_text.count("\n", edit.start, edit.end)
    start = raw[i]
    out = raw[:i]
    j = lex_body(new_text, start[1], start[3], header.escape, out,
                 (edit.start + len(edit.new_text), raw, delta))
    k = len(out)
    if j is not None:
        out.extend(shift_nodes(raw[j:], delta, line_delta))
    cache = doc._cache
    old_instructions = doc.__dict__.get("instructions")
    if cache.eager:
        # Eagerness lapses: once nobody reads every line any more (a build's step mapping
        # did, once), keystrokes go back to filling only what is read.
        cache.eager -= 1
    elif (old_instructions and not cache.lazy and "_default_graph" in doc.__dict__
          and "_eager_filled" not in doc.__dict__):
        # Were all of the old Document's details read (an editor showing every line)?
        if not any("_source" in ins.__dict__ for ins in old_instructions):
            cache.eager = EAGER_REPARSES
    new_doc = Document(new_text, out, header, cache)
    old_found = doc.__dict__.get("_syntax_found")
    if old_found is not None:
        new_doc._syntax_from = (old_found, i, k, j, delta, line_delta)
    old_nodes = doc.__dict__.get("nodes")
    if old_nodes is not None and i > 0:
        new_doc._reused_nodes = old_nodes[:i]
    return new_doc


_start = operator.itemgetter(1)  # a RawNode's start
