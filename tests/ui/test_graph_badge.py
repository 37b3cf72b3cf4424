"""A box's diagnostics badge that only counts otherwise repaints the badge, not the header
(a new line inside a continued RUN adds a warning; the long edges that cross a header
of the 200-stage file would all be drawn again), and shows what painting afresh shows."""
from __future__ import annotations

from test_graph_incremental import Repaints, repainted_afresh, screen, settle, shown, unlike_pixels

from studio.ui.graph.stage_paint import badge_rect

TEXT = """FROM busybox AS build
RUN echo one
FROM build AS test
COPY --from=build /a /b
FROM build
COPY --from=test /b /c
"""


def test_a_new_count_repaints_the_badge_alone(qtbot):
    view = shown(qtbot, TEXT)
    box = view.stage_nodes()[1]
    box.set_diagnostics(["line 4: one"], "warning")
    settle(qtbot, view)
    repaints = Repaints(view.viewport())
    for messages, severity in ((["line 4: one", "line 5: two"], "warning"), (["line 4: one"], "error")):
        repaints.regions.clear()
        box.set_diagnostics(messages, severity)
        settle(qtbot, view)
        badge = view.mapFromScene(box.mapRectToScene(badge_rect(box))).boundingRect().adjusted(-4, -4, 4, 4)
        assert repaints.regions and all(badge.contains(region) for region in repaints.regions), repaints.regions
        assert unlike_pixels(screen(view), repainted_afresh(view)) == 0
    header = view.mapFromScene(box.mapRectToScene(0, 0, box.box_rect().width(), 30)).boundingRect()
    repaints.regions.clear()
    box.set_diagnostics([], "warning")  # no badge: the title has room again
    settle(qtbot, view)
    assert any(region.width() >= header.width() - 4 for region in repaints.regions)
    assert unlike_pixels(screen(view), repainted_afresh(view)) == 0
    view.close()
