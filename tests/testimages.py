"""Images made by tests carry one label, so every suite can remove exactly its own."""
from __future__ import annotations

import docker

TEST_LABEL = "io.github.stagestudio.test"


def remove_test_images(client) -> None:
    """Remove every image labelled TEST_LABEL=1; an image already gone is fine."""
    for image in client.api.images(filters={"label": f"{TEST_LABEL}=1"}):
        try:
            client.api.remove_image(image["Id"], force=True)
        except docker.errors.APIError:
            pass
