"""A box's diagnostics badge that comes, goes or counts otherwise repaints the badge (and
the "skipped" pill it moves), not the header (a new line inside a continued RUN adds a
warning; the long edges that cross a header of the 200-stage file would all be drawn
again), unless the title is elided otherwise; and shows what painting afresh shows."""
from __future__ import annotations

from test_graph_incremental import Repaints, repainted_afresh, screen, settle, shown, unlike_pixels

from studio.ui.graph.stage_paint import pills_rect

TEXT = """FROM busybox AS build
RUN echo one
FROM build AS test
COPY --from=build /a /b
FROM busybox AS a-stage-name-long-enough-to-be-elided-once-a-badge-takes-room
RUN echo two
FROM build
COPY --from=test /b /c
"""

BADGES = [(["line 4: one"], "warning"), (["line 4: one", "line 5: two"], "warning"), (["line 4: one"], "error"),
          ([], "warning"), (["line 4: one"], "warning")]


def within(view, box, rect):
    return view.mapFromScene(box.mapRectToScene(rect)).boundingRect().adjusted(-4, -4, 4, 4)


def test_a_badge_repaints_itself_not_the_header(qtbot):
    view = shown(qtbot, TEXT)
    test, long_named = view.stage_nodes()[1], view.stage_nodes()[2]
    long_named.set_skipped(True)  # ("skipped" moves over for a badge)
    for box in (test, long_named):  # (the first update after a graph is shown may repaint a box whole, once)
        box.update()
    settle(qtbot, view)
    repaints = Repaints(view.viewport())
    elided = 0
    for box in (test, long_named):
        for messages, severity in BADGES:
            title = box._title_text
            repaints.regions.clear()
            box.set_diagnostics(messages, severity)
            settle(qtbot, view)
            assert repaints.regions
            if box._title_text == title:
                pills = within(view, box, pills_rect(box))
                assert all(pills.contains(region) for region in repaints.regions), (box.title, repaints.regions)
            else:  # the long title makes room for the badge, or takes it back
                elided += 1
                header = within(view, box, box.box_rect().adjusted(0, 0, 0, 32 - box.box_rect().height()))
                assert any(region.width() >= header.width() - 12 for region in repaints.regions)
            assert unlike_pixels(screen(view), repainted_afresh(view)) == 0
    assert elided >= 2
    view.close()
