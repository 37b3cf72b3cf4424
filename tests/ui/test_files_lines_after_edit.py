"""After a build, editing the text must not leave the build's facts on the wrong lines:
the Files view, the Problems finding and the COPY --from edge follow each line to where
it is now, and a fact about a line edited since names the last build's line instead
(a new user typed a comment at the top; the tree still said line 12 and a click
selected the line below it)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from test_files_view import build_and_read_files, panel  # noqa: F401 - the fixture
from test_results_per_document import BUSYBOX

from studio.core.line_map import LineMap
from studio.ui.files_view.tree_model import LINE_ROLE

BUILT = "FROM a\nRUN dd\nCOPY x y\nRUN rm\n"  # the sample report's layers are lines 1-4


def cell(model, path, column):
    index = model.path_index(path)
    return model.index(index.row(), column, index.parent()).data()


def test_a_line_typed_above_moves_the_files_lines_and_clicks_follow(panel, qtbot):  # noqa: F811 - the fixture
    panel.layer_combo.setCurrentIndex(panel.layer_combo.findData(1))  # what line 2 wrote
    assert "deleted at line 4" in panel.tree.model().path_index("/tmp/huge.bin").data(Qt.ItemDataRole.ToolTipRole)
    panel.layer_combo.setCurrentIndex(0)
    model = panel.tree.model()
    assert cell(model, "/app/app", 3) == "3"  # painted before the edit: the cells must be made anew
    panel.set_lines(LineMap(BUILT, "# note\n" + BUILT))
    assert cell(model, "/app/app", 3) == "4" and model.path_index("/app/app").data(LINE_ROLE) == 4
    with qtbot.waitSignal(panel.sig_line_activated) as blocker:
        panel.tree.clicked.emit(model.path_index("/app/app"))
    assert blocker.args == [4]
    assert "written at line 4" in model.path_index("/app/app").data(Qt.ItemDataRole.ToolTipRole)
    assert panel.layer_combo.itemText(panel.layer_combo.findData(2)).startswith("Layer 2 · line 4 ·")
    assert panel.show_line(3) and panel.layer_combo.currentData() == 1  # line 3 now is built line 2
    assert not panel.show_line(1)  # the comment made no layer
    assert "deleted at line 5" in panel.tree.model().path_index("/tmp/huge.bin").data(Qt.ItemDataRole.ToolTipRole)


def test_a_line_edited_since_the_build_names_the_builds_line_and_goes_nowhere(panel, qtbot):  # noqa: F811
    model = panel.tree.model()
    panel.set_lines(LineMap(BUILT, BUILT.replace("COPY x y", "COPY x z")))
    assert cell(model, "/app/app", 3) == "last build: 3"
    assert model.path_index("/app/app").data(LINE_ROLE) is None
    tip = model.path_index("/app/app").data(Qt.ItemDataRole.ToolTipRole)
    assert "written at a changed line (last build: line 3)" in tip
    said, went = [], []
    panel.sig_message.connect(said.append)
    panel.sig_line_activated.connect(went.append)
    panel.tree.clicked.emit(model.path_index("/app/app"))
    assert went == [] and said and "line 3 of the last build" in said[0] and "changed since" in said[0]
    assert "last build: line 3, changed" in panel.layer_combo.itemText(panel.layer_combo.findData(2))
    assert not panel.show_line(3)  # the edited line made no layer of this build
    assert panel.show_line(4) and panel.layer_combo.currentData() == 3


DOCKERFILE = f"""FROM {BUSYBOX} AS build
RUN mkdir /out && head -c 50000 /dev/zero > /out/tool

FROM {BUSYBOX} AS final
ENV A=1
RUN head -c 200000 /dev/zero > /big
LABEL x=y
RUN rm /big
COPY --from=build /out/tool /usr/local/bin/tool
RUN echo hi > /tmp/u
"""


def type_at(win, line: int, text: str, replace_line: bool = False) -> None:
    cursor = QTextCursor(win.editor.document().findBlockByNumber(line - 1))
    if replace_line:
        cursor.select(QTextCursor.SelectionType.LineUnderCursor)
    cursor.insertText(text)
    win.controller.sync_now()


def buried(win):
    return [d for d in win.problems.diagnostics() if d.code == "deleted-in-later-layer"]


@pytest.mark.engine
def test_build_facts_follow_the_edited_text_in_files_problems_and_edges(open_window, qtbot, docker_client):
    win, _path = open_window(DOCKERFILE)
    build_and_read_files(qtbot, win)
    panel = win.files_view.panel
    model = panel.tree.model()
    assert model.path_index("/usr/local/bin/tool").data(LINE_ROLE) == 9
    (finding,) = buried(win)
    assert finding.line == 8 and "written at line 6 and deleted at line 8" in finding.message
    (edge,) = [e for e in win.graph_view.scene().edge_map.values() if e.kind == "copy"]
    assert edge.label.endswith("· 1 file, 50.0 kB")

    type_at(win, 1, "# a note\n")  # every line one down
    assert cell(model, "/usr/local/bin/tool", 3) == "10"
    with qtbot.waitSignal(panel.sig_line_activated):
        panel.tree.clicked.emit(model.path_index("/usr/local/bin/tool"))
    assert win.editor.textCursor().block().text().startswith("COPY --from=build")
    (finding,) = buried(win)
    assert finding.line == 9 and "written at line 7 and deleted at line 9" in finding.message, finding.message
    problem_row = win.problems.topLevelItem([d.code for d in win.problems.diagnostics()].index(finding.code))
    assert problem_row.text(1) == "9"
    win.editor.go_to_line(7)  # the RUN that wrote /big: its layer is shown
    assert panel.report().layers[panel.layer_combo.currentData()].line == 6
    (edge,) = [e for e in win.graph_view.scene().edge_map.values() if e.kind == "copy"]
    assert edge.label.endswith("· 1 file, 50.0 kB")

    type_at(win, 9, "RUN rm -f /big", replace_line=True)  # the deleting line itself edited
    (finding,) = buried(win)
    assert finding.line == 0, finding  # no line of the text now: listed last, without a number
    assert "deleted at a changed line (last build: line 8)" in finding.message
    assert "written at line 7" in finding.message
    row = win.problems.topLevelItem(win.problems.topLevelItemCount() - 1)
    assert row.text(1) == "—" and "last build: line 8" in row.text(2)
    assert cell(model, "/usr/local/bin/tool", 3) == "10"  # (the tree of all files, kept): lines not edited follow
