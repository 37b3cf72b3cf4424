"""Opening a big file settles the heap: the objects alive then are hidden from the cycle
collector, so its full passes while typing scan only what typing made."""
from __future__ import annotations

import gc
import weakref

import pytest

from studio.ui import sync

TEXT = "FROM busybox AS a\nRUN echo hi\n"


@pytest.fixture
def unfrozen():
    thresholds = gc.get_threshold()
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)  # Python's defaults (another test may have opened a big file)
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_opening_a_big_text_freezes_what_is_alive(open_window, monkeypatch, unfrozen):
    monkeypatch.setattr(sync, "SETTLE_TEXT", len(TEXT))
    window, _ = open_window(TEXT)
    assert gc.get_freeze_count() > 1000
    assert gc.get_threshold()[0] >= sync.YOUNG_GC_THRESHOLD
    window.editor.insertPlainText("RUN echo more\n")
    window.controller.sync_now()
    assert len(window.controller.document.instructions) == 3


def test_a_small_text_and_typing_freeze_nothing(open_window, monkeypatch, unfrozen):
    monkeypatch.setattr(sync, "SETTLE_TEXT", len(TEXT) + 1)
    window, _ = open_window(TEXT)
    window.editor.insertPlainText("RUN echo more\n" * 10)
    window.controller.sync_now()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold()[0] < sync.YOUNG_GC_THRESHOLD


def test_settling_again_unfreezes_first(unfrozen):
    class Cycle:
        pass

    sync.settle_heap()
    first = gc.get_freeze_count()
    a, b = Cycle(), Cycle()
    a.other, b.other = b, a
    alive = weakref.ref(a)
    sync.settle_heap()  # a and b are alive: frozen now
    del a, b
    gc.collect()
    assert alive() is not None  # a frozen cycle is out of the collector's sight
    sync.settle_heap()  # ...until the next settling, which unfreezes first
    assert alive() is None
    assert gc.get_freeze_count() <= first + 1000
