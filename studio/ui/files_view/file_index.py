"""What the Files view knows about a list of rows, made in one pass and without Qt: which
paths are under which directory, each path's size (a directory's: everything below it),
the row of each listed path, search, and the stage that wrote most bytes of a folder.

The item models and the treemap read it; their nodes are made only for what is shown
(the 1 GB benchmark image has 60,000+ paths, a view shows a few dozen). A key is a path
without its leading slash ("usr/bin/env"); the root is "".
"""
from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import NamedTuple

CHUNK = 2048  # rows a search looks at between two pauses (see ``matching``)


class Row(NamedTuple):
    path: str  # "/usr/bin/env"
    size: int
    layer: int | None
    line: int | None
    stage: str  # the stage's label ("build", "#2"); "" when not known
    change: str = ""
    waste: str = ""  # why these bytes are waste (tooltip); "" when they are not


class FileIndex:
    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.row_of: dict[str, Row] = {}
        self.kids: dict[str, list[str]] = {"": []}  # directory key -> its children's keys
        self.size: dict[str, int] = {}
        # a layer's removed paths: the bytes they hide, kept apart (they are not what the layer adds)
        self.hidden: dict[str, int] = {}
        placed = {""}
        kids, size, row_of = self.kids, self.size, self.row_of
        for row in rows:
            key = row.path.strip("/")
            row_of[key] = row
            if row.size:
                if row.change == "removed":
                    self.hidden[key] = self.hidden.get(key, 0) + row.size
                else:
                    size[key] = size.get(key, 0) + row.size
            step = key
            while step not in placed:  # the key, then parents no row lists, up to one placed
                placed.add(step)
                parent = step.rpartition("/")[0]
                siblings = kids.get(parent)
                if siblings is None:
                    siblings = kids[parent] = []
                siblings.append(step)
                step = parent
        for sums in (size, self.hidden) if self.hidden else (size,):
            for folder in sorted(kids, key=lambda k: -k.count("/") if k else 1):  # deepest first, the root last
                total = sum(sums.get(child, 0) for child in kids[folder]) + sums.get(folder, 0)
                if total:
                    sums[folder] = total
        self._largest_first = sorted(rows, key=itemgetter(1), reverse=True)  # (one C call: the size)
        self._by_size: list[tuple[str, Row]] | None = None
        self._stages: dict[str, dict[str, int]] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def total(self) -> int:
        return self.size.get("", 0)

    def children(self, key: str) -> list[str]:
        return self.kids.get(key, [])

    def matching(self, text: str, within: list[tuple[str, Row]] | None = None,
                 pause: Callable[[], None] | None = None) -> list[tuple[str, Row]]:
        """``(lowered path, row)`` of rows whose path contains ``text`` (lower case), largest
        first; ``within`` narrows an earlier search (the text grew). ``pause`` is called
        every ``CHUNK`` rows: a search on a thread lets the GUI thread have the GIL there."""
        if within is None:
            within = self._lowered(pause)
        out: list[tuple[str, Row]] = []
        for start in range(0, len(within), CHUNK):
            out += [pair for pair in within[start:start + CHUNK] if text in pair[0]]
            if pause is not None:
                pause()
        return out

    def _lowered(self, pause: Callable[[], None] | None) -> list[tuple[str, Row]]:
        if self._by_size is None:
            rows, made = self._largest_first, []
            for start in range(0, len(rows), CHUNK):
                made += [(r.path.lower(), r) for r in rows[start:start + CHUNK]]
                if pause is not None:
                    pause()
            self._by_size = made
        return self._by_size

    def stage_bytes(self, key: str) -> dict[str, int]:
        """Bytes at and under ``key`` by the stage that wrote them (kept per folder)."""
        known = self._stages.get(key)
        if known is not None:
            return known
        totals: dict[str, int] = {}
        row = self.row_of.get(key)
        if row is not None and row.size and row.change != "removed":
            totals[row.stage] = row.size
        for child in self.kids.get(key, ()):
            if child in self.kids:
                for stage, size in self.stage_bytes(child).items():
                    totals[stage] = totals.get(stage, 0) + size
            else:
                row = self.row_of.get(child)
                if row is not None and row.size and row.change != "removed":
                    totals[row.stage] = totals.get(row.stage, 0) + row.size
        if key in self.kids:
            self._stages[key] = totals
        return totals

    def stage_of(self, key: str) -> str:
        """The stage that wrote most of the bytes under ``key``."""
        totals = self.stage_bytes(key)
        return max(totals, key=totals.get) if totals else ""
