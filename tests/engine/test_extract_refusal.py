"""--extract-stage refuses what would break the build: a later step that reads a file the
moved steps make outside the named paths. The engine shows the refusal is warranted (the
naive extraction fails where the original builds) and that the extraction it does allow
builds the same file."""
from __future__ import annotations

import io
import tarfile

import pytest

from studio.core import apply_edits, parse
from studio.core.edits_base import EditError
from studio.core.refactor import extract_stage

B = "stage-studio-test/busybox:latest"
ORIGINAL = (f"FROM {B}\nWORKDIR /src\n"
            "RUN echo conf > /etc/app.conf && mkdir -p /out && echo bin > /out/app\n"
            "RUN cat /etc/app.conf > /out/copy\n")
# what the extraction gave before it looked at later steps (only /out/ comes back)
NAIVE = (f"FROM {B} AS build\nWORKDIR /src\n"
         "RUN echo conf > /etc/app.conf && mkdir -p /out && echo bin > /out/app\n\n"
         f"FROM {B}\nWORKDIR /src\nCOPY --from=build /out/ /out/\nRUN cat /etc/app.conf > /out/copy\n")


def _read(docker_client, image: str, path: str) -> bytes:
    container = docker_client.containers.create(image, command=["true"])
    try:
        stream, _ = container.get_archive(path)
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            return tar.extractfile(path.rsplit("/", 1)[-1]).read()
    finally:
        container.remove(force=True)


def test_a_later_step_that_reads_a_file_left_in_the_builder_is_refused():
    with pytest.raises(EditError, match=r"line 4 uses /etc/app.conf, which line 3 makes"):
        extract_stage(parse(ORIGINAL), 3, 3, "build", ["/out/"])


@pytest.mark.engine
def test_the_engine_agrees_and_builds_the_allowed_extraction(run_build, docker_client, tmp_path):
    _, original, _ = run_build(ORIGINAL, context=tmp_path, no_cache=True)
    assert original.ok, original.error
    _, naive, _ = run_build(NAIVE, context=tmp_path, no_cache=True)
    assert not naive.ok and naive.error.line == 8  # the file the refusal names is missing
    plan = extract_stage(parse(ORIGINAL), 3, 3, "build", ["/out/", "/etc/app.conf"])
    _, allowed, _ = run_build(apply_edits(ORIGINAL, plan.edits), context=tmp_path, no_cache=True)
    assert allowed.ok, allowed.error
    assert _read(docker_client, allowed.image_id, "/out/copy") == _read(docker_client, original.image_id,
                                                                         "/out/copy") == b"conf\n"
