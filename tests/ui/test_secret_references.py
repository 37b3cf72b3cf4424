"""Secret and SSH references are remembered per file, by its resolved path: a file of the
same name in another folder gets none, an untitled window keeps its own in memory only,
and references an older version stored under a name as typed are dropped."""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from studio.engine.session.secrets import SecretSpec
from studio.ui.buildpanel.secrets_dialog import load_references

TEXT = "FROM busybox\nRUN --mount=type=secret,id=tok cat /run/secrets/tok\n"


def _window(qtbot, path: Path | None = None):
    from studio.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    if path is not None:
        assert window.open_file(path)
    return window


def _add_secret(window, spec: SecretSpec) -> None:
    def fill() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "secretsDialog" and w.isVisible())
        dialog.add_secret(spec)
        dialog.accept()

    QTimer.singleShot(0, fill)
    window.build.bar.secrets_button.click()


def _secrets(window) -> list:
    return list(window.build_settings.settings.extra.get("secrets", ()))


def _projects(tmp_path) -> tuple[Path, Path, Path]:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        folder.mkdir()
        (folder / "Dockerfile").write_text(TEXT)
    token = tmp_path / "tok.txt"
    token.write_text("value\n")
    return a, b, token


def test_a_file_of_the_same_name_in_another_folder_gets_no_secrets(qtbot, tmp_path, monkeypatch):
    a, b, token = _projects(tmp_path)
    monkeypatch.chdir(a)
    first = _window(qtbot, Path("Dockerfile"))
    _add_secret(first, SecretSpec("tok", src=str(token)))
    assert first.build.bar.secrets_button.text() == "Secrets (1)…"
    monkeypatch.chdir(b)
    second = _window(qtbot, Path("Dockerfile"))
    assert _secrets(second) == [] and second.build.bar.secrets_button.text() == "Secrets…"
    assert load_references("Dockerfile") == ([], [])  # (as typed from b)
    # the first file, opened by its absolute path, has its own
    again = _window(qtbot, a / "Dockerfile")
    assert _secrets(again) == [SecretSpec("tok", src=str(token))]
    assert again.build.bar.secrets_button.text() == "Secrets (1)…"


def test_a_symlink_to_a_file_gets_that_files_references(qtbot, tmp_path):
    a, _b, token = _projects(tmp_path)
    link = tmp_path / "link"
    link.symlink_to(a)
    first = _window(qtbot, a / "Dockerfile")
    _add_secret(first, SecretSpec("tok", src=str(token)))
    assert _secrets(_window(qtbot, link / "Dockerfile")) == [SecretSpec("tok", src=str(token))]


def test_an_untitled_window_keeps_its_references_to_itself(qtbot, tmp_path):
    a, _b, token = _projects(tmp_path)
    untitled = _window(qtbot)
    _add_secret(untitled, SecretSpec("tok", src=str(token)))
    assert _secrets(untitled) == [SecretSpec("tok", src=str(token))]
    assert _secrets(_window(qtbot)) == []  # another untitled window
    assert load_references(None) == ([], [])
    assert all(token.name not in str(QSettings().value(k)) for k in QSettings().allKeys())  # nothing stored
    # Save As keeps them, now for that file
    untitled.editor.setPlainText(TEXT)
    saved = tmp_path / "new" / "Dockerfile"
    saved.parent.mkdir()
    assert untitled.files.save_as(saved)
    assert _secrets(untitled) == [SecretSpec("tok", src=str(token))]
    assert load_references(saved)[0] == [SecretSpec("tok", src=str(token))]
    assert load_references(a / "Dockerfile") == ([], [])


def test_references_stored_under_a_name_as_typed_are_dropped(qtbot, tmp_path, monkeypatch):
    a, _b, token = _projects(tmp_path)
    old = json.dumps({"secrets": [{"id": "tok", "src": str(token)}], "ssh": []})
    settings = QSettings()
    settings.setValue("buildSecrets/Dockerfile", old)  # as version 0.x stored `stage-studio Dockerfile`
    settings.setValue("buildSecrets/" + str(a / "Dockerfile").replace("/", "|"), old)  # an absolute one stays
    settings.sync()
    monkeypatch.chdir(tmp_path / "b")
    window = _window(qtbot, Path("Dockerfile"))
    assert _secrets(window) == []
    assert "buildSecrets/Dockerfile" not in QSettings().allKeys()
    assert _secrets(_window(qtbot, a / "Dockerfile")) == [SecretSpec("tok", src=str(token))]


def test_at_1024_the_secrets_button_and_its_count_stay_in_the_bar(qtbot, tmp_path):
    from test_ui_polish_engine_badge import STATUS, settle

    a, _b, token = _projects(tmp_path)
    window = _window(qtbot, a / "Dockerfile")
    window.build.watcher.stop()
    bar = window.build.bar
    bar.set_default_context("/tmp/a-rather-long-build-context-folder")
    bar.engine.show_status(STATUS)
    _add_secret(window, SecretSpec("tok", src=str(token)))
    menu_action = window.actions_by_name["secrets"]
    for width in (1400, 1024, 900):
        window.resize(width, 700)
        qtbot.waitUntil(lambda w=width: window.width() == w)
        settle(qtbot, bar)
        button = bar.secrets_button
        assert button.isVisibleTo(bar) and bar.rect().contains(button.geometry()), width
        assert button.width() >= button.sizeHint().width() and "(1)" in button.text(), (width, button.text())
        assert bar.engine.isVisibleTo(bar), width
        assert menu_action.text() == "&Secrets and SSH (1)…"
    assert bar.compact and button.text() == "Secrets (1)"  # narrow: the ellipsis gave way
    # Build > Secrets and SSH… has a shortcut that opens the dialog
    assert menu_action.shortcut().toString() == "Ctrl+Shift+K" and menu_action in window.actions()
    opened = []

    def close() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "secretsDialog" and w.isVisible())
        opened.append(dialog.secrets())
        dialog.reject()

    QTimer.singleShot(0, close)
    menu_action.trigger()
    assert opened == [[SecretSpec("tok", src=str(token))]]
