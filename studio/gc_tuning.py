"""The cycle collector's settings for a Stage Studio process, in one place: set once at
start by the entry point (``studio.cli``, app and headless commands alike), plus one
settling after the app opens a big text (``text_opened``, the sync controller's call).

Why: parsing and editing make many short-lived objects that hold no reference cycles (a
dropped Document is freed by reference counting; tests/core/test_no_cycles.py keeps it so).
At Python's default young threshold (700) the collector runs a young pass every few
hundred of them and, every hundred young passes, a full pass over the whole heap, which
grows with the open file and the window. Raising the young threshold makes both rare;
freezing what start-up loaded (Qt's bindings, the SDK, our modules) and, after opening
a big file, what the open built (the document, the graph's items) keeps those objects
out of every later pass.

Measured by typing 60 keys into the 200-stage file (6,800 lines) in the real window on
this 2-core machine under other load, counting passes with ``gc.callbacks`` (three runs
each): Python's defaults 828-852 young, 75-77 middle and 7 full passes, 1.6-4.4 s in the
collector (worst pass 0.35-0.64 s); tuned at start only, 1-2 young passes but once in
three runs a middle pass of 0.36 s over the just-opened file's objects; tuned at start and
settled after the open, 2-3 young passes, 16-124 ms in all (the settings before, which also
paused the collector inside the parser: 1-2 young passes, 7-36 ms). bench/bench_parse.py,
whose 10 MB file no longer has the parser's pause, stays linear (10 MB over 1 MB: 0.77).
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 20_000  # Python's default is 700
SETTLE_TEXT = 100_000  # characters: opening a text this big settles the heap


def tune_collector() -> None:
    """Freeze what is alive now (start-up's modules) and collect the young generation
    less often. Idempotent; a lower threshold the user set (0 disables) is kept."""
    gc.freeze()
    young, middle, old = gc.get_threshold()
    if 0 < young < YOUNG_THRESHOLD:
        gc.set_threshold(YOUNG_THRESHOLD, middle, old)


def text_opened(characters: int) -> None:
    """A text was opened (and parsed, and drawn): if it is big, collect once now and hide
    what is alive from later passes. Frozen objects are still freed by reference counting;
    a cycle among them waits for the next big open, which unfreezes and collects first."""
    if characters >= SETTLE_TEXT:
        settle()


def settle() -> None:
    """Collect once now and hide what is alive from later passes: after a big open (a
    text, or an image's files in the Files view, whose 100,000s of objects a full pass
    would otherwise walk in the middle of scrolling or typing)."""
    if gc.isenabled():
        gc.unfreeze()
        gc.collect()
        gc.freeze()


@contextmanager
def paused() -> Iterator[None]:
    """Hold the collector off over a burst of objects that hold no cycles and are dropped
    at its end: a picture of the graph worked out and written as SVG (picture.py and
    svg_writer.py make boxes, edges and route points that only point down, 100,000s of
    them for the 800-stage file). Passes over them find nothing: in ``stage-studio export
    --svg`` of that file, 18 young passes and a middle one took 40-50 ms of 0.49 s (counted
    with ``gc.callbacks``). What the burst leaves alive is looked at by the next pass."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
