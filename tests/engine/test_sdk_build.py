"""A real two-stage build through the docker SDK against the real engine."""
from __future__ import annotations

import io
import tarfile



def _context(files: dict[str, bytes]) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    return buf


def test_two_stage_build_copies_a_file_into_scratch(docker_client, busybox_image):
    dockerfile = (
        f"FROM {busybox_image} AS make\n"
        "RUN dd if=/dev/zero of=/payload bs=1024 count=64 && echo built > /note\n"
        "FROM scratch\n"
        "COPY --from=make /payload /payload\n"
    ).encode()
    stream = docker_client.api.build(
        fileobj=_context({"Dockerfile": dockerfile}), custom_context=True, rm=True, forcerm=True,
        decode=True, labels={"io.github.stagestudio.test": "1"},
    )
    image_id = None
    errors = []
    for chunk in stream:
        if "error" in chunk:
            errors.append(chunk["error"])
        aux = chunk.get("aux")
        if isinstance(aux, dict) and "ID" in aux:
            image_id = aux["ID"]
    assert not errors, errors
    assert image_id and image_id.startswith("sha256:")
    try:
        attrs = docker_client.api.inspect_image(image_id)
        # Only the copied 64 KiB file is in the final image: no busybox.
        assert attrs["Size"] == 64 * 1024
        history = docker_client.api.history(image_id)
        assert any("COPY" in (h.get("CreatedBy") or "") or h.get("Size") == 64 * 1024 for h in history)
    finally:
        docker_client.images.remove(image_id, force=True)
