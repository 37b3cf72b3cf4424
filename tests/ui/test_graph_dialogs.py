"""The small dialogs behind graph gestures: answers are parsed and checked."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit

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
