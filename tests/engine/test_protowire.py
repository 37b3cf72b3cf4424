"""The BuildKit trace decoder: hand-encoded messages, a recorded real stream, and throughput."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from studio.core import parse
from studio.engine.buildkit import BuildkitTranslator
from studio.engine.mapping import StageMap
from studio.engine.protowire import WireError, decode_status, decode_trace

DATA = Path(__file__).parent / "data"


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number: int, value: bytes | int) -> bytes:
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    return varint(number << 3 | 2) + varint(len(value)) + value


def timestamp(seconds: int, nanos: int) -> bytes:
    return field(1, seconds) + field(2, nanos)


def test_decodes_every_part_of_a_status_response():
    vertex = (field(1, b"sha256:v1") + field(2, b"sha256:in") + field(3, b"[build 2/3] RUN make")
              + field(4, 1) + field(5, timestamp(100, 500_000_000)) + field(6, timestamp(102, 0))
              + field(7, b"boom") + field(99, b"future field"))
    status = field(1, b"extracting") + field(2, b"sha256:v1") + field(4, 5) + field(5, 10)
    log = field(1, b"sha256:v1") + field(2, timestamp(101, 0)) + field(3, 2) + field(4, b"err\n")
    warning = field(1, b"sha256:v1") + field(2, 1) + field(3, b"deprecated") + field(4, b"detail")
    message = field(1, vertex) + field(2, status) + field(3, log) + field(4, warning)
    decoded = decode_status(message)
    v = decoded.vertexes[0]
    assert (v.digest, v.inputs, v.name, v.cached, v.error) == ("sha256:v1", ["sha256:in"], "[build 2/3] RUN make", True, "boom")
    assert v.started == pytest.approx(100.5) and v.completed == pytest.approx(102.0)
    assert (decoded.statuses[0].current, decoded.statuses[0].total) == (5, 10)
    assert (decoded.logs[0].stream, decoded.logs[0].msg) == (2, b"err\n")
    assert decoded.warnings[0].short == "deprecated" and decoded.warnings[0].detail == ["detail"]
    assert decode_trace(base64.b64encode(message).decode()).vertexes[0].name == v.name


def test_truncated_data_is_an_error_not_a_crash():
    with pytest.raises(WireError):
        decode_status(field(1, b"x" * 10)[:-3])
    with pytest.raises(WireError):
        decode_trace("!!!not base64")


def _replay(name: str):
    text = (DATA / f"{name}.Dockerfile").read_text()
    doc = parse(text)
    translator = BuildkitTranslator(StageMap(doc, doc.graph()), t0=0.0)
    events = []
    for line in (DATA / f"{name}.buildkit.jsonl").read_text().splitlines():
        events.extend(translator.feed(json.loads(line)))
    events.extend(translator.close(translator.failure is None and translator.image_id is not None))
    return translator, events


def test_recorded_parallel_build_maps_vertices_to_stages_and_lines():
    translator, events = _replay("parallel")
    started = {(e.stage, e.line) for e in events if e.event == "step_started"}
    # the shared FROM vertex stands for the FROM line of all three built stages
    assert {(0, 2), (1, 6), (3, 10)} <= started
    assert {(0, 4), (1, 7), (3, 11), (3, 12)} <= started
    finished = {e.stage: e.state for e in events if e.event == "stage_finished"}
    assert finished == {0: "done", 1: "done", 2: "skipped", 3: "done"}
    runs = {e.stage: e for e in events if e.event == "step_started" and "sleep 1" in e.name}
    ends = {e.stage: e for e in events if e.event == "step_finished" and e.line in (4, 7)}
    # the two independent RUN steps overlapped in time
    assert runs[0].time < runs[1].time + ends[1].duration and runs[1].time < runs[0].time + ends[0].duration
    assert translator.image_id and translator.image_id.startswith("sha256:")


def test_recorded_failure_names_line_exit_code_and_log():
    translator, events = _replay("failing")
    failure = translator.failure
    assert failure is not None and failure.line == 2 and failure.stage == 0 and failure.exit_code == 3
    assert "before" in failure.last_log and "err" in failure.last_log
    assert {e.stage: e.state for e in events if e.event == "stage_finished"} == {0: "failed"}



def test_a_log_before_its_vertex_waits_for_it_and_a_split_secret_is_still_masked():
    """BuildKit sends logs and vertex updates on separate progress streams, so a piece of
    output can come before its vertex. It is held until the vertex is known, so it lands on
    its step, and a secret printed in two pieces is joined and masked (it leaked once, in
    a loaded run, when the first piece came unplaced)."""
    from studio.engine.redact import MASK, Redactor

    doc = parse("FROM busybox\nRUN --mount=type=secret,id=t printf split:$(cat /run/secrets/t)\n")
    translator = BuildkitTranslator(StageMap(doc, doc.graph()), t0=0.0)
    vertex = field(1, b"sha256:run") + field(3, b"[2/2] RUN --mount=type=secret,id=t printf split:$(cat /run/secrets/t)") \
        + field(5, timestamp(100, 0))

    def log(text: bytes) -> dict:
        message = field(3, field(1, b"sha256:run") + field(2, timestamp(101, 0)) + field(3, 1) + field(4, text))
        return {"id": "moby.buildkit.trace", "aux": base64.b64encode(message).decode()}

    events = translator.feed(log(b"split:S3CRE"))
    assert events == []
    events += translator.feed({"id": "moby.buildkit.trace", "aux": base64.b64encode(field(1, vertex)).decode()})
    events += translator.feed(log(b"T-tok-91x:end\n"))
    events += translator.close(True)
    logs = [e for e in Redactor(["S3CRET-tok-91x"]).events(events) if e.event == "step_log"]
    assert {(e.stage, e.line) for e in logs} == {(0, 2)}
    assert "".join(e.text for e in logs) == f"split:{MASK}:end\n"


def test_a_log_whose_vertex_never_comes_is_shown_at_the_end():
    doc = parse("FROM busybox\n")
    translator = BuildkitTranslator(StageMap(doc, doc.graph()), t0=0.0)
    message = field(3, field(1, b"sha256:gone") + field(3, 2) + field(4, b"orphan\n"))
    assert translator.feed({"id": "moby.buildkit.trace", "aux": base64.b64encode(message).decode()}) == []
    logs = [e for e in translator.close(True) if e.event == "step_log"]
    assert [(e.stage, e.stream, e.text) for e in logs] == [(None, "stderr", "orphan\n")]
