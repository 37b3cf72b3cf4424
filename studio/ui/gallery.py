"""How the example gallery names and describes a bundled Dockerfile (the dialog itself is
``studio.ui.teach.pair_gallery``)."""
from __future__ import annotations

from pathlib import Path


def example_title(path: Path) -> str:
    """``go-build-env.Dockerfile`` -> ``Go build env``."""
    words = path.name.removesuffix(".Dockerfile").replace("_", "-").split("-")
    text = " ".join(w for w in words if w)
    return text[:1].upper() + text[1:]


def example_summary(text: str) -> str:
    """The leading comment block, without the ``#`` marks: what the example teaches."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(l for l in lines if l).strip()
