"""Lint in the window: findings in the Problems panel, on the text and on the right box;
quick fixes and "Disable rule for this file" as single undo steps; the rule dialog."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from studio.core import parse
from studio.core.lint import RULES
from studio.ui.sync_rules import single_edit

CASING = ("FROM stage-studio-test/busybox:1 AS tools\nRUN echo tools\n\n"
          "FROM stage-studio-test/busybox:1 as build\nRUN echo hi\n\n"
          "FROM scratch\nCOPY --from=build /bin/sh /sh\nCOPY --from=tools /bin/ls /ls\n")


def linted(open_window, text):
    window, path = open_window(text)
    window.controller.lint.run()  # what the idle timer does once typing pauses
    return window, path


def finding(window, code):
    return next(d for d in window.problems.diagnostics() if d.code == code)


def test_findings_show_in_problems_on_the_text_and_on_their_box(open_window):
    window, _ = linted(open_window, CASING)
    found = finding(window, "FromAsCasing")
    assert found.line == 4
    nodes = window.graph_view.stage_nodes()
    assert any("FromAsCasing" in m or "casing" in m for m in nodes[1].diagnostics)  # the "build" box
    assert not any("casing" in m for m in nodes[0].diagnostics + nodes[2].diagnostics)
    spans = {(start, end) for start, end, _colour in window.editor.diagnostic_underlines()}
    assert (found.start, found.end) in spans


def test_a_parser_diagnostic_lint_repeats_is_listed_once(open_window):
    text = "FROM stage-studio-test/busybox:1 AS a\nRUN true\nFROM scratch AS a\n"
    window, _ = linted(open_window, text)
    on_line_3 = [d.code for d in window.problems.diagnostics() if d.line == 3]
    assert on_line_3.count("DuplicateStageName") + on_line_3.count("duplicate-stage-name") == 1


def test_quick_fix_changes_only_its_span_and_ctrl_z_restores_the_exact_text(open_window, qtbot):
    window, _ = linted(open_window, CASING)
    found = finding(window, "FromAsCasing")
    assert window.teach.lint.quick_fix(found)
    after = window.current_text()
    span = single_edit(CASING, after)
    assert (CASING[span.start:span.end], span.new_text) == ("as", "AS")
    assert "FromAsCasing" not in [d.code for d in window.problems.diagnostics()]
    window.editor.setFocus()
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.current_text() == CASING


def test_disabling_a_rule_adds_the_check_skip_directive_and_undo_removes_it(open_window, qtbot):
    window, _ = linted(open_window, CASING)
    assert window.teach.lint.disable_rule("FromAsCasing")
    assert window.current_text() == "# check=skip=FromAsCasing\n" + CASING
    assert "FromAsCasing" not in [d.code for d in window.problems.diagnostics()]
    assert not any("casing" in m for m in window.graph_view.stage_nodes()[1].diagnostics)
    window.editor.undo()
    assert window.current_text() == CASING


def test_disabling_a_second_rule_extends_the_existing_directive(open_window):
    text = "# check=skip=FromAsCasing\n" + CASING.replace("AS tools", "AS Tools")
    window, _ = linted(open_window, text)
    code = "StageNameCasing"
    assert code in [d.code for d in window.problems.diagnostics()]
    assert window.teach.lint.disable_rule(code)
    assert window.current_text().splitlines()[0] == f"# check=skip=FromAsCasing,{code}"
    assert code not in [d.code for d in window.problems.diagnostics()]


def test_problems_menu_offers_explain_and_disable_and_the_dialog_explains_the_rule(open_window):
    window, _ = linted(open_window, CASING)
    found = finding(window, "FromAsCasing")
    menu = QMenu()
    for hook in window.problems.menu_hooks:
        hook(menu, found)
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts == ["Explain FromAsCasing…", "Disable FromAsCasing for This File"]
    dialog = window.teach.lint.explain(found)
    try:
        shown = dialog.browser.toPlainText()
        rule = RULES["FromAsCasing"]
        assert rule.name in shown and "Line 4" in shown
        assert rule.example_before.splitlines()[0].strip() in shown
        assert rule.example_after.splitlines()[0].strip() in shown
        assert dialog.fix_button.isVisibleTo(dialog)
        dialog.fix_button.click()  # the dialog's quick fix is the same one undo step
        assert window.current_text() == CASING.replace(" as build", " AS build")
        window.editor.undo()
        assert window.current_text() == CASING
    finally:
        dialog.close()


def test_explain_at_cursor_finds_the_lint_finding_on_the_line(open_window):
    window, _ = linted(open_window, CASING)
    window.go_to_line(4)
    window.actions_by_name["explain_finding"].trigger()
    dialog = window.teach.lint.dialog
    try:
        assert dialog is not None and dialog.code == "FromAsCasing" and dialog.isVisible()
    finally:
        dialog.close()


def test_lint_runs_once_typing_pauses_and_badges_the_right_box_of_a_200_stage_file(open_window, qtbot):
    text = "".join(f"FROM stage-studio-test/busybox:1 AS s{i}\nRUN echo {i}\n" for i in range(200))
    window, _ = open_window(text)
    controller = window.controller
    with qtbot.waitSignal(controller.sig_diagnostics_changed, timeout=5000):
        pass  # the first lint of the opened file
    assert not any("casing" in m for node in window.graph_view.stage_nodes().values() for m in node.diagnostics)
    line = 2 * 150 + 1  # stage 150's FROM line
    window.go_to_line(line)
    cursor = window.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.EndOfBlock)
    cursor.movePosition(cursor.MoveOperation.PreviousWord, cursor.MoveMode.MoveAnchor, 2)
    window.editor.setTextCursor(cursor)
    window.editor.setFocus()
    qtbot.keyClick(window.editor, Qt.Key.Key_Delete)
    qtbot.keyClick(window.editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(window.editor, "as")
    assert not any(d.code == "FromAsCasing" for d in controller.lint.findings)  # lint waits for a pause
    with qtbot.waitSignal(controller.sig_diagnostics_changed, timeout=5000):
        pass
    assert "as s150" in window.current_text().splitlines()[line - 1]
    badged = [i for i, node in window.graph_view.stage_nodes().items() if any("casing" in m for m in node.diagnostics)]
    assert badged == [150]


def test_a_keystroke_after_lint_leaves_the_lines_below_unread(open_window, qtbot):
    """Lint read every line when typing paused; the next keystroke only moves the stages
    below the edit: working out their details again would be work on the keystroke."""
    text = "".join(f"FROM stage-studio-test/busybox:1 AS s{i}\nRUN --mount=type=cache,target=/c echo {i}\n"
                   f"COPY --from=s0 /a /b{i}\n" for i in range(40))
    window, _ = linted(open_window, text)
    controller = window.controller
    assert not any("_source" in ins.__dict__ for ins in controller.document.instructions)  # lint read them all
    window.go_to_line(3 * 10 + 2)
    window.editor.setFocus()
    qtbot.keyClick(window.editor, Qt.Key.Key_Return)
    controller.sync_now()
    below = controller.document.instructions[3 * 11:]  # the stages after the edited one
    assert below and all("_source" in ins.__dict__ for ins in below)
    fresh = parse(controller.document.text)
    assert [(e.source, e.target, e.line) for e in controller.graph.edges] == \
        [(e.source, e.target, e.line) for e in fresh.graph().edges]


def test_a_mistyped_stage_name_is_marked_on_its_box_and_on_the_image(open_window):
    text = ("FROM stage-studio-test/busybox:1 AS build\nRUN echo hi > /x\n\n"
            "FROM scratch\nCOPY --from=biuld /x /x\n")
    window, _ = linted(open_window, text)
    found = finding(window, "MistypedStageName")
    assert found.line == 5 and "did you mean `build`?" in found.message
    nodes = window.graph_view.stage_nodes()
    assert any("did you mean `build`?" in m for m in nodes[1].diagnostics)
    image = window.graph_view.scene().image_items["biuld"]
    assert image.warning == found.message and "did you mean" in image.toolTip()
    assert window.teach.lint.quick_fix(found)
    window.controller.lint.run()
    assert "biuld" not in window.graph_view.scene().image_items


def test_the_window_lints_with_the_projects_settings(open_window, tmp_path):
    text = "FROM stage-studio-test/busybox:1 as build\nRUN echo hi\n"
    window, path = linted(open_window, text)
    assert "FromAsCasing" in [d.code for d in window.problems.diagnostics()]
    (path.parent / ".stage-studio.toml").write_text('disable = ["FromAsCasing"]\n')
    window.open_file(path)
    window.controller.lint.run()
    assert "FromAsCasing" not in [d.code for d in window.problems.diagnostics()]
