"""One count of problems: the Problems dock's title, the graph's error banner and the list
itself agree, whatever adds to the list (parser, lint, a build's file facts)."""
from __future__ import annotations

import re

from studio.core.model import Diagnostic

MIXED = """FROM busybox as base
RUN --bogus=1 echo hi
COPY --frm=base /x /y
BOGUS one
FROM base AS base
ENV A 1
HEALTHCHECK CMD true
HEALTHCHECK CMD false
ONBUILD FROM x
"""


def listed(window) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for diag in window.problems.diagnostics():
        counts[diag.severity] += 1
    return counts


def title_counts(window) -> dict[str, int]:
    title = window.problems_dock.windowTitle()
    found = {kind: int(n) for n, kind in re.findall(r"(\d+) (error|warning|info)s?", title)}
    return {kind: found.get(kind, 0) for kind in ("error", "warning", "info")}


def banner_errors(window) -> int | None:
    """How many errors the graph's banner speaks of (None: no banner)."""
    banner = window.graph_view.overlays.banner
    if not banner.isVisibleTo(window):
        return None
    more = re.search(r"and (\d+) more error", banner.text())
    return 1 + (int(more.group(1)) if more else 0)


def agree(window) -> dict[str, int]:
    counts = listed(window)
    assert title_counts(window) == counts
    if counts["error"] and banner_errors(window) is not None:
        assert banner_errors(window) == counts["error"]
    return counts


def test_title_banner_and_list_agree_on_errors_warnings_info_and_build_facts(open_window):
    window, _ = open_window(MIXED)
    window.controller.lint.run()  # what the idle timer does once typing pauses
    counts = agree(window)
    assert counts["error"] >= 2 and counts["warning"] >= 1 and banner_errors(window) is not None
    # a build's file facts join the list: the title counts them too
    facts = [Diagnostic("warning", "deleted-in-later-layer", 2, "a fact"),
             Diagnostic("info", "a-build-fact", 3, "another fact")]
    window.problems.set_extra("files", facts)
    after = agree(window)
    assert after["warning"] == counts["warning"] + 1 and after["info"] == counts["info"] + 1
    window.problems.set_extra("files", [])
    assert agree(window) == counts


def test_many_errors_and_one_before_the_first_from_count_the_same_in_banner_and_problems(open_window):
    # (a binary file is refused now; this is the text that gave "and 12 more" against "14 errors")
    text = "RUN echo before any FROM\nFROM busybox\n" + "".join(f"NOTANINSTRUCTION{i} x\n" for i in range(13))
    window, _ = open_window(text)
    window.controller.lint.run()
    counts = agree(window)
    assert counts["error"] >= 10 and banner_errors(window) == counts["error"]


def rows(panel) -> list[tuple]:
    return [tuple(panel.topLevelItem(k).text(c) for c in range(4)) + (panel.topLevelItem(k).toolTip(2),)
            for k in range(panel.topLevelItemCount())]


def test_a_new_problem_adds_its_row_and_keeps_the_others(open_window, qtbot):
    """A new line inside a continued RUN adds one warning: the list gains that row, the
    rows around it stay (their line numbers follow the text), and it reads as a list
    made afresh would."""
    from PySide6.QtCore import Qt

    from studio.ui.problems import ProblemsPanel

    text = MIXED + "RUN echo a && \\\n    echo b\n" + MIXED.replace("base", "other")
    window, _ = open_window(text)
    panel = window.problems
    first, count = panel.topLevelItem(0), panel.topLevelItemCount()
    last = panel.topLevelItem(count - 1)
    assert count >= 4 and panel.diagnostics()[-1].line > text.count("\n", 0, text.index("echo b"))  # rows below
    window.go_to_line(text.count("\n", 0, text.index("    echo b")) + 1)
    window.editor.setFocus()
    for key, rows_now in ((Qt.Key.Key_Return, count + 1), (Qt.Key.Key_Backspace, count)):
        qtbot.keyClick(window.editor, key)
        window.controller.sync_now()
        assert panel.topLevelItemCount() == rows_now
        assert panel.topLevelItem(0) is first and panel.topLevelItem(rows_now - 1) is last
        fresh = ProblemsPanel()
        fresh.set_diagnostics(window.controller.diagnostics)
        assert rows(panel) == rows(fresh)
        assert [panel.topLevelItem(k).data(1, Qt.ItemDataRole.UserRole) for k in range(rows_now)] == \
            [d.line for d in fresh.diagnostics()]
        fresh.deleteLater()
    assert not any(d.code == "empty-continuation-line" for d in panel.diagnostics())
    agree(window)
