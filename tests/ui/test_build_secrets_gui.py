"""Secrets and buildx builders in the window: the Secrets dialog keeps references only,
a GUI build checks a secret's value inside its RUN step and shows it nowhere, and a build
on a buildx builder shows per-stage progress on the boxes."""
from __future__ import annotations

import hashlib

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from testimages import TEST_LABEL

from studio.engine.session.secrets import SecretSpec
from studio.ui.buildpanel.secrets_dialog import SecretsDialog, load_references

BUSYBOX = "stage-studio-test/busybox:latest"
VALUE = "gui-secret-value-7f3a"


def test_the_dialog_checks_references_and_never_shows_a_value(qtbot, tmp_path, monkeypatch):
    secret = tmp_path / "token.txt"
    secret.write_text(VALUE)
    monkeypatch.setenv("GUI_TEST_TOKEN", VALUE)
    dialog = SecretsDialog([SecretSpec("npm", src=str(secret)), SecretSpec("gh", env="GUI_TEST_TOKEN"),
                            SecretSpec("gone", src=str(tmp_path / "missing"))], [], None)
    qtbot.addWidget(dialog)
    table = dialog.secret_table
    statuses = [table.item(row, 3).text() for row in range(table.rowCount())]
    assert statuses[0] == statuses[1] == "✓ ready" and statuses[2].startswith("✗")
    shown = [table.item(r, c).text() for r in range(table.rowCount()) for c in (0, 2, 3)]
    assert not any(VALUE in text for text in shown)
    assert [s.id for s in dialog.secrets()] == ["npm", "gh", "gone"] and len(dialog.problems()) == 1
    table.item(1, 2).setText("NOT_SET_ANYWHERE")
    assert table.item(1, 3).text().startswith("✗")


def _fill_secrets(qtbot, window, secret_path: str) -> None:
    def fill() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "secretsDialog" and w.isVisible())
        dialog.add_secret(SecretSpec("token", src=secret_path))
        dialog.accept()

    QTimer.singleShot(0, fill)
    window.build.bar.secrets_button.click()


def _build(qtbot, window):
    controller = window.build.controller
    assert controller.start()
    qtbot.waitUntil(lambda: not controller.running(), timeout=180_000)
    return controller.last_result


def test_a_gui_build_uses_a_secret_and_shows_it_nowhere(open_window, qtbot, docker_client, tmp_path):
    digest = hashlib.sha256(VALUE.encode()).hexdigest()
    text = (f"FROM {BUSYBOX}\nRUN --mount=type=secret,id=token,required=true "
            f'test "$(sha256sum < /run/secrets/token | cut -c1-64)" = "{digest}" && echo checked\n')
    window, path = open_window(text)
    window.build.controller.extra_labels = {TEST_LABEL: "1"}
    window.build_settings.update(sizes=False, no_cache=True)
    secret = tmp_path / "token.txt"
    secret.write_text(VALUE)
    _fill_secrets(qtbot, window, str(secret))
    assert window.build.bar.secrets_button.text() == "Secrets (1)…"
    assert load_references(path)[0] == [SecretSpec("token", src=str(secret))]  # remembered for the file
    result = _build(qtbot, window)
    assert result is not None and result.ok, result and result.error
    # the step passed only because it saw the value; the window holds it nowhere
    held = [window.build.log.text(), repr(vars(window.build.controller.session)), repr(result),
            repr(window.build_settings.settings), window.windowTitle()]
    assert not any(VALUE in text for text in held)


def test_a_build_on_a_buildx_builder_shows_per_stage_progress(buildx_config, open_window, qtbot, docker_client):
    text = (f"FROM {BUSYBOX} AS compile\nRUN echo built > /out\n"
            f"FROM {BUSYBOX}\nCOPY --from=compile /out /app/out\n")
    window, _path = open_window(text)
    window.build.controller.extra_labels = {TEST_LABEL: "1"}
    window.build_settings.update(sizes=False, no_cache=True)
    builders = window.build.builders
    builders.look()
    qtbot.waitUntil(lambda: window.build.bar.backend_combo.findData("buildx:default") >= 0, timeout=30_000)
    combo = window.build.bar.backend_combo
    combo.setCurrentIndex(combo.findData("buildx:default"))
    assert window.build_settings.settings.extra.get("builder") == "default"
    result = _build(qtbot, window)
    assert result is not None and result.ok, result and result.error
    assert window.build.controller.session.backend == "buildx"
    assert [s.state for s in result.stages] == ["done", "done"]
    nodes = window.graph_view.stage_nodes()
    assert [nodes[i].build_state for i in sorted(nodes)] == ["done", "done"]


def test_a_step_that_prints_a_secret_shows_it_masked_in_the_log_and_history(open_window, qtbot, docker_client,
                                                                           tmp_path):
    text = (f"FROM {BUSYBOX}\n"
            "RUN --mount=type=secret,id=token,required=true echo \"token is $(cat /run/secrets/token)\"\n"
            "RUN --mount=type=secret,id=token,required=true sh -c 'printf \"split:%s\" \"$(head -c 5 "
            "/run/secrets/token)\"; sleep 0.5; printf \"%s:end\\n\" \"$(tail -c +6 /run/secrets/token)\"'\n"
            "RUN --mount=type=secret,id=token sh -c 'echo \"bad $(cat /run/secrets/token)\" >&2; exit 3'\n")
    window, _path = open_window(text)
    window.build.controller.extra_labels = {TEST_LABEL: "1"}
    window.build_settings.update(sizes=False, no_cache=True)
    secret = tmp_path / "token.txt"
    secret.write_text(VALUE + "\n")
    _fill_secrets(qtbot, window, str(secret))
    result = _build(qtbot, window)
    assert result is not None and not result.ok and "exit code" in result.error.message
    log = window.build.log.text()
    assert "token is ****" in log and "split:****:end" in log and "bad ****" in log, log
    controller = window.build.controller
    held = [log, repr(vars(controller.session)), repr(result), repr(controller.history.records(controller._build_key)),
            window.build.banner.text()]
    assert "Build failed" in window.build.banner.text()
    assert not any(VALUE in piece for piece in held)
