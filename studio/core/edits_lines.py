"""Instruction edits: add, set, remove and duplicate one instruction of a stage.

New text is written the way the file already writes: the keyword in the file's casing,
continuation lines indented like the file's and ended with its escape character, lines
ended with its line ending. Changing an instruction replaces only the bytes that differ,
so retyping a word of a long RUN touches that word alone.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from studio.core.edits_base import (
    EditError,
    deletion,
    ends_with_line_end,
    indentation_at,
    insertion,
    is_blank_line,
    keyword_case,
    line_start_of,
    resolve_stage,
    stage_block_start,
    stage_ref_label,
    uses_blank_lines,
)
from studio.core.line_map import common_ends
from studio.core.model import Instruction, TextEdit

if TYPE_CHECKING:
    from studio.core.document import Document

KEYWORDS = ("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
            "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR")
DEFAULT_CONTINUATION = "    "
_KEYWORD = re.compile(r"[ \t]*([A-Za-z]+)")
_HEREDOC = re.compile(r"<<-?[\"']?[A-Za-z0-9_]")


def continuation_indent(doc: Document) -> str:
    """The indentation the file gives continuation lines (the most common one)."""
    text = doc.text
    seen: Counter[str] = Counter()
    for ins in doc.instructions[:400]:
        if ins.end_line == ins.line or ins.heredocs:
            continue
        for line in text[ins.start:ins.content_end or ins.end].splitlines()[1:]:
            body = line.lstrip(" \t")
            if body and not body.startswith("#"):
                seen[line[:len(line) - len(body)]] += 1
        if sum(seen.values()) >= 40:
            break
    return seen.most_common(1)[0][0] if seen else DEFAULT_CONTINUATION


def conform(doc: Document, text: str, indent: str = "", keyword_as: str | None = None,
            final_newline: bool = True) -> str:
    """``text`` (one instruction, lines split by any line ending) written in the file's
    style. ``keyword_as``: the casing to keep for the keyword (an edited instruction
    keeps its own). Refuses what is not exactly one instruction."""
    if not isinstance(text, str):
        raise EditError(f"an instruction must be text, not {text!r}")
    lines = re.split(r"\r\n|\r|\n", text)
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise EditError("an instruction cannot be empty")
    first = lines[0].lstrip(" \t")
    m = _KEYWORD.match(first)
    word = m.group(1) if m else first.split()[0]
    if m is None or word.upper() not in KEYWORDS or (m.end() < len(first) and first[m.end()] not in " \t"):
        raise EditError(f"'{first.split()[0]}' is not a Dockerfile instruction (one of {', '.join(KEYWORDS)})")
    keyword = word.upper()
    cased = keyword_as if keyword_as and keyword_as.upper() == keyword else keyword_case(doc, keyword)
    first = cased + first[m.end():]
    if keyword == "ONBUILD":
        first = _inner_keyword_cased(doc, first)
    esc = doc.escape
    out = [indent + first]
    if _HEREDOC.search(first):
        out += lines[1:]  # heredoc bodies are taken as they are
    else:
        cont = continuation_indent(doc) if len(lines) > 1 else ""
        for line in lines[1:]:
            if not line.strip():
                continue  # an empty line inside a continuation is deprecated
            if line[0] not in " \t":
                line = cont + line
            out.append(line)
        for i in range(len(out) - 1):
            line = out[i].rstrip(" \t")
            if i and line.lstrip(" \t").startswith("#"):
                out[i] = line  # a comment inside a continuation needs no escape
                continue
            out[i] = line if line.endswith(esc) else f"{line} {esc}"
        last = out[-1].rstrip(" \t")
        while last.endswith(esc) and not last.endswith(esc * 2):
            last = last[:-1].rstrip(" \t")  # a dangling escape would swallow the next line
        out[-1] = last
        if len(out) > 1 and out[-1].lstrip(" \t").startswith("#"):
            raise EditError("an instruction cannot end with a comment line")
    nl = doc.newline
    result = nl.join(out) + (nl if final_newline else "")
    _check_one_instruction(doc, result, keyword)
    return result


def _inner_keyword_cased(doc: Document, first: str) -> str:
    m = re.match(r"(\S+[ \t]+)([A-Za-z]+)", first)
    if m is None or m.group(2).upper() not in KEYWORDS:
        raise EditError("ONBUILD needs the instruction it runs later, e.g. ONBUILD COPY . /app")
    inner = m.group(2).upper()
    if inner in ("ONBUILD", "FROM", "MAINTAINER"):
        raise EditError(f"ONBUILD cannot wrap {inner}")
    return m.group(1) + keyword_case(doc, inner) + first[m.end():]


def _check_one_instruction(doc: Document, text: str, keyword: str) -> None:
    from studio.core.document import parse

    prefix = "# escape=`\n" if doc.escape == "`" else ""
    trial = parse(prefix + text)
    found = [i for i in trial.instructions if i.keyword]
    if len(found) != 1 or found[0].keyword != keyword:
        raise EditError("the text must be exactly one instruction; continue long lines with "
                        f"'{doc.escape}' at the end of each line but the last")
    for d in trial.syntax_diagnostics:
        if d.severity == "error":
            raise EditError(d.message)


def _instruction_on(doc: Document, line: int, verb: str) -> Instruction:
    valid = isinstance(line, int) and not isinstance(line, bool)
    ins = doc.instruction_at_line(line) if valid else None
    if ins is None:
        raise EditError(f"line {line} holds no instruction to {verb}")
    return ins


def _refuse_from(doc: Document, ins: Instruction, instead: str) -> None:
    if ins.keyword == "FROM" and ins.stage is not None:
        st = doc.stages[ins.stage]
        raise EditError(f"line {ins.line} is the FROM of stage {stage_ref_label(st)}; {instead}")


def new_errors(doc: Document, edits: list[TextEdit], first: int, last: int) -> None:
    """Refuse edits whose result has an error on lines ``first``-``last`` (of the new
    text) that the old text did not have: the same message the text pane would show."""
    from studio.core.document import apply_edits, parse

    new = parse(apply_edits(doc.text, edits))
    before = {(d.code, d.message) for d in doc.diagnostics if d.severity == "error"}
    for d in new.diagnostics:
        if d.severity == "error" and first <= d.line <= last and (d.code, d.message) not in before:
            raise EditError(d.message)


def add_instruction(doc: Document, stage: int | str | None, text: str,
                    position: int | None = None) -> list[TextEdit]:
    """Add one instruction to ``stage`` as its instruction number ``position`` (0 = right
    after FROM; None = at the end). ``stage`` None (or "") adds a global ARG above the
    first FROM."""
    if stage is None or (isinstance(stage, str) and not stage.strip()):
        return _add_global_arg(doc, text)
    st = resolve_stage(doc, stage)
    body = st.instructions
    if position is None:
        position = len(body)
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= len(body):
        raise EditError(f"position {position} is out of range: stage {stage_ref_label(st)} has "
                        f"{len(body)} instructions, so use 0 to {len(body)}")
    prev = body[position - 1] if position > 0 else st.from_instruction
    neighbour = body[position - 1] if position > 0 else (body[0] if body else None)
    indent = indentation_at(doc.text, neighbour.start) if neighbour is not None else ""
    line = conform(doc, text, indent)
    if line.lstrip().upper().startswith("FROM"):
        raise EditError("a FROM starts a new stage; add a stage instead")
    edits = [insertion(doc, prev.end, line)]
    at = doc.line_of(prev.end) + (0 if ends_with_line_end(doc.text, prev.end) else 1)
    new_errors(doc, edits, at, at + line.count("\n"))
    return edits


def _add_global_arg(doc: Document, text: str) -> list[TextEdit]:
    line = conform(doc, text)
    if not line.upper().startswith("ARG"):
        raise EditError("only ARG can come before the first FROM (a global build argument)")
    stages = doc.stages
    earlier = [i for i in doc.instructions if i.keyword and (not stages or i.start < stages[0].from_instruction.start)]
    if earlier:
        return [insertion(doc, earlier[-1].end, line)]
    if not stages:
        return [insertion(doc, len(doc.text), line)]
    at = stage_block_start(doc, stages[0])
    if uses_blank_lines(doc) and not is_blank_line(doc.text, at):
        line += doc.newline
    return [insertion(doc, at, line)]


def set_instruction(doc: Document, line: int, text: str) -> list[TextEdit]:
    """Replace the instruction on ``line`` (with its continuations and heredoc bodies)
    by ``text``, changing only the bytes that differ. A FROM stays a FROM."""
    ins = _instruction_on(doc, line, "change")
    start = line_start_of(doc.text, ins.start)
    old = doc.text[start:ins.end]
    new = conform(doc, text, indentation_at(doc.text, ins.start), ins.keyword_as_written,
                  final_newline=ends_with_line_end(old, len(old)))
    new_keyword = new.split(None, 1)[0].upper()
    if (ins.keyword == "FROM") != (new_keyword == "FROM"):
        raise EditError("an instruction cannot become a FROM or stop being one; add or remove a stage instead")
    if not ends_with_line_end(old, len(old)) and ends_with_line_end(new, len(new)):
        new = new.rstrip("\r\n")
    if new == old:
        return []
    p, s = common_ends(old, new)
    edits = [TextEdit(start + p, start + len(old) - s, new[p:len(new) - s])]
    first = doc.line_of(start)
    new_errors(doc, edits, first, first + new.count("\n"))
    return edits


def remove_instruction(doc: Document, line: int) -> list[TextEdit]:
    """Delete the instruction on ``line`` with its continuation lines and heredoc bodies;
    comments around it stay. A FROM is refused (remove the stage)."""
    ins = _instruction_on(doc, line, "remove")
    _refuse_from(doc, ins, "remove the stage instead")
    return [deletion(doc, line_start_of(doc.text, ins.start), ins.end)]


def duplicate_instruction(doc: Document, line: int) -> list[TextEdit]:
    """Insert a copy of the instruction on ``line`` right below it."""
    ins = _instruction_on(doc, line, "duplicate")
    _refuse_from(doc, ins, "duplicate the stage instead")
    chunk = doc.text[line_start_of(doc.text, ins.start):ins.end]
    if not ends_with_line_end(chunk, len(chunk)):
        chunk += doc.newline
    return [insertion(doc, ins.end, chunk)]


__all__ = ["add_instruction", "set_instruction", "remove_instruction", "duplicate_instruction",
           "conform", "continuation_indent"]
