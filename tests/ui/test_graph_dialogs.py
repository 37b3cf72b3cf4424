"""The small dialogs behind graph gestures: answers are parsed and checked."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QPushButton

from studio.ui.graph import dialogs


def fake_exec(texts: list[str], expect_ok: bool = True):
    """Replace QDialog.exec: type ``texts`` into the line edits, then press OK."""
    def run(dialog: QDialog) -> int:
        edits = dialog.findChildren(QLineEdit)
        for edit, text in zip(edits, texts):
            edit.setText(text)
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        assert ok.isEnabled() == expect_ok
        return QDialog.DialogCode.Accepted if ok.isEnabled() else QDialog.DialogCode.Rejected
    return run


def test_copy_dialog_splits_paths_like_a_shell(qapp, monkeypatch):
    monkeypatch.setattr(QDialog, "exec", fake_exec(['/out/app "/etc/my conf.toml"', " /usr/local/bin/ "]))
    assert dialogs.ask_copy(None, "build", "final") == (["/out/app", "/etc/my conf.toml"], "/usr/local/bin/")
    monkeypatch.setattr(QDialog, "exec", fake_exec(["/out/app", ""], expect_ok=False))
    assert dialogs.ask_copy(None, "build", "final") is None


def test_new_stage_dialog_refuses_taken_names(qapp, monkeypatch):
    monkeypatch.setattr(QDialog, "exec", fake_exec(["Test", "busybox"]))
    assert dialogs.ask_new_stage(None, {"build"}) == ("Test", "busybox")
    monkeypatch.setattr(QDialog, "exec", fake_exec(["BUILD", "busybox"], expect_ok=False))
    assert dialogs.ask_new_stage(None, {"build"}) is None


def test_base_dialog_needs_a_change(qapp, monkeypatch):
    monkeypatch.setattr(QDialog, "exec", fake_exec(["alpine:3.21"]))
    assert dialogs.ask_base(None, "final", "alpine:3.20") == "alpine:3.21"
    monkeypatch.setattr(QDialog, "exec", fake_exec(["alpine:3.20"], expect_ok=False))
    assert dialogs.ask_base(None, "final", "alpine:3.20") is None


@pytest.mark.parametrize("text, ok", [("build", True), ("b2.x_y-z", True), ("2fast", False), ("", False),
                                      ("has space", False)])
def test_stage_name_rule(text, ok):
    assert bool(dialogs.STAGE_NAME.match(text)) is ok


@pytest.mark.parametrize("ask", [lambda: dialogs.ask_copy(None, "build", "final"),
                                 lambda: dialogs.ask_new_stage(None, set())])
def test_dialogs_show_their_title_and_placeholders_whole(qapp, monkeypatch, ask):
    seen = []

    def run(dialog: QDialog) -> int:
        dialog.show()
        title = dialog.fontMetrics().horizontalAdvance(dialog.windowTitle())
        edits = dialog.findChildren(QLineEdit)
        seen.append((dialog.width() >= title + 150,
                     [e.width() >= e.fontMetrics().horizontalAdvance(e.placeholderText()) + 12 for e in edits]))
        dialog.hide()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(QDialog, "exec", run)
    assert ask() is None
    assert seen == [(True, [True, True])]


def new_stage_parts(dialog: QDialog) -> tuple[QLineEdit, QLineEdit, QLabel, QPushButton]:
    """The Add Stage dialog's name and base fields, its problem line and its OK button."""
    return (dialog.findChild(QLineEdit, "newStageName"), dialog.findChild(QLineEdit, "newStageBase"),
            dialog.findChild(QLabel, "newStageProblem"),
            dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok))


def test_new_stage_dialog_says_why_a_name_is_refused_and_keeps_the_base(qapp, monkeypatch):
    """A trial typed "Bad Name": it was refused only after the dialogs, and the base was lost."""
    seen = []

    def run(dialog: QDialog) -> int:
        name, base, problem, ok = new_stage_parts(dialog)
        base.setText("alpine:3.20")
        name.setText("Bad Name")
        seen.append((ok.isEnabled(), problem.isVisibleTo(dialog), problem.text(), base.text()))
        name.setText("good")
        seen.append((ok.isEnabled(), problem.isVisibleTo(dialog), problem.text(), base.text()))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QDialog, "exec", run)
    assert dialogs.ask_new_stage(None, set()) == ("good", "alpine:3.20")
    assert seen[0][:2] == (False, True) and "'Bad Name' is not a valid stage name" in seen[0][2]
    assert seen[0][3] == "alpine:3.20"
    assert seen[1] == (True, False, "", "alpine:3.20")


def test_graph_add_stage_checks_the_name_in_its_dialog_by_the_edits_rule(open_window, monkeypatch):
    window, _path = open_window("FROM busybox AS build\nRUN make\n\nFROM scratch\nCOPY --from=build /a /a\n")
    seen = []

    def run(dialog: QDialog) -> int:
        name, base, problem, ok = new_stage_parts(dialog)
        base.setText("alpine:3.20")
        for typed in ("Bad Name", "context", "BUILD", "tools"):
            name.setText(typed)
            seen.append((typed, ok.isEnabled(), problem.text()))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QDialog, "exec", run)
    window.actions_by_name["add_stage"].trigger()  # Graph > Add Stage…
    assert [(t, enabled) for t, enabled, _ in seen] == [("Bad Name", False), ("context", False),
                                                         ("BUILD", False), ("tools", True)]
    assert "not a valid stage name" in seen[0][2] and "reserved by Docker" in seen[1][2]
    assert "already exists at line 1" in seen[2][2]
    assert "FROM alpine:3.20 AS tools\n" in window.current_text()
