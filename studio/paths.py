"""Where the bundled resources live (icons, example Dockerfiles, themes)."""
from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
EXAMPLES = RESOURCES / "examples"
ICONS = RESOURCES / "icons"
APP_ICON = ICONS / "stage-studio.svg"


def examples() -> list[Path]:
    """The example Dockerfiles of the gallery, sorted by file name."""
    return sorted(EXAMPLES.glob("*.Dockerfile"))
