"""Where the user put the boxes, remembered per Dockerfile without touching the file.

One small JSON file per Dockerfile under the app-data directory, named by a hash of the
Dockerfile's absolute path (the path itself is stored inside, so collisions are caught).
Saving is atomic; a missing or damaged file simply means "no saved positions".
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QStandardPaths

Positions = dict[str, tuple[float, float]]


def default_directory() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    if not base:
        base = os.path.join(os.path.expanduser("~"), ".local", "share", "stage-studio")
    return Path(base) / "graph-positions"


class PositionStore:
    def __init__(self, directory: str | os.PathLike | None = None) -> None:
        self.directory = Path(directory) if directory else default_directory()

    def file_for(self, path: str | os.PathLike) -> Path:
        key = str(Path(path).expanduser().resolve())
        return self.directory / (hashlib.sha1(key.encode("utf-8")).hexdigest()[:20] + ".json")

    def load(self, path: str | os.PathLike) -> Positions:
        """Saved positions for the Dockerfile at ``path`` ({} when there are none)."""
        try:
            data = json.loads(self.file_for(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("file") != str(Path(path).expanduser().resolve()):
            return {}
        out: Positions = {}
        for key, value in (data.get("positions") or {}).items():
            try:
                out[str(key)] = (float(value[0]), float(value[1]))
            except (TypeError, ValueError, IndexError):
                continue
        return out

    def save(self, path: str | os.PathLike, positions: Positions) -> bool:
        """Remember ``positions`` for ``path``; False (never an exception) if it cannot."""
        target = self.file_for(path)
        data = {"file": str(Path(path).expanduser().resolve()),
                "positions": {k: [round(float(x), 1), round(float(y), 1)] for k, (x, y) in positions.items()}}
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".pos.", suffix=".tmp", dir=target.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1, sort_keys=True)
            os.replace(tmp, target)
        except OSError:
            return False
        return True


def load(path: str | os.PathLike) -> Positions:
    return PositionStore().load(path)


def save(path: str | os.PathLike, positions: Positions) -> bool:
    return PositionStore().save(path, positions)
