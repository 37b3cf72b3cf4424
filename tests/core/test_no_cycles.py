"""Documents hold no reference cycles: a dropped Document (with its nodes, details and
stage graph) is freed at once by reference counting, not by a full collection later
(which would pause the editor for milliseconds per dropped big file)."""
from __future__ import annotations

import gc
import weakref

from studio.core import TextEdit, parse, reparse

TEXT = ("ARG BASE=alpine\nFROM ${BASE} AS build\nRUN --mount=type=cache,target=/c \\\n    make\n"
        "FROM build AS test\nRUN --mount=from=build,target=/b ls /b\nCOPY --from=build /out /out\nCMD [\"x\"]\n")


def test_a_dropped_document_is_freed_without_the_cycle_collector():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        doc = parse(TEXT)
        doc.stages, doc.edges, doc.diagnostics  # noqa: B018
        at = TEXT.index("make")
        new = reparse(doc, TextEdit(at, at, "x"))
        new.stages, new.instructions[2].args  # noqa: B018
        refs = [weakref.ref(doc), weakref.ref(new), weakref.ref(doc._cache), weakref.ref(new.instructions[-1]),
                weakref.ref(new.edges[0])]
        del doc, new
        assert [r() for r in refs] == [None] * len(refs)
    finally:
        if was_enabled:
            gc.enable()


def test_an_instruction_outliving_its_document_still_reads_its_details():
    ins = parse(TEXT).instructions[5]
    assert ins.keyword == "COPY" and ins.flag("from").value == "build" and ins.args == "/out /out"
    run = parse(TEXT).instructions[4]
    assert run.surely_quiet() is False and run.mounts[0].source_from == "build"
