"""Where the bundled resources live (icons, example Dockerfiles).

They ship inside the package (``studio/resources``), so a wheel, a pipx install and a
frozen bundle find them the same way: through ``importlib.resources``, never through the
current directory or the checkout's layout.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# A package installed from a wheel or a checkout is a folder on disk, so the traversable
# is a real path; the callers (Qt icons, QFile, open()) need one.
RESOURCES = Path(str(files("studio").joinpath("resources")))
EXAMPLES = RESOURCES / "examples"
ICONS = RESOURCES / "icons"
APP_ICON = ICONS / "stage-studio.svg"


def examples() -> list[Path]:
    """The example Dockerfiles of the gallery, sorted by file name."""
    return sorted(EXAMPLES.glob("*.Dockerfile"))
