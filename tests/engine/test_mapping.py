"""Engine names -> stages and lines, without an engine (BuildKit vertex names, classic steps)."""
from __future__ import annotations

from studio.core import parse
from studio.engine.mapping import StageMap, normalize_reference

TEXT = """\
ARG V=1
FROM busybox AS build
WORKDIR /w
ENV A=1
RUN make
FROM busybox AS other
WORKDIR /w
RUN other
FROM build
COPY --from=other /x /x
FROM scratch AS out
COPY --from=1 /y /y
"""


def stage_map(text: str = TEXT, target=None) -> StageMap:
    doc = parse(text)
    return StageMap(doc, doc.graph(target=target))


def steps(m: StageMap, name: str) -> list[tuple[int, int]]:
    return [(s.stage, s.line) for s in m.vertex_steps(name)]


def test_vertex_names_map_to_stage_and_line():
    m = stage_map()
    assert steps(m, "[build 3/3] RUN make") == [(0, 5)]
    assert steps(m, "[stage-2 1/1] COPY --from=other /x /x") == [(2, 10)]
    assert steps(m, "[out 1/1] COPY --from=1 /y /y") == [(3, 12)]
    assert steps(m, "[internal] load metadata for docker.io/library/busybox:latest") == []
    assert steps(m, "exporting to image") == []
    assert steps(m, "[nosuchstage 1/2] RUN x") == []


def test_shared_vertices_stand_for_every_identical_prefix():
    m = stage_map(target="out")  # out needs other; build is not reachable
    assert steps(m, "[build 1/3] FROM docker.io/library/busybox:latest") == [(0, 2), (1, 6)]
    m = stage_map()  # the last stage (out) is the default target: it needs only "other"
    assert m.reachable == {1, 3}
    # same FROM and same WORKDIR: the vertex serves both built stages
    m = stage_map(target="2")
    assert steps(m, "[build 2/3] WORKDIR /w") == [(0, 3), (1, 7)]
    assert steps(m, "[build 3/3] RUN make") == [(0, 5)]


def test_one_stage_names_padding_and_platform_prefixes():
    single = stage_map("FROM busybox\n" + "".join(f"RUN step{i}\n" for i in range(10)))
    assert steps(single, "[ 1/11] FROM docker.io/library/busybox:latest") == [(0, 1)]
    assert steps(single, "[11/11] RUN step9") == [(0, 11)]
    m = stage_map()
    assert steps(m, "[linux/amd64 build 3/3] RUN make") == [(0, 5)]


def test_step_count_mismatch_falls_back_to_text():
    m = stage_map()
    # an ONBUILD trigger in the base would add steps BuildKit counts and we cannot see
    assert steps(m, "[build 4/5] RUN make") == [(0, 5)]


def test_classic_steps_count_meta_args_first():
    m = stage_map()
    assert m.classic_step("Step 1/12 : ARG V=1")[2] is None
    k, n, step = m.classic_step("Step 2/12 : FROM busybox AS build")
    assert (k, n, step.stage, step.line) == (2, 12, 0, 2)
    assert m.classic_step("Step 12/12 : COPY --from=1 /y /y")[2].line == 12
    assert m.classic_step("Step 13/13 : LABEL x=1")[2] is None  # the synthetic --label step
    assert m.classic_step("Removing intermediate container") is None


def test_which_stages_read_the_context():
    m = stage_map("FROM a AS one\nRUN true\nFROM a AS two\nCOPY x /x\nFROM one AS three\nCOPY --from=two /x /x\n"
                  "FROM a AS four\nRUN --mount=type=bind,target=/src true\nFROM a AS five\n"
                  "RUN --mount=type=bind,from=one,target=/o true\n")
    assert [m.uses_context(i) for i in range(5)] == [False, True, True, True, False]


def test_references_normalize_like_the_engine():
    assert normalize_reference("busybox") == "docker.io/library/busybox:latest"
    assert normalize_reference("stage-studio-test/busybox:latest") == "docker.io/stage-studio-test/busybox:latest"
    assert normalize_reference("localhost:5000/x") == "localhost:5000/x:latest"
    assert normalize_reference("ghcr.io/o/i@sha256:ab") == "ghcr.io/o/i@sha256:ab"


def test_engine_errors_point_at_the_long_line_and_never_name_our_upload():
    from studio.engine.failures import explain

    text = "FROM busybox AS a\nRUN echo " + "x" * 70000 + "\n"
    doc = parse(text)
    smap = StageMap(doc, doc.graph())
    failure = explain("failed to solve with frontend dockerfile.v0: failed to create LLB definition: "
                      "dockerfile line greater than max allowed size of 65535", smap)
    assert failure.line == 2 and failure.stage == 0
    assert failure.message.startswith("line 2: dockerfile line greater than max allowed size of 65535")
    assert "line continuation" in failure.message
    classic = explain("failed to parse .dockerfile.0123456789abcdef0123: dockerfile line greater than max allowed "
                      "size", smap)
    assert ".dockerfile." not in classic.message and "the Dockerfile" in classic.message
