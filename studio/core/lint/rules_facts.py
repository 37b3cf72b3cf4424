"""Lint from facts: findings that need a built image, not just the text.

After a build with files explored, each file a later layer deleted or replaced is a fact
(its bytes stay in the earlier layer, so the image still carries them). The finding sits
on the deleting or overwriting line. These rules never fire on text alone, so they live
beside the text rules (``FACT_RULES``) with the same explanation pages.
"""
from __future__ import annotations

from dataclasses import dataclass

from studio.core.line_map import SAME, LineMap
from studio.core.lint.findings import Finding, Rule
from studio.core.lint.registry import FACT_RULES, _dedent
from studio.core.units import human_size

BURIED = Rule(
    "deleted-in-later-layer", "Bytes deleted or replaced in a later layer", "warning",
    "A file written by one instruction is deleted or replaced by a later one, so the image still carries it.",
    _dedent("""
        Every RUN, COPY and ADD adds a layer, and layers only ever add: deleting a file in
        a later layer writes a marker that hides it, and replacing a file stores a second
        copy. The bytes of the first copy stay in the image, are pulled by every machine
        that runs it, and count as waste in dive. Stage Studio reads the built image's
        layers and puts this finding on the line that deleted or replaced the file, naming
        the line that wrote it.

        Do both in the same RUN (download, use and delete in one instruction), or do the
        messy work in a builder stage and COPY --from only the result into the final stage.
        A file replaced by a later COPY is better left out of the earlier one
        (.dockerignore, or a narrower COPY)."""),
    _dedent("""
        FROM busybox
        RUN wget -O /tmp/src.tgz http://example.com/src.tgz && tar xzf /tmp/src.tgz -C /opt
        RUN rm /tmp/src.tgz"""),
    _dedent("""
        FROM busybox
        RUN wget -O /tmp/src.tgz http://example.com/src.tgz && tar xzf /tmp/src.tgz -C /opt \\
         && rm /tmp/src.tgz"""),
)
FACT_RULES[BURIED.code] = BURIED
MINIMUM = 1024  # a few bytes replaced (a config file edited) are not worth a finding


@dataclass
class BuriedFact:
    path: str  # "/tmp/huge.bin"
    size: int
    written_line: int | None
    by_line: int | None
    how: str  # "deleted" | "overwritten"


def buried_findings(doc, facts: list[BuriedFact], minimum: int = MINIMUM, lines: LineMap = SAME) -> list[Finding]:
    """One finding per (deleting line, writing line, how), largest first within it.

    The facts' lines are the built text's; ``lines`` follows them to ``doc``, the text as it
    is now. A finding whose deleting line was edited or deleted since is on line 0 (no line
    of the text) and says which line of the last build it was."""
    groups: dict[tuple[int, int | None, str], list[BuriedFact]] = {}
    for fact in facts:
        if fact.by_line is not None and fact.written_line != fact.by_line:
            groups.setdefault((fact.by_line, fact.written_line, fact.how), []).append(fact)
    spans = _spans(doc)
    out = []
    for (by_line, written_line, how), items in sorted(groups.items(), key=lambda kv: (kv[0][0], -sum(f.size for f in kv[1]))):
        total = sum(f.size for f in items)
        if total < minimum:
            continue
        items.sort(key=lambda f: -f.size)
        verb = "deleted" if how == "deleted" else "replaced"
        where = f"at {lines.say(written_line)}" if written_line else "by the base image"
        if len(items) == 1:
            what = f"`{items[0].path}` ({human_size(total)}) is written {where} and {verb} at {lines.say(by_line)}"
        else:
            what = (f"{len(items)} files ({human_size(total)}, the largest `{items[0].path}`) are written {where} "
                    f"and {verb} at {lines.say(by_line)}")
        advice = ("Do both in one RUN, or in a builder stage." if how == "deleted"
                  else "Write the file once, or build it in a builder stage and copy only the result.")
        now = lines.new_line(by_line) or 0
        start, end = spans.get(now, (0, 0))
        out.append(Finding(BURIED.severity, BURIED.code, now, f"{what}, so the image still carries it. {advice}",
                           start, end, now, rule=BURIED))
    return out


def _spans(doc) -> dict[int, tuple[int, int]]:
    spans = {}
    text = doc.text
    for stage in doc.stages:
        for ins in [stage.from_instruction, *stage.instructions]:
            end = ins.content_end or ins.end
            while end > ins.start and text[end - 1] in "\r\n":
                end -= 1
            spans[ins.line] = (ins.start, end)
    return spans
