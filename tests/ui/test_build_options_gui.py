"""Build > Build Options: docker build's network, extra hosts and platform set in the
window reach the engine (read back from the built image), and a value docker build would
refuse keeps OK disabled with the reason."""
from __future__ import annotations

import uuid

from PySide6.QtWidgets import QDialogButtonBox
from engine.helpers import image_text
from test_build_settings_engine import build
from testimages import TEST_LABEL

from studio.ui.buildpanel.options_dialog import BuildOptionsDialog

BUSYBOX = "stage-studio-test/busybox:latest"


def test_a_value_docker_build_refuses_keeps_ok_off(qtbot):
    dialog = BuildOptionsDialog(None, {})
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    dialog.hosts.setText("db:not-an-ip")
    assert not ok.isEnabled() and "not an IP address" in dialog.problem.text()
    dialog.hosts.setText("db:10.1.2.3")
    dialog.ulimits.setText("nofile=2048:1024")
    assert not ok.isEnabled() and "soft limit" in dialog.problem.text()
    dialog.ulimits.setText("nofile=1024:2048")
    dialog.shm.setText("64m")
    assert ok.isEnabled()
    assert dialog.values() == (None, {"network": None, "extra_hosts": ["db:10.1.2.3"], "pull": False,
                                      "ulimits": [{"Name": "nofile", "Soft": 1024, "Hard": 2048}],
                                      "shm_size": 64 << 20})


def test_options_set_in_the_window_are_what_the_engine_builds_with(open_window, qtbot, docker_client):
    token = uuid.uuid4().hex[:10]
    text = (f"FROM {BUSYBOX}\n"
            f"RUN echo {token} > /id && grep -c stage-studio-db /etc/hosts > /hosts; "
            "ls /sys/class/net > /ifaces\n")
    window, _path = open_window(text)
    window.build.controller.extra_labels = {TEST_LABEL: "1"}
    window.build_settings.update(sizes=False, no_cache=True)
    dialog = window.build.edit_options()
    dialog.network.setCurrentText("none")
    dialog.hosts.setText("stage-studio-db:10.9.8.7")
    dialog.platform.setText("linux/amd64")
    dialog.accept()
    settings = window.build_settings.settings
    assert settings.platform == "linux/amd64"
    assert settings.extra["network"] == "none" and settings.extra["extra_hosts"] == ["stage-studio-db:10.9.8.7"]
    result = build(qtbot, window)
    assert image_text(docker_client, result.image_id, "/id") == f"{token}\n"
    assert image_text(docker_client, result.image_id, "/hosts") == "1\n"  # the added host is there
    assert image_text(docker_client, result.image_id, "/ifaces").split() == ["lo"]  # no network but loopback
