"""``stage-studio prune`` removes only measuring images nobody holds, says what it kept and
why, and ``--dry-run`` lists exactly what a real run removes. Every image here carries a
label of its own, so concurrent test runs never prune each other's images."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

BB = "stage-studio-test/busybox:latest"
MEASURE = "io.github.stagestudio.measure=1"

pytestmark = pytest.mark.engine


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studio", *args], capture_output=True, text=True,
                          timeout=180, env=dict(os.environ))


@pytest.fixture
def measured(context_dir, docker_client):
    """Three measuring images (stages a, b, c) and a final image, all labelled ``mine``."""
    mine = f"io.github.stagestudio.test.prune={uuid.uuid4().hex}"
    path = context_dir / "Dockerfile"
    path.write_text(f"FROM {BB} AS a\nRUN echo a > /a\nFROM {BB} AS b\nRUN echo b > /b\n"
                    f"FROM {BB} AS c\nRUN echo c > /c\n"
                    "FROM scratch\nCOPY --from=a /a /a\nCOPY --from=b /b /b\nCOPY --from=c /c /c\n")
    proc = cli("build", str(path), "--sizes", "--json", "--label", "io.github.stagestudio.test=1", "--label", mine)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout.splitlines()[-1])
    images = sorted(i["Id"] for i in docker_client.api.images(filters={"label": [MEASURE, mine]}))
    assert len(images) == 3 and result["image_id"] not in images
    containers: list[str] = []
    yield mine, images, result["image_id"], containers
    for container in containers:
        docker_client.api.remove_container(container, force=True)
    for image in images:
        try:
            docker_client.api.remove_image(image, force=True)
        except Exception:  # noqa: BLE001 - already gone
            pass


def test_prune_keeps_tagged_and_used_images_and_dry_run_is_exact(measured, docker_client):
    mine, images, final_image, containers = measured
    tagged, used, free = images
    tag = f"stage-studio-test/kept:{uuid.uuid4().hex[:12]}"
    docker_client.api.tag(tagged, *tag.split(":"))
    container = docker_client.api.create_container(used, command="true", labels={"io.github.stagestudio.test": "1"})
    containers.append(container["Id"])
    name = docker_client.api.inspect_container(container["Id"])["Name"].lstrip("/")

    dry = cli("prune", "--dry-run", "--json", "--label", mine)
    assert dry.returncode == 0, dry.stderr
    planned = json.loads(dry.stdout)
    assert planned["dry_run"] is True and planned["removed"] == [free]
    kept = {k["id"]: k["reason"] for k in planned["kept"]}
    assert set(kept) == {tagged, used}
    assert tag in kept[tagged] and f"used by container {name}" == kept[used]
    assert sorted(i["Id"] for i in docker_client.api.images(filters={"label": [MEASURE, mine]})) == images

    text = cli("prune", "--label", mine)
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("removed 1 measuring image(s)")
    assert f"kept {tagged[:19]}: tagged {tag}" in text.stdout and f"used by container {name}" in text.stdout
    left = sorted(i["Id"] for i in docker_client.api.images(filters={"label": [MEASURE, mine]}))
    assert left == sorted([tagged, used])  # exactly what the dry run said would go, went
    assert docker_client.api.inspect_image(tag)["Id"] == tagged  # the user's tag is intact
    assert docker_client.api.inspect_container(container["Id"])["Image"] == used
    assert docker_client.api.inspect_image(final_image)  # not a measuring image: never touched
    docker_client.api.remove_image(tag)
    docker_client.api.remove_image(final_image)


def test_prune_text_dry_run_lists_the_ids(measured):
    mine, images, _final, _containers = measured
    proc = cli("prune", "--dry-run", "--label", mine)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith("would remove 3 measuring image(s)")
    assert sorted(line.strip() for line in proc.stdout.splitlines()[1:]) == images
