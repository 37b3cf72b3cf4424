"""After a build that read no files (it failed), the Files dock says which build its
files are of, and stops mapping them onto the text, whose lines may have moved."""
from __future__ import annotations

import uuid

import pytest
from test_files_view import build_and_read_files
from test_results_per_document import BUSYBOX, build

WASTE = """FROM {bb} AS b
RUN echo {token} > /id && head -c 300000 /dev/zero > /big
RUN rm /big
RUN echo kept > /small
"""


def put_cursor_on(win, line: int) -> None:
    cursor = win.editor.textCursor()
    cursor.setPosition(win.editor.document().findBlockByNumber(line - 1).position())
    win.editor.setTextCursor(cursor)


@pytest.mark.engine
def test_files_of_an_earlier_build_say_so_after_a_failed_build(open_window, qtbot, docker_client):
    win, _path = open_window(WASTE.format(bb=BUSYBOX, token=uuid.uuid4().hex))
    build_and_read_files(qtbot, win)
    panel = win.files_view.panel
    assert panel.summary.text().startswith("Build #1: ") and "wasted" in panel.summary.text()
    put_cursor_on(win, 3)  # the line that wrote layer 'rm /big': followed
    assert panel.layer_combo.currentData() not in (None, "all") and panel.layer_combo.currentIndex() > 0
    put_cursor_on(win, 1)
    panel.layer_combo.setCurrentIndex(0)
    # line 2 now also removes /big, so line 3's rm fails
    text = win.current_text().replace("/dev/zero > /big\n", "/dev/zero > /big && rm /big\n")
    win.files.replace_all_text(text)
    win.controller.sync_now()
    failed = build(qtbot, win)
    assert failed is not None and not failed.ok
    summary = panel.summary.text()
    assert summary.startswith("Build #1 (build #2 failed") and "wasted" in summary, summary
    put_cursor_on(win, 3)
    assert panel.layer_combo.currentIndex() == 0  # build #1's layers are not mapped onto the new text
    put_cursor_on(win, 2)
    assert panel.layer_combo.currentIndex() == 0
