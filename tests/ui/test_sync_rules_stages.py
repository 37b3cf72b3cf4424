"""diagnostics_by_stage finds each diagnostic's stage by bisection: the same answer as
looking through every stage, for every line of a file with gaps between its stages."""
from __future__ import annotations

from studio.core import parse
from studio.core.model import Diagnostic
from studio.ui.sync_rules import diagnostics_by_stage

TEXT = """# a comment before the first stage
ARG X=1

FROM busybox AS a
RUN echo a \\
    more

# between stages
FROM a AS b
RUN echo b
FROM scratch
COPY --from=b / /
# trailing comment
"""


def by_scan(graph, diagnostics):
    out = {}
    for diag in diagnostics:
        for stage in graph.stages:
            if stage.line <= diag.line <= max(stage.line, stage.end_line):
                out.setdefault(stage.index, []).append(diag)
                break
    return out


def test_every_line_goes_to_the_stage_that_holds_it():
    graph = parse(TEXT).graph()
    lines = range(TEXT.count("\n") + 3)
    diagnostics = [Diagnostic("warning", "x", line, f"on {line}") for line in lines]
    found = diagnostics_by_stage(graph, diagnostics)
    assert found == by_scan(graph, diagnostics)
    assert [d.line for d in found[0]] == [4, 5, 6]  # not the comment after it (line 8)
    assert [d.line for d in found[1]] == [9, 10] and [d.line for d in found[2]] == [11, 12]
    assert diagnostics_by_stage(parse("").graph(), diagnostics) == {}
