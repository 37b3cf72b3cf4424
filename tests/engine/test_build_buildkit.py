"""BuildKit builds against the real engine: events, parallelism, cache, errors, cancel, sizes."""
from __future__ import annotations


from helpers import (assert_every_planned_step_reported, by_kind, cancel_when, processes_running, stage_states,
                     wait_until)
from studio.engine.builder import Build, BuildRequest

BB = "stage-studio-test/busybox:latest"

PARALLEL = f"""\
FROM {BB} AS left
RUN sleep 1 && echo left > /left
FROM {BB}
RUN sleep 1 && echo right > /right
FROM scratch AS unused
COPY a.txt /
FROM {BB} AS final
COPY --from=left /left /left
COPY --from=1 /right /right
"""


def test_multi_stage_events_parallel_stages_and_skipped_stage(run_build):
    events, result, _ = run_build(PARALLEL, backend="buildkit", no_cache=True)
    assert result.ok, result.error
    started = by_kind(events, "build_started")[0]
    assert started.backend == "buildkit" and started.target == 3
    assert [p.will_build for p in started.plan] == [True, True, False, True]
    assert [s.line for s in started.plan[0].steps] == [1, 2]
    steps = {(e.stage, e.line) for e in by_kind(events, "step_started")}
    assert {(0, 1), (0, 2), (1, 3), (1, 4), (3, 7), (3, 8), (3, 9)} <= steps
    assert not any(stage == 2 for stage, _ in steps)
    assert stage_states(events) == {0: "done", 1: "done", 2: "skipped", 3: "done"}
    assert_every_planned_step_reported(events)
    # the two independent sleeping RUN steps ran at the same time
    run = {e.stage: e for e in by_kind(events, "step_started") if e.line in (2, 4)}
    end = {e.stage: run[e.stage].time + e.duration for e in by_kind(events, "step_finished") if e.line in (2, 4)}
    assert run[0].time < end[1] and run[1].time < end[0]
    assert min(end.values()) - max(r.time for r in run.values()) > 0.5
    assert by_kind(events, "build_finished")[0].image_id == result.image_id
    assert result.stages[3].image_id == result.image_id


def test_rebuild_reports_cached_steps(run_build):
    text = f"FROM {BB} AS a\nRUN echo cached-test > /f\nFROM {BB}\nCOPY --from=a /f /f\n"
    first_events, first, _ = run_build(text, backend="buildkit", no_cache=True)
    events, second, _ = run_build(text, backend="buildkit")
    assert first.ok and second.ok
    assert [e.cached for e in by_kind(first_events, "step_finished") if e.line == 2] == [False]
    assert [e.cached for e in by_kind(events, "step_finished") if e.line in (2, 4)] == [True, True]
    assert stage_states(events) == {0: "cached", 1: "cached"}
    assert second.image_id == first.image_id
    assert_every_planned_step_reported(events)


def test_failing_run_maps_to_its_line_with_exit_code_and_log(run_build):
    text = f"FROM {BB} AS a\nRUN true\nRUN echo about-to-fail && exit 7\nRUN echo never\n"
    events, result, _ = run_build(text, backend="buildkit", no_cache=True)
    assert not result.ok and result.image_id is None
    failure = by_kind(events, "build_failed")[0]
    assert (failure.stage, failure.line, failure.exit_code) == (0, 3, 7)
    assert "about-to-fail" in failure.last_log
    assert stage_states(events) == {0: "failed"}
    assert result.to_json()["ok"] is False and result.to_json()["stages"][0]["state"] == "failed"


def test_unknown_base_image_reports_its_from_line(run_build):
    text = f"FROM {BB} AS ok\nRUN true\nFROM stage-studio-test/does-not-exist:1 AS bad\nCOPY --from=ok /bin/sh /sh\n"
    events, result, _ = run_build(text, backend="buildkit")
    failure = by_kind(events, "build_failed")[0]
    assert not result.ok
    assert (failure.stage, failure.line) == (1, 3)
    assert "does-not-exist" in failure.message


def test_a_secret_the_build_was_not_given_is_named_with_the_flag_that_gives_it(run_build, context_dir):
    text = f"FROM {BB}\nRUN echo fine\nRUN --mount=type=secret,id=token cat /run/secrets/token\n"
    events, result, _ = run_build(text, backend="buildkit")
    failure = by_kind(events, "build_failed")[0]
    assert failure.line == 3 and "--secret id=token,src=FILE" in failure.message
    (context_dir / "Dockerfile").write_text(text)  # a tar upload carries it (none from elsewhere)
    events, result, _ = run_build(text, backend="buildkit", session=False,
                                  dockerfile_path=str(context_dir / "Dockerfile"))
    failure = by_kind(events, "build_failed")[0]
    assert failure.line == 3 and "session" in failure.message and "--secret id=token" in failure.message


def test_dockerignore_is_respected_in_the_image(run_build, docker_client):
    text = f"FROM {BB}\nCOPY . /ctx/\nRUN test -f /ctx/a.txt && ! test -e /ctx/secret.key && ls -a /ctx > /listing\n"
    events, result, _ = run_build(text, backend="buildkit")
    assert result.ok, result.error
    container = docker_client.containers.create(result.image_id, command=["true"])
    try:
        stream, _ = container.get_archive("/ctx")
        import io
        import tarfile

        names = tarfile.open(fileobj=io.BytesIO(b"".join(stream))).getnames()
    finally:
        container.remove(force=True)
    assert "ctx/a.txt" in names and "ctx/secret.key" not in names
    assert not any(".dockerfile." in name for name in names)  # our text never enters the image


def test_target_unnamed_stage_and_build_args(run_build, docker_client):
    text = f"ARG BASE={BB}\nFROM ${{BASE}}\nARG MSG\nRUN echo $MSG > /msg\nFROM scratch\nCOPY --from=0 /msg /\n"
    events, result, _ = run_build(text, backend="buildkit", target="0", build_args={"MSG": "hi-arg"})
    assert result.ok, result.error
    assert stage_states(events) == {0: "done", 1: "skipped"} or stage_states(events) == {0: "cached", 1: "skipped"}
    history = docker_client.api.history(result.image_id)
    assert any("echo $MSG" in (h.get("CreatedBy") or "") for h in history)


def test_cancel_stops_the_engine_build(docker_client, context_dir):
    text = f"FROM {BB}\nRUN echo start && sleep 37 && echo end\n"
    build = Build(BuildRequest(text, str(context_dir), backend="buildkit", no_cache=True,
                               labels={"io.github.stagestudio.test": "1"}), client=docker_client)
    events = cancel_when(build, lambda e: e.event == "step_log" and "start" in e.text)
    assert not build.result.ok and build.result.error.message == "the build was cancelled"
    assert by_kind(events, "build_failed")
    wait_until(lambda: not processes_running("sleep 37"), 10, "the RUN process outlived the cancel")
    assert not [c for c in docker_client.api.containers(all=True) if "sleep 37" in (c.get("Command") or "")]


def test_cancel_before_start_never_builds(docker_client, context_dir):
    build = Build(BuildRequest(f"FROM {BB}\nRUN true\n", str(context_dir)), client=docker_client)
    build.cancel()
    events = list(build.events())
    assert events[-1].event == "build_failed" and not build.result.ok
    assert not by_kind(events, "build_started")


def test_sizes_agree_with_image_inspect(run_build, docker_client):
    text = (f"FROM {BB} AS big\nRUN dd if=/dev/zero of=/blob bs=1024 count=300 2>/dev/null\n"
            f"FROM {BB} AS small\nRUN echo x > /x\n"
            "FROM scratch\nCOPY --from=big /blob /blob\nCOPY --from=small /x /x\n")
    events, result, _ = run_build(text, backend="buildkit", sizes=True)
    assert result.ok, result.error
    assert by_kind(events, "sizes")
    for stage in result.stages:
        assert stage.image_id and stage.size == docker_client.api.inspect_image(stage.image_id)["Size"]
    big, small, final = result.stages
    assert [(l.line, l.size) for l in big.layers if l.line == 2] == [(2, 300 * 1024)]
    assert big.layers[0].line == 1 and big.layers[0].instruction.startswith("FROM ")
    assert sum(l.size for l in big.layers) == big.size
    assert result.final == {"image_id": result.image_id, "size": 300 * 1024 + 2} and final.size == 300 * 1024 + 2
    assert [(l.line, l.instruction, l.size) for l in final.layers] == [
        (6, "COPY --from=big /blob /blob", 300 * 1024), (7, "COPY --from=small /x /x", 2)]
    # builder stages carry their base (busybox, not in the scratch final) and their own layers,
    # minus what the final image copies from them (here all they made)
    base = docker_client.api.inspect_image(BB)["Size"]
    assert result.saved == base + 300 * 1024 + 2 - (300 * 1024 + 2)
    labels = docker_client.api.inspect_image(big.image_id)["Config"]["Labels"]
    assert labels.get("io.github.stagestudio.measure") == "1"
    # a second measurement reuses the measuring images instead of building them again
    _, again, _ = run_build(text, backend="buildkit", sizes=True)
    assert [s.image_id for s in again.stages] == [s.image_id for s in result.stages]


def test_tag_and_labels_reach_the_image(run_build, docker_client):
    events, result, _ = run_build(f"FROM {BB}\nRUN echo tagged > /t\n", backend="buildkit",
                                  tag="stage-studio-test/tagged:cli", labels={"org.example.x": "y"})
    assert result.ok
    attrs = docker_client.api.inspect_image(result.image_id)
    assert "stage-studio-test/tagged:cli" in attrs["RepoTags"]
    assert attrs["Config"]["Labels"]["org.example.x"] == "y"


def test_platform_option_reaches_the_engine(run_build, docker_client):
    events, result, _ = run_build(f"FROM {BB} AS p\nRUN echo platform > /p\n", backend="buildkit",
                                  platform="linux/amd64")
    assert result.ok, result.error
    attrs = docker_client.api.inspect_image(result.image_id)
    assert (attrs["Os"], attrs["Architecture"]) == ("linux", "amd64")
    assert {(e.stage, e.line) for e in by_kind(events, "step_started")} == {(0, 1), (0, 2)}
    events, result, _ = run_build(f"FROM {BB}\nRUN true\n", backend="buildkit", platform="linux/s390x")
    assert not result.ok  # no s390x variant of the offline image: the engine says so, no crash
    assert by_kind(events, "build_failed")[0].message


def test_unpullable_syntax_frontend_is_blamed_on_the_directive(run_build):
    text = f"# syntax=docker/dockerfile:1.4\nFROM {BB}\nRUN true\n"
    events, result, _ = run_build(text, backend="buildkit")
    if result.ok:  # an engine that has that frontend cached
        assert not by_kind(events, "build_failed")
        return
    failure = by_kind(events, "build_failed")[0]
    assert failure.line == 1 and "syntax=docker/dockerfile:1.4" in failure.message


def test_a_connection_that_arrives_after_the_build_ended_is_closed(tmp_path, monkeypatch):
    """The engine is reached in the background; when the build has already failed (here:
    the context folder is missing) the late client is closed, not leaked."""
    import threading

    from studio.engine.builder import Build, BuildRequest

    closed = threading.Event()
    release = threading.Event()

    class LateClient:
        def close(self):
            closed.set()

    def slow_connect(self):
        release.wait(5)
        self._client = LateClient()
        return self._client

    monkeypatch.setattr(Build, "_connect", slow_connect)
    build = Build(BuildRequest("FROM scratch\n", str(tmp_path / "no-such-folder")))
    events = list(build.events())
    assert events[-1].event == "build_failed" and not closed.is_set()
    release.set()
    assert closed.wait(5), "the client made after the build ended was not closed"


def test_copying_a_file_that_dockerignore_leaves_out_says_so(run_build):
    """context_dir's .dockerignore excludes *.key: COPY of one fails, and the message says why."""
    events, result, _build = run_build(f"FROM {BB}\nCOPY secret.key /s\n")
    assert not result.ok
    message = result.error.message
    assert "secret.key" in message and "left out of the build context by .dockerignore" in message
    assert result.error.line == 2


def test_two_missing_base_images_blame_the_one_the_engine_names(run_build):
    # BuildKit resolves both bases at once; when one fails the other ends with an error too
    # (20.10: "context canceled", 26.1: its own), and the blame must follow the engine's message.
    text = ("FROM stage-studio-test/missing-one:1 AS a\nRUN true\n"
            "FROM stage-studio-test/missing-two:1\nCOPY --from=a /x /x\n")
    events, result, _ = run_build(text, backend="buildkit")
    failure = by_kind(events, "build_failed")[0]
    named = [name for name in ("missing-one", "missing-two") if name in failure.message]
    assert not result.ok and len(named) == 1, failure.message
    assert (failure.stage, failure.line) == ((0, 1) if named == ["missing-one"] else (1, 3))
