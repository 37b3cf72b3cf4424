"""A build that fails because the engine cannot reach the network says so in plain words
before the daemon's own text (the engines here have a closed proxy: any pull fails)."""
from __future__ import annotations

import uuid

from testimages import TEST_LABEL

from studio.ui.buildpanel.failure_banner import plain_words


def test_a_pull_through_the_closed_proxy_is_explained(open_window, docker_client, qtbot):
    # a name no test image has: the engine must ask a registry for it, through the dead proxy
    window, _ = open_window(f"FROM stage-studio-test/not-here-{uuid.uuid4().hex[:8]}:1\nRUN true\n")
    controller = window.build.controller
    controller.extra_labels = {TEST_LABEL: "1"}
    assert controller.start()
    qtbot.waitUntil(lambda: not controller.running(), timeout=120_000)
    result = controller.last_result
    assert result is not None and not result.ok
    banner = window.build.banner
    assert banner.isVisibleTo(window)
    assert "proxyconnect tcp" in result.error.message  # the engine tried the network (both engines say so)
    text = banner.text()
    plain, raw = text.index("could not reach the network"), text.index("proxyconnect tcp")
    assert plain < raw  # the plain words come first, the daemon's text after them


def test_plain_words_only_for_network_and_engine_failures():
    assert plain_words("proxyconnect tcp: dial tcp 127.0.0.1:9: connect: connection refused").startswith(
        "The engine could not reach the network")
    assert plain_words("Cannot connect to the Docker daemon at unix:///x.sock").startswith("Stage Studio could not")
    assert plain_words('process "/bin/sh -c false" did not complete successfully: exit code: 1') is None
