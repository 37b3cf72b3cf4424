"""Files and safety: exact byte round-trips, read-only for non-UTF-8, atomic saves,
crash recovery, changes on disk, the unsaved-changes prompt, recent files."""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from studio.paths import examples
from studio.ui.files import decode_file, encode_text
from studio.ui.main_window import MainWindow

BODY = "FROM stage-studio-test/busybox AS build\nRUN echo hi > /out\n\nFROM scratch\nCOPY --from=build /out /out"


def type_at_end(window, qtbot, text: str) -> None:
    cursor = window.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)
    for index, part in enumerate(text.split("\n")):
        if index:
            qtbot.keyClick(window.editor, Qt.Key.Key_Return)
        qtbot.keyClicks(window.editor, part)


@pytest.mark.parametrize("data", [
    (BODY + "\n").replace("\n", "\r\n").encode(),  # CRLF
    ("\ufeff" + BODY + "\n").encode(),  # BOM
    BODY.encode(),  # no final newline
    ("\ufeff" + BODY).replace("\n", "\r\n").encode(),  # all three
    ("FROM x\n# non\u00a0breaking space, \u2028 and emoji 😀\n").encode(),
    b"",
], ids=["crlf", "bom", "no-final-newline", "bom-crlf-no-final", "odd-characters", "empty"])
def test_open_then_save_keeps_every_byte(open_window, data):
    window, path = open_window(data=data)
    assert "\r" not in window.current_text() and not window.current_text().startswith("\ufeff")
    assert not window.isWindowModified()
    assert window.files.save()
    assert path.read_bytes() == data


def test_edits_are_saved_in_the_files_own_line_endings(open_window, qtbot):
    data = ("\ufeff" + BODY + "\n").replace("\n", "\r\n").encode()
    window, path = open_window(data=data)
    assert window.status.format_label.text() == "UTF-8 with BOM · CRLF"
    window.graph_view.interaction.sig_rename_requested.emit("build", "compile")
    assert window.files.save()
    assert path.read_bytes() == data.replace(b"build", b"compile")


def test_mixed_line_endings_warn_and_normalise_only_on_save(open_window):
    data = b"FROM a AS one\r\nRUN x\nFROM b\r\n"
    window, path = open_window(data=data)
    assert "mixes line endings" in window.banner.shown_text()
    assert window.current_text() == "FROM a AS one\nRUN x\nFROM b\n"
    assert path.read_bytes() == data  # nothing written on open
    assert window.files.save()
    assert path.read_bytes() == b"FROM a AS one\r\nRUN x\r\nFROM b\r\n"
    assert window.banner.shown_text() == ""


@pytest.mark.parametrize("data, why", [
    (b"FROM busybox\nRUN echo caf\xe9\n", "not valid UTF-8"),
    ("FROM busybox\n".encode("utf-16"), "UTF-16 text (little-endian"),
])
def test_non_utf8_opens_read_only_and_never_saves(open_window, data, why):
    window, path = open_window(data=data)
    assert window.files.read_only and window.editor.isReadOnly()
    assert why in window.banner.shown_text() and "read-only" in window.windowTitle()
    assert "\ufffd" in window.current_text()
    assert not window.actions_by_name["save"].isEnabled()
    assert not window.files.save() and not window.files.save_as(path.parent / "copy")
    assert path.read_bytes() == data and not (path.parent / "copy").exists()
    window.graph_view.interaction.sig_add_stage_requested.emit("x", "scratch", "")
    assert "\ufffd" in window.current_text() and "AS x" not in window.current_text()


def test_a_huge_file_still_opens(open_window):
    body = "".join(f"RUN echo line {j} {'y' * 90}\n" for j in range(2000))
    text = "".join(f"FROM stage-studio-test/busybox AS s{i}\n{body}" for i in range(30))  # 6 MB
    window, _ = open_window(text)
    assert window.current_text() == text
    assert len(window.graph_view.stage_nodes()) == 30
    assert "very large" in window.banner.shown_text()


def test_save_is_atomic_and_keeps_the_mode(open_window, qtbot):
    window, path = open_window(BODY)
    os.chmod(path, 0o640)
    type_at_end(window, qtbot, "\n")
    assert window.files.save()
    assert path.read_text() == BODY + "\n"
    assert (path.stat().st_mode & 0o777) == 0o640
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_save_as_and_new(qtbot, tmp_path, prompts):
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.windowTitle().startswith("Untitled")
    qtbot.keyClicks(window.editor, "FROM scratch AS a")
    target = tmp_path / "out" / "Dockerfile"
    target.parent.mkdir()
    assert window.files.save_as(target)
    assert target.read_text() == "FROM scratch AS a"
    assert window.windowTitle().startswith("Dockerfile")
    assert window.files.recent.paths()[0] == str(target.resolve())
    assert window.files.new_file("")
    assert window.path is None and window.current_text() == ""
    assert prompts.asked == []


def test_new_from_example(qtbot):
    from studio.ui.gallery import example_summary, example_title

    go = next(p for p in examples() if p.name == "go-build-env.Dockerfile")
    assert example_title(go) == "Go build env"
    assert example_summary(go.read_text()).startswith("The classic Go multi-stage build.")
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.files.new_from_example(go)
    assert window.current_text() == go.read_text() and window.path is None
    assert len(window.graph_view.stage_nodes()) >= 2
    assert not window.isWindowModified()


def test_closing_with_unsaved_changes_asks(open_window, qtbot, prompts):
    window, path = open_window(BODY)
    type_at_end(window, qtbot, "\n# more")
    prompts.answers["unsaved"] = "cancel"
    assert not window.close()
    assert window.isVisible() and prompts.kinds() == ["unsaved"]
    prompts.answers["unsaved"] = "save"
    assert window.close()
    assert path.read_text() == BODY + "\n# more"


def test_recovery_after_a_crash(open_window, qtbot, prompts):
    window, path = open_window(BODY)
    type_at_end(window, qtbot, "\nRUN echo unsaved")
    assert window.files.recovery.autosave_now()
    recovery_file = window.files.recovery.store.file_for(window.files.recovery.key())
    assert recovery_file.exists()
    window.hide()  # the process "dies": no clean close, the recovery copy stays
    assert path.read_text() == BODY
    prompts.answers["recover"] = "restore"
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.open_file(path)
    assert prompts.kinds() == ["recover"]
    assert second.current_text() == BODY + "\nRUN echo unsaved"
    assert second.isWindowModified()
    second.editor.undo()  # the restore is one undoable step
    assert second.current_text() == BODY
    second.editor.redo()
    assert second.files.save()
    assert not recovery_file.exists()
    window.editor.document().setModified(False)


def test_untitled_work_is_offered_back_on_the_next_start(qtbot, prompts):
    first = MainWindow()
    qtbot.addWidget(first)
    qtbot.keyClicks(first.editor, "FROM scratch AS lost")
    assert first.files.recovery.autosave_now()
    first.files.recovery.timer.stop()
    prompts.answers["recover"] = "restore"
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.files.recovery.offer_recovery()
    assert second.current_text() == "FROM scratch AS lost"
    first.editor.document().setModified(False)


def test_recovery_copy_goes_away_when_back_at_the_saved_state(open_window, qtbot):
    window, _ = open_window(BODY)
    type_at_end(window, qtbot, "x")
    assert window.files.recovery.autosave_now()
    file = window.files.recovery.store.file_for(window.files.recovery.key())
    assert file.exists()
    window.editor.undo()
    assert not file.exists()


def test_external_change_reloads_an_unmodified_file(open_window, qtbot):
    window, path = open_window(BODY)
    path.write_text(BODY + "\nRUN echo from-outside\n")
    qtbot.waitUntil(lambda: "from-outside" in window.current_text(), timeout=5000)
    assert not window.isWindowModified()
    window.editor.undo()  # the reload itself can be undone
    assert window.current_text() == BODY


def test_external_change_asks_when_there_are_unsaved_changes(open_window, qtbot, prompts):
    window, path = open_window(BODY)
    type_at_end(window, qtbot, "\n# mine")
    prompts.answers["reload"] = "keep"
    path.write_text("FROM scratch AS theirs\n")
    qtbot.waitUntil(lambda: "reload" in prompts.kinds(), timeout=5000)
    assert window.current_text() == BODY + "\n# mine" and window.isWindowModified()
    prompts.answers["reload"] = "reload"
    path.write_text("FROM scratch AS theirs2\n")
    qtbot.waitUntil(lambda: window.current_text() == "FROM scratch AS theirs2\n", timeout=5000)
    assert not window.isWindowModified()


def test_own_saves_do_not_look_like_external_changes(open_window, qtbot, prompts):
    window, path = open_window(BODY)
    type_at_end(window, qtbot, "\n")
    assert window.files.save()
    type_at_end(window, qtbot, "# after")
    # The watcher reads change notices in order: once it has handled one for a rewrite
    # of the same bytes, it has handled whatever the save itself set off.
    watcher = window.files.watcher
    handled = watcher.changes_handled
    path.write_bytes(path.read_bytes())
    qtbot.waitUntil(lambda: watcher.changes_handled > handled, timeout=5000)
    assert prompts.asked == [] and window.current_text() == BODY + "\n# after"
    assert window.isWindowModified()  # the typing after the save is still unsaved


def test_recent_files_menu(open_window, tmp_path):
    window, path = open_window(BODY)
    other = tmp_path / "other.Dockerfile"
    other.write_text("FROM scratch\n")
    assert window.open_file(other)
    assert window.files.recent.paths()[:2] == [str(other.resolve()), str(path.resolve())]
    entries = [a.text() for a in window.menus.recent.actions() if a.text()]
    assert "Dockerfile" in entries[1] and "other.Dockerfile" in entries[0]
    window.menus.recent.actions()[1].trigger()
    assert window.path == path


def test_decode_and_encode_are_inverse_for_utf8():
    for data in [b"a\r\nb\r\n", b"\xef\xbb\xbfa\nb", b"a\rb\r", b"x"]:
        text, fmt = decode_file(data)
        assert encode_text(text, fmt) == data


def test_saving_through_a_symlink_keeps_the_link(qtbot, tmp_path):
    real = tmp_path / "real.Dockerfile"
    real.write_text(BODY)
    link = tmp_path / "Dockerfile"
    link.symlink_to(real)
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_file(link)
    type_at_end(window, qtbot, "\n")
    assert window.files.save()
    assert link.is_symlink() and real.read_text() == BODY + "\n"


def test_a_failed_save_says_why_and_keeps_the_changes(open_window, qtbot, prompts, tmp_path):
    window, path = open_window(BODY)
    type_at_end(window, qtbot, "\n# keep me")
    assert not window.files.save_as(tmp_path / "no-such-folder" / "Dockerfile")
    assert prompts.kinds() == ["info"] and "Could not save" in prompts.asked[0][1]
    assert window.isWindowModified() and window.path == path
    assert window.current_text() == BODY + "\n# keep me"


def test_a_file_rewritten_in_two_steps_reloads_once_settled(open_window, qtbot):
    window, path = open_window(BODY)
    path.write_text("")  # a writer that truncates first...
    with path.open("a") as fh:  # ...then writes
        fh.write("FROM scratch AS rewritten\n")
    qtbot.waitUntil(lambda: window.current_text() == "FROM scratch AS rewritten\n", timeout=5000)
    watcher = window.files.watcher
    handled = watcher.changes_handled
    path.write_bytes(path.read_bytes())  # every notice of the two steps is handled before this one's
    qtbot.waitUntil(lambda: watcher.changes_handled > handled, timeout=5000)
    assert window.banner.shown_text() == ""
    window.editor.undo()  # one reload, not an empty file and then another
    assert window.current_text() == BODY


def test_revert_to_saved_is_undoable(open_window, qtbot):
    window, _ = open_window(BODY)
    type_at_end(window, qtbot, "\n# scratch that")
    window.actions_by_name["revert"].trigger()
    assert window.current_text() == BODY and not window.isWindowModified()
    assert window.statusBar().currentMessage().startswith("Reverted to the saved ")  # not "changed on disk"
    window.editor.undo()
    assert window.current_text() == BODY + "\n# scratch that"


def test_open_recent_lists_a_file_saved_in_another_window(open_window, tmp_path, qtbot):
    first, _ = open_window(BODY)
    second, _ = open_window(BODY, name="second.Dockerfile")
    saved = tmp_path / "saved-elsewhere.Dockerfile"
    assert second.files.save_as(saved)
    first.menus.recent.aboutToShow.emit()  # what opening the menu does
    assert any("saved-elsewhere.Dockerfile" in a.text() for a in first.menus.recent.actions())


def test_file_close_leaves_an_empty_window_and_asks_about_changes(open_window, qtbot, prompts):
    window, path = open_window(BODY)
    type_at_end(window, qtbot, "\n# mine")
    prompts.answers["unsaved"] = "cancel"
    window.actions_by_name["close_file"].trigger()
    assert window.path == path and prompts.kinds() == ["unsaved"]
    prompts.answers["unsaved"] = "discard"
    window.actions_by_name["close_file"].trigger()
    assert window.path is None and window.current_text() == "" and window.graph_view.stage_nodes() == {}
    assert "Untitled" in window.windowTitle() and not window.isWindowModified()


def test_a_windows_1252_file_can_be_reopened_and_saved_as_utf8(open_window, qtbot):
    data = b"FROM busybox\nRUN echo caf\xe9 \x93quoted\x94\n"
    window, path = open_window(data=data)
    assert window.files.read_only
    shown = window.banner.shown_text()
    assert "Windows-1252 (Western European)" in shown and "Reopen as Windows-1252" in shown
    window.banner.sig_action.emit("reopen-converted")  # the banner's link
    assert not window.files.read_only and not window.editor.isReadOnly()
    assert window.current_text() == "FROM busybox\nRUN echo café “quoted”\n"
    assert window.status.format_label.text().startswith("Windows-1252 (Western European) → UTF-8 on save")
    assert path.read_bytes() == data  # nothing written until saved
    assert window.files.save()
    assert path.read_bytes() == "FROM busybox\nRUN echo café “quoted”\n".encode()


def test_binary_data_is_refused_in_the_commands_words(qtbot, tmp_path, prompts):
    """A binary file (NUL bytes, not UTF-16) is not opened at all: the window says what the
    commands say, with a warning, and keeps what it had."""
    from studio.core.files import DockerfileReadError, read_dockerfile
    from studio.ui.main_window import MainWindow

    path = tmp_path / "tool"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00FROM")
    window = MainWindow()
    qtbot.addWidget(window)
    qtbot.keyClicks(window.editor, "FROM scratch")
    assert not window.open_file(path)
    assert window.current_text() == "FROM scratch" and window.path is None
    with pytest.raises(DockerfileReadError) as cli:
        read_dockerfile(str(path))
    said = prompts.asked[-1][1]
    assert str(cli.value).split(": ", 1)[1] in said  # "looks like a binary file (it contains NUL bytes), ..."


@pytest.mark.parametrize("encoding, bom", [("utf-16", True), ("utf-16-le", False), ("utf-16-be", False)])
def test_a_utf16_file_can_be_reopened_and_saved_as_utf8(open_window, encoding, bom):
    text = "FROM busybox AS caf\u00e9\nRUN echo hi\n"
    data = text.replace("caf\u00e9", "cafe").encode(encoding)
    window, path = open_window(data=data)
    assert window.files.read_only and "UTF-16" in window.banner.shown_text()
    window.banner.sig_action.emit("reopen-converted")
    assert not window.files.read_only
    assert window.current_text() == "FROM busybox AS cafe\nRUN echo hi\n"
    assert window.files.save()
    assert path.read_bytes() == b"FROM busybox AS cafe\nRUN echo hi\n"


