"""The gallery examples that need no registry really build against the real engine,
and the multi-stage form makes the smaller image."""
from __future__ import annotations

import io
import json
import re
import tarfile
from pathlib import Path

import docker
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "studio" / "resources" / "examples"
GALLERY = json.loads((EXAMPLES / "gallery.json").read_text(encoding="utf-8"))
OFFLINE = [e for e in GALLERY["examples"] if e["builds_offline"]]

pytestmark = pytest.mark.engine


def _context(dockerfile: bytes, folder: Path | None) -> io.BytesIO:
    """A USTAR tar: the Dockerfile plus the example's context folder at the root."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        def add(name: str, data: bytes, mode: int = 0o644) -> None:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), mode
            tar.addfile(info, io.BytesIO(data))

        add("Dockerfile", dockerfile)
        if folder is not None:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    add(path.relative_to(folder).as_posix(), path.read_bytes(),
                        0o755 if path.suffix == ".sh" else 0o644)
    buf.seek(0)
    return buf


def _build(client, dockerfile: bytes, folder: Path | None, made: set[str]) -> str:
    stream = client.api.build(fileobj=_context(dockerfile, folder), custom_context=True,
                              rm=True, forcerm=True, decode=True, pull=False,
                              labels={"io.github.stagestudio.test": "examples"})
    image_id, errors = None, []
    for chunk in stream:
        if "error" in chunk:
            errors.append(chunk["error"])
        for m in re.finditer(r"---> ([0-9a-f]{12})", chunk.get("stream", "")):
            made.add(m.group(1))
        aux = chunk.get("aux")
        if isinstance(aux, dict) and "ID" in aux:
            image_id = aux["ID"]
    assert not errors, errors
    assert image_id
    made.add(image_id)
    return image_id


@pytest.fixture()
def built_images(docker_client):
    """Collects the ids a test's builds produce; removes the new ones afterwards."""
    # ids only: images.list inspects each image, and another suite on the engine may remove one meanwhile
    before = set(docker_client.api.images(all=True, quiet=True))
    made: set[str] = set()
    yield made
    for ref in sorted(made, reverse=True):
        try:
            image = docker_client.images.get(ref)
        except docker.errors.ImageNotFound:
            continue
        if image.id in before:
            continue  # the base image or a cache layer someone else made
        try:
            docker_client.images.remove(image.id, force=True, noprune=False)
        except docker.errors.APIError:
            pass


@pytest.mark.parametrize("entry", OFFLINE, ids=lambda e: e["id"])
def test_offline_example_builds_runs_and_multi_stage_is_smaller(docker_client, built_images,
                                                                 entry):
    folder = EXAMPLES / entry["context"] if entry.get("context") else None
    sizes, outputs = {}, {}
    for form in ("single", "multi"):
        data = (EXAMPLES / entry["files"][form]).read_bytes()
        image_id = _build(docker_client, data, folder, built_images)
        sizes[form] = docker_client.api.inspect_image(image_id)["Size"]
        outputs[form] = docker_client.containers.run(image_id, remove=True).decode()
    assert sizes["multi"] < sizes["single"], sizes
    # The pretend toolchain (8 MiB) ships in the single-stage image only.
    assert sizes["single"] - sizes["multi"] >= 8 * 1024 * 1024
    assert outputs["single"].startswith("Hello from a multi-stage build")
    assert outputs["multi"] == outputs["single"]
