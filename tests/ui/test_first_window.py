from __future__ import annotations

from studio import APP_NAME
from studio.paths import examples
from studio.ui.main_window import MainWindow


def test_window_opens_and_shows_the_file(qtbot, tmp_path):
    path = tmp_path / "Dockerfile"
    text = "FROM stage-studio-test/busybox AS build\nRUN echo hi > /out\n\nFROM scratch\nCOPY --from=build /out /out\n"
    path.write_text(text)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.open_file(path)
    qtbot.waitExposed(window)
    assert window.editor.objectName() == "textEditor"
    assert window.editor.toPlainText() == text
    assert "Dockerfile" in window.windowTitle() and APP_NAME in window.windowTitle()
    assert not window.windowIcon().isNull()
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert "File" in menus


def test_bundled_examples_open(qtbot):
    names = [p.name for p in examples()]
    assert "go-build-env.Dockerfile" in names and "build-essential-foo-bar.Dockerfile" in names
    window = MainWindow()
    qtbot.addWidget(window)
    for path in examples():
        assert window.open_file(path)
        assert window.editor.toPlainText() == path.read_text(encoding="utf-8")
