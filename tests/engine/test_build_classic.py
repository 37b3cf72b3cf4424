"""The classic builder (version 1) against the real engine: stages in order, images, errors, cancel."""
from __future__ import annotations


from helpers import assert_every_planned_step_reported, by_kind, cancel_when, stage_states, wait_until
from studio.engine.builder import Build, BuildRequest

BB = "stage-studio-test/busybox:latest"

MULTI = f"""\
ARG BASE={BB}
FROM ${{BASE}} AS build
WORKDIR /w
RUN echo classic > out
FROM scratch AS unused
COPY a.txt /
FROM ${{BASE}}
COPY --from=build /w/out /out
"""


def test_classic_builds_every_stage_in_order_with_stage_images(run_build, docker_client):
    events, result, _ = run_build(MULTI, backend="classic", no_cache=True, sizes=True)
    assert result.ok, result.error
    started = by_kind(events, "build_started")[0]
    assert started.backend == "classic" and [p.will_build for p in started.plan] == [True, True, True]
    order = [(e.stage, e.line) for e in by_kind(events, "step_started")]
    assert order == [(0, 2), (0, 3), (0, 4), (1, 5), (1, 6), (2, 7), (2, 8)]
    assert stage_states(events) == {0: "done", 1: "done", 2: "done"}
    assert_every_planned_step_reported(events)
    finished = {e.stage: e.image_id for e in by_kind(events, "stage_finished")}
    assert all(finished[i] and finished[i].startswith("sha256:") for i in range(3))
    assert finished[2] == result.image_id
    # sizes need no extra builds here: every stage already has its image
    for stage in result.stages:
        assert stage.image_id == finished[stage.index]
        assert stage.size == docker_client.api.inspect_image(stage.image_id)["Size"]
    assert [(l.line, l.size) for l in result.stages[1].layers] == [(6, 6)]  # "hello\n"
    assert any(l.line == 4 and l.instruction == "RUN echo classic > out" for l in result.stages[0].layers)
    logs = "".join(e.text for e in by_kind(events, "step_log") if e.line == 4)
    assert "Running in" not in logs


def test_classic_rebuild_uses_cache(run_build):
    text = f"FROM {BB}\nRUN echo classic-cache > /f\n"
    first_events, first, _ = run_build(text, backend="classic")
    events, second, _ = run_build(text, backend="classic")
    assert second.ok and second.image_id == first.image_id
    assert [e.cached for e in by_kind(events, "step_finished") if e.line == 2] == [True]
    assert stage_states(events) == {0: "cached"}


def test_classic_failure_maps_to_line_and_exit_code(run_build):
    text = f"FROM {BB} AS a\nRUN echo classic-failing && exit 4\n"
    events, result, _ = run_build(text, backend="classic", no_cache=True)
    failure = by_kind(events, "build_failed")[0]
    assert not result.ok
    assert (failure.stage, failure.line, failure.exit_code) == (0, 2, 4)
    assert "classic-failing" in failure.last_log
    assert stage_states(events) == {0: "failed"}


def test_classic_target_stops_after_it(run_build):
    events, result, _ = run_build(MULTI, backend="classic", target="build")
    assert result.ok
    assert stage_states(events)[2] == "skipped"


def test_classic_cancel_leaves_no_container(docker_client, context_dir):
    text = f"FROM {BB}\nRUN echo start && sleep 38\n"
    build = Build(BuildRequest(text, str(context_dir), backend="classic", no_cache=True,
                               labels={"io.github.stagestudio.test": "1"}), client=docker_client)
    cancel_when(build, lambda e: e.event == "step_log" and "start" in e.text)
    assert not build.result.ok
    wait_until(lambda: not [c["Id"] for c in docker_client.api.containers(all=True)  # one call: no inspect race
                            if "sleep 38" in (c.get("Command") or "")],
               10, "the classic build's container survived the cancel")


def test_classic_unknown_base_and_mount_are_shown_on_their_lines(run_build):
    text = f"FROM {BB} AS ok\nRUN true\nFROM stage-studio-test/does-not-exist:2\nRUN true\n"
    events, result, _ = run_build(text, backend="classic")
    failure = by_kind(events, "build_failed")[0]
    assert (failure.stage, failure.line) == (1, 3) and "does-not-exist" in failure.message
    events, result, _ = run_build(f"FROM {BB}\nRUN true\nRUN --mount=type=cache,target=/c true\n", backend="classic")
    failure = by_kind(events, "build_failed")[0]
    assert failure.line == 3 and "BuildKit" in failure.message
