"""GUI test setup: no modal dialog ever blocks, recovery files and settings stay in a
temporary place, and a test that leaves a visible top-level window behind fails."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from studio.ui import files as files_module
from studio.ui.window_files import WindowFiles

DEFAULT_ANSWERS = {"unsaved": "discard", "recover": "discard", "reload": "reload", "confirm": "no", "info": "ok"}


class PromptRecorder:
    """Stands in for message boxes: answers from a table and remembers every question."""

    def __init__(self) -> None:
        self.answers = dict(DEFAULT_ANSWERS)
        self.asked: list[tuple[str, str]] = []

    def __call__(self, window, kind: str, title: str, message: str, choices: tuple[str, ...]) -> str:
        self.asked.append((kind, message))
        answer = self.answers.get(kind, choices[-1])
        assert answer in choices, f"{answer!r} is not one of {choices} for a {kind!r} prompt"
        return answer

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.asked]


@pytest.fixture(autouse=True)
def prompts(monkeypatch, tmp_path_factory) -> PromptRecorder:
    recorder = PromptRecorder()
    # (beside the test's own folder, not in it: a build of a file in tmp_path sends that
    # folder as its context, and the settings' lock file comes and goes while it is read)
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setattr(WindowFiles, "prompt",
                        lambda self, kind, title, message, choices: recorder(self, kind, title, message, choices))
    monkeypatch.setattr(WindowFiles, "ask_path", lambda self, mode: None)
    monkeypatch.setattr(files_module, "recovery_dir", lambda: state / "recovery")
    # recent files and window layout: a fresh settings store per test
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(state / "settings"))
    return recorder


@pytest.fixture(autouse=True)
def no_leaked_windows(qapp):
    """Fail a test that leaves a visible top-level window open (after qtbot's cleanup)."""
    before = {id(w) for w in qapp.topLevelWidgets() if w.isVisible()}
    yield
    qapp.processEvents()
    leaked = [w for w in qapp.topLevelWidgets() if w.isVisible() and id(w) not in before]
    for widget in leaked:
        widget.close()
    if leaked:
        pytest.fail(f"test leaked visible top-level windows: {[type(w).__name__ for w in leaked]}")


@pytest.fixture
def open_window(qtbot, tmp_path):
    """Open ``text`` (written as ``data`` bytes if given) in a shown MainWindow."""
    from studio.ui.main_window import MainWindow

    def _open(text: str = "", name: str = "Dockerfile", data: bytes | None = None):
        path = tmp_path / name
        path.write_bytes(data if data is not None else text.encode("utf-8"))
        window = MainWindow()
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        assert window.open_file(path)
        return window, path

    return _open
