"""One build-settings model per document: whatever changes the target or the build args
(the bar, Graph > Set as Build Target, the Args dialog), the graph, lint, the Explain
panel, the bar and the build request all show the same values."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from studio.core.build_settings import BuildSettings
from studio.core import parse

TEXT = """ARG BASE=stage-studio-test/busybox
FROM ${BASE} AS build
RUN echo hi > /out

FROM build AS test
RUN test -f /out

FROM scratch AS final
COPY --from=build /out /app
"""


def shown(window) -> dict:
    """The target as every part of the window sees it."""
    import studio.core.lint as lint_module

    seen = {}
    real = lint_module.lint

    def spy(doc, build_args=None, target=None, *args, **kwargs):
        seen["target"] = target
        return real(doc, build_args, target, *args, **kwargs)

    lint_module.lint = spy
    try:
        window.controller.lint.run()
    finally:
        lint_module.lint = real
    return {"settings": window.build_settings.settings.target,
            "bar": window.build.bar.target(),
            "graph": window.controller.graph.target,
            "box": [i for i, n in window.graph_view.stage_nodes().items() if n._target],
            "explain": window.teach.explain.graph.target,
            "lint": seen["target"],
            "request": window.build.controller.prepare().target}


def test_graph_menu_target_reaches_everything(open_window):
    window, _ = open_window(TEXT)
    window.go_to_line(5)  # in stage "test"
    window.actions_by_name["set_target"].trigger()
    assert shown(window) == {"settings": "test", "bar": "test", "graph": 1, "box": [1], "explain": 1,
                             "lint": 1, "request": "test"}
    assert window.current_text() == TEXT  # a setting, not an edit


def test_bar_target_reaches_everything(open_window):
    window, _ = open_window(TEXT)
    combo = window.build.bar.target_combo
    combo.setCurrentIndex(combo.findData("build"))  # what picking it in the combo does
    assert shown(window) == {"settings": "build", "bar": "build", "graph": 0, "box": [0], "explain": 0,
                             "lint": 0, "request": "build"}
    assert window.controller.graph.reachable == [0]
    combo.setCurrentIndex(0)  # "(file's target)"
    assert shown(window)["graph"] == 2 and window.build.controller.prepare().target is None


def fill_args_dialog(qtbot, window, rows: dict[str, str]) -> None:
    """Click the bar's Args button and fill the modal dialog, as a user would."""
    def fill() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if w.objectName() == "buildArgsDialog" and w.isVisible())
        table = dialog.table
        for name, value in rows.items():
            row = next((r for r in range(table.rowCount()) if table.item(r, 0).text() == name), None)
            if row is None:
                dialog._add_row(name, value)
            else:
                table.item(row, 1).setText(value)
        dialog.accept()

    QTimer.singleShot(0, fill)
    window.build.bar.args_button.click()


def test_args_dialog_reaches_graph_lint_and_request(open_window, qtbot):
    window, path = open_window(TEXT)
    fill_args_dialog(qtbot, window, {"BASE": "scratch"})
    assert window.build_settings.settings.build_args == {"BASE": "scratch"}
    assert window.controller.graph.stages[0].base_kind == "scratch"
    assert window.build.controller.prepare().build_args == {"BASE": "scratch"}
    assert window.build.bar.args_button.text() == "Args (1)…"
    fill_args_dialog(qtbot, window, {"BASE": "stage-studio-test/busybox:9"})
    window.controller.lint.run()
    assert window.controller.graph.stages[0].base_resolved == "stage-studio-test/busybox:9"
    # lint reads the same args: the pinned tag is not reported as unpinned any more
    assert not [d for d in window.controller.diagnostics
                if d.code == "unpinned-base-image" and d.line == 2]


def test_the_target_follows_a_rename_and_a_vanished_target_is_dropped_with_a_message(open_window, qtbot):
    window, _ = open_window(TEXT)
    window.controller.set_target(1)
    window.edits.rename_stage(1, "check")
    assert shown(window)["settings"] == "check" and window.build.bar.target() == "check"
    messages = []
    window.controller.sig_message.connect(messages.append)
    window.editor.setPlainText(TEXT.replace("AS test", "AS tests"))
    window.controller.sync_now()
    assert window.build_settings.settings.target is None and window.controller.graph.target == 2
    assert "check" in messages[-1] and window.build.bar.target() is None


def test_settings_belong_to_the_document(open_window, tmp_path):
    window, path = open_window(TEXT)
    window.build_settings.update(build_args={"BASE": "scratch"}, target="build")
    other = tmp_path / "other.Dockerfile"
    other.write_text("FROM stage-studio-test/busybox AS only\n")
    assert window.open_file(other)
    assert window.build_settings.settings.target is None and window.build_settings.settings.build_args == {}
    assert window.open_file(path)  # its args were remembered for it
    assert window.build_settings.settings.build_args == {"BASE": "scratch"}
    assert window.controller.graph.stages[0].base_kind == "scratch"


def test_core_settings_read_a_document():
    doc = parse(TEXT)
    settings = BuildSettings(target="TEST", build_args={"BASE": "scratch"})
    assert settings.target_index(doc) == 1 and settings.graph(doc).target == 1
    assert settings.graph(doc).stages[0].base_kind == "scratch"
    assert BuildSettings().target_index(doc) == 2 and BuildSettings(target="nope").target_index(doc) is None
    assert settings.with_target_of(doc, 0).target == "build"
    assert settings.renamed("test", "check").target == "check"
    options = settings.changed(extra={"network": "none"}).request_options()
    assert options["target"] == "TEST" and options["network"] == "none" and options["build_args"] == {"BASE": "scratch"}
