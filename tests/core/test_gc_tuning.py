"""The process's collector settings (studio/gc_tuning.py), set once by the entry point.
Run in child processes: the settings are process-wide."""
from __future__ import annotations

import subprocess
import sys

PROBE = """
import gc, sys
gc.set_threshold(*map(int, sys.argv[1:4]))
from studio.gc_tuning import YOUNG_THRESHOLD, tune_collector
tune_collector()
tune_collector()
print(gc.get_threshold()[0], gc.get_freeze_count() > 0, YOUNG_THRESHOLD)
"""


def _tuned(*threshold: int) -> tuple[int, bool, int]:
    out = subprocess.run([sys.executable, "-c", PROBE, *map(str, threshold)], capture_output=True, text=True,
                         timeout=60, check=True).stdout.split()
    return int(out[0]), out[1] == "True", int(out[2])


def test_start_up_objects_are_frozen_and_young_passes_are_rarer():
    young, frozen, wanted = _tuned(700, 10, 10)
    assert frozen and young == wanted > 700


def test_a_collector_the_user_turned_off_stays_off():
    young, _frozen, _wanted = _tuned(0, 10, 10)
    assert young == 0


def test_the_cli_entry_point_tunes_the_process_once():
    code = ("import sys, studio.cli as cli\n"
            "cli.tune_collector = lambda: print('tuned', flush=True)\n"
            "sys.argv = ['stage-studio', 'graph', '-']\n"
            "cli.main()\n")
    out = subprocess.run([sys.executable, "-c", code], input="FROM scratch\n", capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "tuned" and out.stdout.count("tuned") == 1
    assert '"stages"' in out.stdout


SETTLE = """
import gc, weakref
from studio.gc_tuning import SETTLE_TEXT, text_opened
class Cycle: pass
gc.unfreeze()
text_opened(SETTLE_TEXT - 1)
small = gc.get_freeze_count()
a, b = Cycle(), Cycle(); a.other, b.other = b, a; alive = weakref.ref(a)
text_opened(SETTLE_TEXT)
big = gc.get_freeze_count()
del a, b
gc.collect()
kept = alive() is not None
text_opened(SETTLE_TEXT)
print(small, big > 1000, kept, alive() is None)
"""


def test_a_big_open_settles_the_heap_and_the_next_one_unfreezes_first():
    out = subprocess.run([sys.executable, "-c", SETTLE], capture_output=True, text=True, timeout=60,
                         check=True).stdout.split()
    assert out == ["0", "True", "True", "True"]


def test_the_collector_is_paused_over_a_burst_and_runs_again_after():
    import gc

    from studio.gc_tuning import paused

    assert gc.isenabled()
    try:
        with paused():
            assert not gc.isenabled()
            raise KeyError("the burst failed")
    except KeyError:
        pass
    assert gc.isenabled()
    gc.disable()  # (a collector someone else turned off stays off)
    try:
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
