"""The Secrets dialog knows which secrets the Dockerfile mounts: Add File… names a row
after the first one without a source (not after the file), a row the Dockerfile never
reads says so, ids it mounts with no row are listed, and an id given twice is refused."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from studio.engine.session.secrets import SecretSpec
from studio.ui.buildpanel.secrets_dialog import SecretsDialog


def _dialog(qtbot, secrets=(), wanted=None) -> SecretsDialog:
    dialog = SecretsDialog(list(secrets), [], None, wanted)
    qtbot.addWidget(dialog)
    return dialog


def _status(dialog, row: int) -> str:
    return dialog.secret_table.item(row, 3).text()


def test_add_file_takes_the_id_the_dockerfile_asks_for(qtbot, tmp_path):
    token, npmrc = tmp_path / "tok.txt", tmp_path / ".npmrc"
    token.write_text("v\n")
    npmrc.write_text("v\n")
    dialog = _dialog(qtbot, wanted={"tok": True, "cache_key": False})
    assert dialog.missing_label.isVisibleTo(dialog)
    assert "tok (required: the build fails without it)" in dialog.missing_label.text()
    assert "cache_key (without it" in dialog.missing_label.text()
    dialog.add_file(str(token))
    assert dialog.secrets()[0] == SecretSpec("tok", src=str(token)) and _status(dialog, 0) == "✓ ready"
    assert "tok" not in dialog.missing_label.text() and "cache_key" in dialog.missing_label.text()
    dialog.add_file(str(npmrc))
    assert dialog.secrets()[1].id == "cache_key"
    assert not dialog.missing_label.isVisibleTo(dialog)
    dialog.add_file(str(npmrc))  # every id has a source now: the file's own name
    assert dialog.secrets()[2].id == "npmrc"
    assert _status(dialog, 2) == "✓ ready · not used by this Dockerfile"


def test_without_secret_mounts_a_row_is_marked_unused_and_named_after_its_file(qtbot, tmp_path):
    path = tmp_path / "tok.txt"
    path.write_text("v")
    dialog = _dialog(qtbot, wanted={})
    dialog.add_file(str(path))
    assert dialog.secrets() == [SecretSpec("tok", src=str(path))]
    assert "not used by this Dockerfile" in _status(dialog, 0)


def test_an_id_given_twice_is_refused_inline(qtbot, tmp_path):
    path = tmp_path / "tok.txt"
    path.write_text("v")
    dialog = _dialog(qtbot, [SecretSpec("tok", src=str(path)), SecretSpec("tok", src=str(path))], {"tok": True})
    assert _status(dialog, 0) == "✓ ready" and _status(dialog, 1).startswith("✗")
    assert "given above already" in _status(dialog, 1)
    assert not dialog.ok_button.isEnabled() and any("more than once" in p for p in dialog.problems())
    dialog.secret_table.item(1, 0).setText("other")
    assert dialog.ok_button.isEnabled() and "not used" in _status(dialog, 1)
    dialog.secret_table.item(1, 0).setText("tok")
    assert not dialog.ok_button.isEnabled()
    dialog.secret_table.selectRow(1)
    dialog._remove_secrets()
    assert dialog.ok_button.isEnabled() and dialog.problems() == []


def test_the_window_tells_the_dialog_what_the_dockerfile_mounts(open_window, qtbot, tmp_path):
    window, _path = open_window("FROM busybox\nRUN --mount=type=secret,id=tok,required=true cat /run/secrets/tok\n"
                                "RUN --mount=type=secret,target=/etc/npmrc cat /etc/npmrc\n")
    seen = {}

    def look() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "secretsDialog" and w.isVisible())
        seen["wanted"] = dict(dialog.wanted)
        seen["note"] = dialog.findChild(type(dialog.missing_label), "secretsMissing").text()
        dialog.reject()

    QTimer.singleShot(0, look)
    window.build.bar.secrets_button.click()
    assert seen["wanted"] == {"tok": True, "npmrc": False}
    assert "tok (required" in seen["note"] and "npmrc (without it" in seen["note"]
