"""Help > About names the settings and recovery places as they are on disk, and those no
longer say "Stage Studio/Stage Studio": the app keeps them under its organization folder
("stage-studio") and moves what earlier versions left under "Stage Studio/Stage Studio"."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from studio import APP_NAME, ORG_NAME
from studio.ui import files
from studio.ui.files import OLD_ORGANIZATION, adopt_old_places, recovery_dir


@pytest.fixture
def app_places(qapp, tmp_path, monkeypatch):
    """The names run_app gives the application, with settings and data in tmp_path."""
    names = QCoreApplication.organizationName(), QCoreApplication.applicationName()
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(files, "recovery_dir", recovery_dir)  # the real one (conftest moves it aside)
    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    yield tmp_path
    QCoreApplication.setOrganizationName(names[0])
    QCoreApplication.setApplicationName(names[1])


def test_about_shows_the_real_places_without_the_name_twice(app_places, qtbot):
    from studio.ui.about import about_text
    from studio.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    text = about_text(window)
    settings, recovery = QSettings().fileName(), str(recovery_dir())
    assert settings == str(app_places / "config" / ORG_NAME / f"{APP_NAME}.conf")
    assert recovery == str(app_places / "data" / ORG_NAME / APP_NAME / "recovery")
    assert settings in text and recovery in text
    assert f"{APP_NAME}/{APP_NAME}" not in text


def test_settings_and_unsaved_work_move_from_the_old_places(app_places):
    old_settings = app_places / "config" / OLD_ORGANIZATION / f"{APP_NAME}.conf"
    old_settings.parent.mkdir(parents=True)
    old_settings.write_text("[recent]\nfiles=/work/Dockerfile\n")
    old_recovery = app_places / "data" / OLD_ORGANIZATION / APP_NAME / "recovery"
    old_recovery.mkdir(parents=True)
    (old_recovery / "abc.json").write_text('{"text": "FROM busybox"}')
    new_recovery = recovery_dir()
    new_recovery.mkdir(parents=True)
    (new_recovery / "keep.json").write_text("newer")
    (old_recovery / "keep.json").write_text("older")

    moved = adopt_old_places()
    assert sorted(p.name for p in moved) == [f"{APP_NAME}.conf", "abc.json"]
    assert QSettings().value("recent/files") == "/work/Dockerfile"
    assert (new_recovery / "abc.json").read_text() == '{"text": "FROM busybox"}'
    assert (new_recovery / "keep.json").read_text() == "newer"  # never over what is there
    assert (old_recovery / "keep.json").exists()  # (so that one stays where it was)
    assert adopt_old_places() == []
