"""Small helpers shared by the engine build tests."""
from __future__ import annotations

import os
import threading
import time


def by_kind(events, kind: str) -> list:
    return [e for e in events if e.event == kind]


def stage_states(events) -> dict[int, str]:
    return {e.stage: e.state for e in by_kind(events, "stage_finished")}


def processes_running(needle: str) -> list[int]:
    """PIDs whose command line contains ``needle`` (BuildKit's RUN processes are host processes)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if needle in cmd and "pytest" not in cmd:
            found.append(int(pid))
    return found


def wait_until(condition, timeout: float, what: str) -> None:
    """Wait until ``condition()`` holds (checked every 50 ms); fail saying ``what`` did not happen."""
    stop = threading.Event()
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        stop.wait(0.05)


def cancel_when(build, predicate, timeout: float = 60.0):
    """Consume ``build.events()`` in a worker thread; cancel from this thread once an event
    satisfies ``predicate``, and wait for the generator to end. The builds cancelled this
    way sleep far longer than the wait, so ending at all shows the cancel worked."""
    events: list = []
    seen = threading.Event()
    done = threading.Event()

    def consume() -> None:
        for event in build.events():
            events.append(event)
            if predicate(event):
                seen.set()
        done.set()

    worker = threading.Thread(target=consume, daemon=True)
    worker.start()
    assert seen.wait(timeout), f"never saw the event to cancel at; got {[e.event for e in events]}"
    build.cancel()
    assert done.wait(15), "events() did not end after cancel()"
    return events


def assert_every_planned_step_reported(events) -> None:
    """The GUI's contract: each planned step of a built stage starts and finishes once."""
    plan = by_kind(events, "build_started")[0].plan
    planned = sorted((p.index, s.line) for p in plan if p.will_build for s in p.steps)
    started = sorted((e.stage, e.line) for e in by_kind(events, "step_started"))
    finished = sorted((e.stage, e.line) for e in by_kind(events, "step_finished"))
    assert started == planned and finished == planned


def unprivileged(argv: list[str]) -> list[str]:
    """``argv`` run without the power to read other people's files: as root, the same user
    without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH (so the engine's socket still answers);
    as anyone else, unchanged. ``chmod 000`` then means what it means for a normal user."""
    import shutil

    if os.geteuid() != 0:
        return argv
    if shutil.which("setpriv"):
        return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *argv]
    if shutil.which("capsh"):
        return ["capsh", "--drop=cap_dac_override,cap_dac_read_search", "--", "-c", 'exec "$0" "$@"', *argv]
    from prerequisites import require

    require("needs setpriv or capsh to drop root's file-reading capabilities")
    return argv


def files_in(client, image_id: str, path: str) -> dict[str, bytes]:
    """The regular files under ``path`` in an image (read from a container that never runs)."""
    import io
    import tarfile

    container = client.containers.create(image_id, command=["true"])
    try:
        stream, _ = container.get_archive(path)
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    finally:
        container.remove(force=True)


def exported_entries(client, image_id: str, prefix: str = "c/") -> list:
    """The tar entries under ``prefix`` of an image's file system as ``docker export``
    gives them (from a container that never runs), in name order."""
    import io
    import tarfile

    container = client.api.create_container(image_id, command=["true"])["Id"]
    try:
        data = b"".join(client.api.export(container))
    finally:
        client.api.remove_container(container, force=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return sorted((m for m in tar if m.name.startswith(prefix)), key=lambda m: m.name)


def cli_image(engine, context, buildkit: bool) -> str:
    """The image the real CLI's ``docker build -q --no-cache`` makes of ``context`` on
    ``engine`` (DOCKER_BUILDKIT=1 or 0), labelled as the tests' own."""
    import subprocess

    from testimages import TEST_LABEL

    proc = subprocess.run(["/usr/bin/docker", "build", "-q", "--no-cache", "--label", f"{TEST_LABEL}=1", str(context)],
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "DOCKER_HOST": engine.host, "DOCKER_BUILDKIT": str(int(buildkit))})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1]


def image_text(client, image_id: str, path: str) -> str:
    """The text of one file in an image."""
    (data,) = files_in(client, image_id, path).values()
    return data.decode()
