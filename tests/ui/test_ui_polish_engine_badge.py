"""The engine badge in the build bar degrades step by step in a narrow window: spare room
first, then the other controls' words, then the badge's own words, down to its dot;
never cut off mid-word, never pushed out of sight while the bar has room for a dot."""
from __future__ import annotations

import pytest

from studio.engine.connection import EngineStatus
from studio.ui.buildpanel.engine_indicator import EngineIndicator

STATUS = EngineStatus(True, "Docker Engine 20.10.24 (API 1.41)", server_version="20.10.24+dfsg1",
                      api_version="1.41", os="linux", arch="amd64", buildkit=True,
                      host="unix:///var/run/docker.sock")


def settle(qtbot, bar) -> None:
    """Let the bar take its fitting steps (one layout pass each) until nothing changes."""
    seen = []

    def stable() -> bool:
        seen.append((bar.fit_step, bar.engine.isVisibleTo(bar), bar.engine.width()))
        return len(seen) >= 4 and len(set(seen[-4:])) == 1

    qtbot.waitUntil(stable, timeout=3000)


@pytest.fixture
def bar_window(open_window, qtbot):
    window, _path = open_window("FROM scratch\nCOPY a /a\n")
    window.build.watcher.stop()  # a fixed answer, so the polled engine cannot change the text meanwhile
    window.build.bar.set_default_context("/tmp/a-rather-long-build-context-folder")
    window.build.bar.engine.show_status(STATUS)
    return window


def test_the_badge_tooltip_holds_the_full_text_and_the_details(qtbot):
    badge = EngineIndicator()
    qtbot.addWidget(badge)
    badge.show_status(STATUS)
    full = badge.full_text()
    assert full == "Engine 20.10.24 · BuildKit" == badge.text()
    for level in range(len(badge.variants)):
        badge.set_level(level)
        assert full in badge.toolTip() and "unix:///var/run/docker.sock" in badge.toolTip()
        assert "DOCKER_HOST" in badge.toolTip() and "docker context use" in badge.toolTip()  # how to choose
        assert badge.sizeHint().width() == badge.width_for(level)
    assert badge.text() == ""  # the last level is the dot alone
    assert [badge.width_for(i) for i in range(len(badge.variants))] == sorted(
        (badge.width_for(i) for i in range(len(badge.variants))), reverse=True)


def test_a_narrowing_window_shortens_the_badge_but_keeps_it_in_view(bar_window, qtbot):
    window = bar_window
    bar, badge = window.build.bar, window.build.bar.engine
    steps = []
    for width in (1400, 1200, 1000, 900, 860, 820, 780):
        window.resize(width, 700)
        qtbot.waitUntil(lambda w=width: window.width() == w)
        settle(qtbot, bar)
        assert badge.isVisibleTo(bar), f"the badge went into the overflow menu at {width}px"
        assert bar.rect().contains(badge.geometry()), width
        assert badge.width() >= badge.width_for(badge.level), f"badge text cut off at {width}px"
        assert badge.text() == badge.variants[badge.level] and badge.full_text() in badge.toolTip()
        steps.append((bar.fit_step, bar.compact, badge.level))
    assert steps[0] == (0, False, 0)  # a wide window shows every word
    assert [s for s, _, _ in steps] == sorted(s for s, _, _ in steps)  # narrower never shows more
    assert steps[-1][0] > 1  # at the narrow end the badge itself has given words away...
    first_short = next(i for i, (_, _, level) in enumerate(steps) if level > 0)
    assert any(compact and level == 0 for _, compact, level in steps[:first_short])  # ...after the others
    # the compacted controls keep their full meaning in their tooltips
    assert bar.context_button.text().startswith("a-rather-long-bui") and "Context" not in bar.context_button.text()
    assert "/tmp/a-rather-long-build-context-folder" in bar.context_button.toolTip()
    assert bar.sizes_action.text() == "Measure sizes"  # the Build menu keeps its words


def test_widening_the_window_again_brings_every_word_back(bar_window, qtbot):
    window = bar_window
    bar = window.build.bar
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800)
    settle(qtbot, bar)
    assert bar.fit_step > 0
    window.resize(1400, 800)
    qtbot.waitUntil(lambda: window.width() == 1400)
    settle(qtbot, bar)
    assert (bar.fit_step, bar.compact, bar.engine.text()) == (0, False, "Engine 20.10.24 · BuildKit")
    assert bar.context_button.text().startswith("Context: ")
