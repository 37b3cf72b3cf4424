"""Which boxes show numbers from a build of text that has changed since.

After a build, every box shows its state, time and size. When the user then edits a
stage, those numbers describe the old text: the box (and every stage that builds on it,
by FROM or COPY --from / --mount) is marked as showing the last build's numbers. The
comparison is on text: each stage's own lines, plus the lines before the first FROM
(global ARGs can change any base).
"""
from __future__ import annotations


def fingerprints(doc) -> dict[str, str]:
    """Each stage's text by its key, prefixed by the file's preamble (ARGs before FROM)."""
    stages = doc.stages
    if not stages:
        return {}
    text = doc.text
    preamble = text[:stages[0].from_instruction.start]
    out = {}
    for stage in stages:
        last = stage.instructions[-1] if stage.instructions else stage.from_instruction
        out[stage.key] = preamble + "\0" + text[stage.from_instruction.start:last.end]
    return out


def outdated_stages(doc, graph, built: dict[str, str]) -> set[int]:
    """Indexes of the stages whose text (or a stage they build on) differs from ``built``."""
    now = fingerprints(doc)
    sources: dict[int, set[int]] = {}
    for edge in graph.edges:
        if isinstance(edge.source, int):
            sources.setdefault(edge.target, set()).add(edge.source)
    out = {s.index for s in doc.stages if built.get(s.key) != now.get(s.key)}
    grew = True
    while grew:  # and whatever builds on those (one pass when stages use only earlier ones)
        grew = False
        for stage in doc.stages:
            if stage.index not in out and sources.get(stage.index, set()) & out:
                out.add(stage.index)
                grew = True
    return out
