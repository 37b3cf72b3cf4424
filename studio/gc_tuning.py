"""The cycle collector's settings for a Stage Studio process: set once, at start, by the
entry point (``studio.cli``), for the app and the headless commands alike.

Why: parsing and editing make many short-lived objects that hold no reference cycles (a
dropped Document is freed by reference counting; tests/core/test_no_cycles.py keeps it so).
With Python's default young threshold (700) the collector runs a young pass every few
hundred of them and, every hundred young passes, a full pass over the whole heap, which
grows with the open file and the window. Raising the young threshold makes both rarer;
freezing what start-up loaded (Qt's bindings, the SDK, our modules) keeps it out of
every full pass for good.

Measured (200-stage file, 6,800 lines; bench/bench_editor.py and bench/bench_parse.py;
see the numbers in the commit that set this): this one setting replaced a pause of the
collector inside the parser and a heap freeze on opening each big file.
"""
from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000  # Python's default is 700


def tune_collector() -> None:
    """Freeze what is alive now (start-up's modules) and collect the young generation
    less often. Idempotent; a lower threshold the user set (0 disables) is kept."""
    gc.freeze()
    young, middle, old = gc.get_threshold()
    if 0 < young < YOUNG_THRESHOLD:
        gc.set_threshold(YOUNG_THRESHOLD, middle, old)
