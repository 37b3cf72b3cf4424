"""Two-way sync: typing updates the graph; graph gestures become minimal text edits,
one undo step each, in the one undo history both panes share."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor


TEXT = """# syntax=docker/dockerfile:1
ARG BASE=stage-studio-test/busybox
FROM ${BASE} AS build
WORKDIR /src
RUN echo hi > /out/app

FROM build AS test
RUN test -f /out/app

FROM scratch AS final
COPY --from=build /out/app /app
"""


def move_to_end(window) -> None:
    cursor = window.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)


def put_cursor_on_line(window, line: int) -> None:
    block = window.editor.document().findBlockByNumber(line - 1)
    window.editor.setTextCursor(QTextCursor(block))


def stage_names(window) -> list[str | None]:
    nodes = window.graph_view.stage_nodes()
    return [window.controller.graph.stages[i].name for i in sorted(nodes)]


def test_typing_a_from_line_adds_a_node(open_window, qtbot):
    window, _ = open_window(TEXT)
    assert len(window.graph_view.stage_nodes()) == 3
    move_to_end(window)
    window.editor.setFocus()
    qtbot.keyClicks(window.editor, "FROM stage-studio-test/busybox AS extra")
    qtbot.waitUntil(lambda: len(window.graph_view.stage_nodes()) == 4, timeout=2000)
    assert stage_names(window) == ["build", "test", "final", "extra"]
    assert window.current_text() == TEXT + "FROM stage-studio-test/busybox AS extra"
    assert window.current_document().text == window.current_text()


def test_graph_rename_changes_only_the_names(open_window):
    window, _ = open_window(TEXT)
    window.graph_view.interaction.sig_rename_requested.emit("build", "compile")
    expected = TEXT.replace("AS build", "AS compile").replace("FROM build", "FROM compile") \
        .replace("--from=build", "--from=compile")
    assert window.current_text() == expected
    assert stage_names(window) == ["compile", "test", "final"]
    assert window.isWindowModified()


def test_graph_edge_add_and_delete_are_minimal(open_window):
    window, _ = open_window(TEXT)
    window.graph_view.interaction.sig_add_copy_requested.emit("test", "final", ["/out/report"], "/report")
    added = TEXT + "COPY --from=test /out/report /report\n"
    assert window.current_text() == added
    assert any(e.source == 1 and e.target == 2 and e.kind == "copy" for e in window.controller.graph.edges)
    window.graph_view.interaction.sig_remove_edge_requested.emit(11, "build")  # COPY --from=build
    assert window.current_text() == added.replace("COPY --from=build /out/app /app\n", "")
    assert not any(e.source == 0 and e.target == 2 for e in window.controller.graph.edges)


def test_graph_stage_delete_and_add(open_window):
    window, _ = open_window(TEXT)
    window.graph_view.interaction.sig_remove_stage_requested.emit("test")
    removed = TEXT.replace("FROM build AS test\nRUN test -f /out/app\n\n", "")
    assert window.current_text() == removed
    assert stage_names(window) == ["build", "final"]
    window.graph_view.interaction.sig_add_stage_requested.emit("extra", "stage-studio-test/busybox", "")
    # by default before the final stage: what gets built stays the same
    assert window.current_text() == removed.replace("FROM scratch AS final",
                                                    "FROM stage-studio-test/busybox AS extra\n\nFROM scratch AS final")
    assert stage_names(window) == ["build", "extra", "final"]


def test_add_stage_keeps_the_target_or_says_it_moved(open_window, prompts):
    """Issue 14: Add Stage never silently changes what gets built."""
    window, _ = open_window(TEXT)
    graph = window.controller.graph
    assert graph.stages[graph.target].name == "final" and graph.reachable == [0, 2]
    window.graph_view.interaction.sig_add_stage_requested.emit("extra", "stage-studio-test/busybox", "")
    graph = window.controller.graph
    assert graph.stages[graph.target].name == "final" and prompts.kinds() == []
    assert [s.name for s in graph.stages if s.index not in graph.reachable] == ["test", "extra"]
    # added after the final stage (where the user asked): asked, and kept when the answer is yes
    prompts.answers["confirm"] = "yes"
    window.graph_view.interaction.sig_add_stage_requested.emit("later", "scratch", "final")
    assert window.current_text().endswith("FROM scratch AS later\n")
    question = prompts.asked[-1][1]
    assert "later is now the last one" in question and "Keep building final?" in question
    graph = window.controller.graph
    assert graph.stages[graph.target].name == "final"
    assert window.statusBar().currentMessage().startswith("Still building final")
    # answered no: the target moves, and the status bar says so
    prompts.answers["confirm"] = "no"
    window.graph_view.interaction.sig_add_stage_requested.emit("last", "scratch", "later")
    assert len(prompts.asked) == 1  # a target the user kept is not asked about again
    window.controller.set_target(None)
    window.graph_view.interaction.sig_add_stage_requested.emit("newest", "scratch", "last")
    graph = window.controller.graph
    assert graph.stages[graph.target].name == "newest" and len(prompts.asked) == 2
    assert window.statusBar().currentMessage() == "The build target is now newest, the file's last stage."


def test_graph_set_base_and_move_instruction(open_window):
    window, _ = open_window(TEXT)
    window.graph_view.interaction.sig_set_base_requested.emit("final", "stage-studio-test/busybox")
    based = TEXT.replace("FROM scratch AS final", "FROM stage-studio-test/busybox AS final")
    assert window.current_text() == based
    window.graph_view.interaction.sig_move_instruction_requested.emit(8, "build", 1)
    assert window.current_text() == based.replace("RUN test -f /out/app\n", "").replace(
        "WORKDIR /src\n", "WORKDIR /src\nRUN test -f /out/app\n")


def test_failed_edit_changes_nothing_and_says_why(open_window):
    window, _ = open_window(TEXT)
    failures = []
    window.edits.sig_edit_failed.connect(failures.append)
    window.graph_view.interaction.sig_rename_requested.emit("build", "Not A Name!")
    assert window.current_text() == TEXT
    assert failures and "Cannot change the graph" in window.statusBar().currentMessage()
    assert not window.isWindowModified()
    assert not window.editor.document().isUndoAvailable()


def test_graph_gesture_is_one_undo_step_from_the_text_pane(open_window, qtbot):
    window, _ = open_window(TEXT)
    window.graph_view.interaction.sig_rename_requested.emit("build", "compile")
    assert window.current_text() != TEXT
    window.editor.setFocus()
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.current_text() == TEXT
    qtbot.waitUntil(lambda: stage_names(window) == ["build", "test", "final"], timeout=2000)
    assert not window.isWindowModified()
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert "AS compile" in window.current_text()
    qtbot.waitUntil(lambda: stage_names(window)[0] == "compile", timeout=2000)


def test_typing_then_undo_from_the_graph_pane(open_window, qtbot):
    window, _ = open_window(TEXT)
    window.activateWindow()
    move_to_end(window)
    window.editor.setFocus()
    qtbot.keyClicks(window.editor, "# note")
    assert window.current_text() == TEXT + "# note"
    assert window.isWindowModified()
    window.graph_view.setFocus()
    qtbot.waitUntil(window.graph_view.hasFocus, timeout=2000)
    qtbot.keyClick(window.graph_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.current_text() == TEXT
    assert not window.isWindowModified()
    window.actions_by_name["redo"].trigger()  # Edit > Redo from the menu
    assert window.current_text() == TEXT + "# note"


def test_typing_after_a_gesture_is_its_own_undo_step(open_window, qtbot):
    window, _ = open_window(TEXT)
    window.graph_view.interaction.sig_add_stage_requested.emit("extra", "stage-studio-test/busybox", "")
    after_gesture = window.current_text()
    move_to_end(window)
    qtbot.keyClicks(window.editor, "RUN true")
    window.editor.undo()
    assert window.current_text() == after_gesture
    window.editor.undo()
    assert window.current_text() == TEXT


def test_selecting_a_node_reveals_its_lines(open_window, qtbot):
    window, _ = open_window(TEXT)
    node = window.graph_view.stage_nodes()[1]
    node.setSelected(True)  # as a click does: the view emits sig_stage_selected(1)
    assert window.editor.current_line() == 7
    assert window.editor.revealed_lines() == (7, 8)
    # the text cursor moving there must not bounce a different selection back
    assert window.graph_view.selected_stage() is node


def test_selecting_an_edge_reveals_its_line(open_window):
    window, _ = open_window(TEXT)
    window.graph_view.sig_edge_selected.emit(11)
    assert window.editor.current_line() == 11
    assert window.editor.revealed_lines() == (11, 11)


def test_moving_the_text_cursor_selects_in_the_graph(open_window, qtbot):
    window, _ = open_window(TEXT)
    emitted = []
    window.graph_view.sig_stage_selected.connect(emitted.append)
    put_cursor_on_line(window, 4)
    assert window.graph_view.selected_stage().index == 0
    put_cursor_on_line(window, 8)
    assert window.graph_view.selected_stage().index == 1
    put_cursor_on_line(window, 11)  # COPY --from=build: the edge, not the stage
    assert window.graph_view.selected_edge().line == 11
    put_cursor_on_line(window, 1)  # before any stage
    assert window.graph_view.selected_stage() is None and window.graph_view.selected_edge() is None
    assert emitted == []  # programmatic selection never echoes back


def break_line_7(window, qtbot) -> None:
    """``FROM build AS test`` becomes ``FROM build AS``: an error on that line."""
    put_cursor_on_line(window, 7)
    cursor = window.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    window.editor.setTextCursor(cursor)
    for _ in range(len(" test")):
        qtbot.keyClick(window.editor, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: window.controller.stale, timeout=2000)


def test_broken_text_draws_what_can_be_read_and_marks_only_the_broken_line(open_window, qtbot):
    window, _ = open_window(TEXT)
    break_line_7(window, qtbot)
    nodes = window.graph_view.stage_nodes()
    assert len(nodes) == 3 and [nodes[0].title, nodes[2].title] == ["build", "final"]
    errors = [d for d in window.problems.diagnostics() if d.severity == "error"]
    assert [(d.line, d.code) for d in errors] == [(7, "invalid-from")]
    marked = {i: n.error_lines for i, n in nodes.items() if n.error_lines}
    assert marked == {1: frozenset({7})}  # the broken stage, and no other
    assert nodes[1].diagnostics and not nodes[0].diagnostics and not nodes[2].diagnostics
    assert window.editor.diagnostic_underlines()  # the same span is underlined in the text
    banner = window.graph_view.overlays.banner.text()
    assert banner.startswith("Error on line 7 (stage #1)") and "every stage that can be read" in banner
    assert window.status.stages_label.text().endswith(" · text has errors")
    assert window.problems_dock.windowTitle().startswith("Problems (1 error")
    # a gesture waits for the fix: the structure the edit would rely on is not sure
    window.graph_view.interaction.sig_rename_requested.emit("build", "compile")
    assert "AS compile" not in window.current_text()
    # clicking the problem moves the cursor to its line
    put_cursor_on_line(window, 1)
    window.problems_dock.show()
    item = window.problems.topLevelItem(0)
    rect = window.problems.visualItemRect(item)
    qtbot.mouseClick(window.problems.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.editor.current_line() == 7
    cursor = window.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    window.editor.setTextCursor(cursor)
    qtbot.keyClicks(window.editor, " tests")
    qtbot.waitUntil(lambda: not window.controller.stale, timeout=2000)
    assert stage_names(window) == ["build", "tests", "final"]
    assert not window.graph_view.overlays.banner.isVisible()
    assert not any(n.error_lines for n in window.graph_view.stage_nodes().values())


def test_an_edit_after_an_error_is_drawn(open_window, qtbot):
    """Issue 14: with an error in one stage, renaming another in the text renames its box."""
    window, _ = open_window(TEXT)
    break_line_7(window, qtbot)
    cursor = window.editor.document().find("AS build")
    cursor.insertText("AS Build")
    window.controller.sync_now()
    assert window.controller.stale  # the error is still there
    assert window.graph_view.stage_nodes()[0].title == "Build"
    window.files.replace_all_text(window.current_text().replace("AS Build", "AS compile"))  # as a reload does
    assert window.graph_view.stage_nodes()[0].title == "compile"


def test_target_is_a_view_setting_not_a_text_edit(open_window):
    window, _ = open_window(TEXT)
    window.graph_view.interaction.sig_set_target_requested.emit("test")
    assert window.current_text() == TEXT
    assert window.controller.graph.target == 1
    assert not window.isWindowModified()
    assert window.controller.graph.reachable == [0, 1]


def test_modified_state_follows_the_undo_stack(open_window, qtbot):
    window, path = open_window(TEXT)
    assert not window.isWindowModified()
    move_to_end(window)
    qtbot.keyClicks(window.editor, "X")
    assert window.isWindowModified() and "[*]" in window.windowTitle()
    window.editor.undo()
    assert not window.isWindowModified()
    qtbot.keyClicks(window.editor, "Y")
    assert window.files.save()
    assert not window.isWindowModified()
    window.editor.undo()  # back before the save: differs from the file again
    assert window.isWindowModified()
    window.editor.redo()
    assert not window.isWindowModified()
    assert path.read_text() == TEXT + "Y"


def test_lint_findings_join_the_problems_and_fixes_are_one_undo_step(open_window, qtbot):
    text = "FROM stage-studio-test/busybox:1 as build\nRUN echo hi\nFROM scratch\nCOPY --from=build /bin/sh /sh\n"
    window, _ = open_window(text)
    window.controller.lint.run()  # what the idle timer does once typing pauses
    codes = [d.code for d in window.problems.diagnostics()]
    assert "FromAsCasing" in codes
    row = codes.index("FromAsCasing")
    finding = window.problems.fixable(row)
    assert finding is not None
    window.problems.sig_fix_requested.emit(finding)  # the panel's "Apply Fix" menu entry
    assert window.current_text() == text.replace(" as build", " AS build")
    window.controller.lint.run()
    assert "FromAsCasing" not in [d.code for d in window.problems.diagnostics()]
    window.editor.undo()
    assert window.current_text() == text


def test_opening_a_broken_file_shows_its_own_shape(open_window, tmp_path):
    window, _ = open_window(TEXT)
    broken = tmp_path / "broken.Dockerfile"
    broken.write_text("FROM stage-studio-test/busybox AS one\nRUN true\nFROM scratch AS\n")
    assert window.open_file(broken)
    assert window.controller.stale
    assert stage_names(window) == ["one", None]  # not the previous file's three stages
    assert [d.code for d in window.problems.diagnostics() if d.severity == "error"] == ["invalid-from"]


def test_the_target_follows_a_renamed_stage(open_window):
    window, _ = open_window(TEXT)
    window.graph_view.interaction.sig_set_target_requested.emit("test")
    window.graph_view.interaction.sig_rename_requested.emit("test", "check")
    assert window.controller.graph.target == 1
    assert window.controller.graph.stages[1].name == "check"


def test_a_blank_document_takes_stages_from_the_graph(qtbot):
    from studio.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    assert not window.controller.stale
    window.graph_view.interaction.sig_add_stage_requested.emit("base", "stage-studio-test/busybox", "")
    assert window.current_text() == "FROM stage-studio-test/busybox AS base\n"
    assert stage_names(window) == ["base"]


def test_random_edits_keep_text_document_and_graph_in_step(open_window):
    from hypothesis import HealthCheck, given, settings, strategies as st

    from studio.core.document import parse

    window, _ = open_window(TEXT)
    pieces = st.sampled_from(["FROM a AS x\n", "COPY --from=build /a /b\n", "RUN <<EOF\n", "EOF\n", "\\\n",
                              "\n", "AS ", "build", "#", "😀", "--mount=from=test,target=/t ", ""])

    @settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.floats(0, 1), st.floats(0, 1), pieces)
    def edit(at, length, piece):
        text = window.current_text()
        start = int(at * len(text))
        end = min(len(text), start + int(length * 12))
        cursor = window.editor.textCursor()
        cursor.setPosition(len(text[:start].encode("utf-16-le")) // 2)
        cursor.setPosition(len(text[:end].encode("utf-16-le")) // 2, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(piece)
        window.controller.sync_now()
        expected = text[:start] + piece + text[end:]
        assert window.current_text() == expected == window.controller.document.text
        fresh = parse(expected)
        assert [(s.name, s.line) for s in window.controller.document.stages] == [(s.name, s.line) for s in fresh.stages]
        if not window.controller.stale:
            assert len(window.graph_view.stage_nodes()) == len(fresh.stages)

    edit()


def test_removing_a_stage_others_need_asks_first(open_window, prompts):
    window, _ = open_window(TEXT)
    window.graph_view.interaction.sig_remove_stage_requested.emit("build")  # "test" and "final" use "build"
    assert prompts.kinds() == ["confirm"] and window.current_text() == TEXT
    question = prompts.asked[0][1]
    assert question.startswith("Stage 'build' (line 3) is still used by ")
    assert "cascade" not in question and "Remove it anyway?" in question
    assert "Cannot change the graph" not in window.statusBar().currentMessage()  # "No" is no failure
    prompts.answers["confirm"] = "yes"
    window.graph_view.interaction.sig_remove_stage_requested.emit("build")
    assert "AS build" not in window.current_text()
    assert "build" not in [s.name for s in window.controller.graph.stages]
    window.editor.undo()  # the cascade is one undo step too
    assert window.current_text() == TEXT


def test_deleting_one_of_two_mount_edges_on_a_run_removes_just_that_mount(open_window, qtbot):
    text = ("FROM stage-studio-test/busybox AS a\nRUN echo a\n"
            "FROM stage-studio-test/busybox AS b\nRUN echo b\n"
            "FROM stage-studio-test/busybox AS use\n"
            "RUN --mount=from=a,target=/a --mount=from=b,target=/b ls /a /b\n")
    window, _ = open_window(text)
    view = window.graph_view
    mounts = [e for e in view.edge_items() if e.kind == "mount"]
    from_b = next(e for e in mounts if e.source_item is view.stage_nodes()[1])
    view.select_edge(None)
    from_b.setSelected(True)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert window.current_text() == text.replace(" --mount=from=b,target=/b", "")


def test_a_file_opened_broken_shows_its_own_shape_and_says_so(open_window, qtbot):
    """The broken text's own graph is shown; the banner says where the first error is."""
    window, _ = open_window("FROM busybox AS a\nRUN echo hi\nFROM a AS 1b\nFROB nothing\n")
    banner = window.graph_view.overlays.banner
    assert window.controller.stale
    assert banner.isVisible() and banner.text().startswith("Error on line 3 (stage 1b)")
    assert window.status.stages_label.text().endswith(" · text has errors")
    assert stage_names(window) == ["a", "1b"]



def test_a_new_copy_edge_that_would_run_backwards_moves_its_consumer_right(open_window):
    """A stage added in the graph sits in an early column; a COPY --from a later column
    into it then moves it (and what it feeds) right of its producer; nothing else moves."""
    text = ("FROM stage-studio-test/busybox AS toolchain\nRUN echo t\n\n"
            "FROM toolchain AS build\nRUN echo b\n\n"
            "FROM scratch AS final\nCOPY --from=build /out /out\n")
    window, _ = open_window(text)
    view = window.graph_view
    assert window.edits.add_stage("extra", "stage-studio-test/busybox")
    window.controller.sync_now()
    nodes = view.stage_nodes()
    build, extra = (next(n for n in nodes.values() if n.title == name) for name in ("build", "extra"))
    others = {n.title: n.pos() for n in nodes.values() if n is not extra}
    if extra.pos().x() >= build.pos().x() + build.box_rect().width():  # already right of build
        extra.setPos(build.pos().x() - 40, extra.pos().y())  # as a user might have dragged it
    assert window.edits.add_copy(build.index, extra.index, ["/out"], "/in")
    window.controller.sync_now()
    assert "COPY --from=build /out /in" in window.current_text()
    assert extra.pos().x() >= build.pos().x() + build.box_rect().width()  # the edge runs forwards
    overlaps = [n.title for n in view.stage_nodes().values()
                if n is not extra and n.sceneBoundingRect().intersects(extra.sceneBoundingRect())]
    assert overlaps == []
    assert {n.title: n.pos() for n in view.stage_nodes().values() if n is not extra} == others


def test_a_refusal_message_goes_when_a_later_graph_edit_works(open_window):
    window, _ = open_window(TEXT)
    window.graph_view.interaction.sig_rename_requested.emit("build", "test")  # taken by another stage: refused
    assert window.statusBar().currentMessage().startswith("Cannot change the graph")
    window.graph_view.interaction.sig_rename_requested.emit("build", "compile")
    assert "AS compile" in window.current_text()
    assert window.statusBar().currentMessage() == ""
