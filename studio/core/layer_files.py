"""What each layer of an image does to its file system, and what the image ends up with.

Layers are OCI/Docker layer tars applied in order: an entry adds a path or replaces one
an earlier layer had; ``.wh.NAME`` removes NAME (and what is under it); ``.wh..wh..opq``
in a directory hides everything lower layers put there. Stacking them gives, per layer,
the paths it added, modified and removed, and for the final image, the layer that wrote
each path. When a layer removes or replaces a file, the bytes of the older copy stay in
the image: those are recorded as ``Buried`` (what the deleting/overwriting lint reads).
"""
from __future__ import annotations

import posixpath
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"
DIR = "5"
HARD_LINK = "1"


class Entry(NamedTuple):
    """One member of a layer tar (contents never kept)."""

    path: str  # relative, normalised: "usr/bin/env"
    kind: str  # tar type flag: "0" file, "5" dir, "2" symlink, "1" hard link, ...
    size: int  # the header's size, as ``tar`` and dive count it
    mode: int  # permission bits as stored
    link: str = ""


class Change(NamedTuple):
    path: str
    change: str  # "added" | "modified" | "removed"
    size: int  # bytes the layer adds; for "removed", the bytes it hides (still in the image)
    mode: int
    kind: str


class Buried(NamedTuple):
    """An older copy of a path that a later layer deleted or replaced: its bytes stay."""

    path: str
    size: int
    written: int  # layer index that wrote the buried copy
    by: int  # layer index that deleted or replaced it
    how: str  # "deleted" | "overwritten"


@dataclass(slots=True)
class FinalFile:
    size: int
    mode: int
    kind: str
    layer: int


@dataclass
class Stacked:
    """Result of stacking layers: per-layer changes and the final file system."""

    changes: list[list[Change]] = field(default_factory=list)
    files: dict[str, FinalFile] = field(default_factory=dict)  # path -> what the image has
    buried: list[Buried] = field(default_factory=list)
    # the image's hard links: path -> (the path it links to, as written in its layer, and
    # that file's size: the bytes it reaches, stored once, under the other name)
    hard_links: dict[str, tuple[str, int]] = field(default_factory=dict)
    # (layer, path) of files named like a whiteout that hold bytes: the engine writes its
    # own whiteouts empty, so a program made these; the layer format reads them as deletes
    written_markers: list[tuple[int, str]] = field(default_factory=list)

    def layer_bytes(self, index: int) -> int:
        return sum(c.size for c in self.changes[index] if c.change != "removed")


@lru_cache(maxsize=4096)  # an image has a handful of distinct modes, and 100,000 paths
def mode_text(mode: int, kind: str) -> str:
    """``drwxr-xr-x`` from tar mode bits and type."""
    type_bits = {DIR: stat.S_IFDIR, "2": stat.S_IFLNK, "3": stat.S_IFCHR, "4": stat.S_IFBLK,
                 "6": stat.S_IFIFO}.get(kind, stat.S_IFREG)
    return stat.filemode(type_bits | (mode & 0o7777))


class _Tree:
    """The stacked file system: path -> FinalFile, with a child index for subtree removal."""

    def __init__(self) -> None:
        self.files: dict[str, FinalFile] = {}
        self.children: dict[str, set[str]] = {}

    def put(self, path: str, item: FinalFile) -> None:
        if path not in self.files:
            siblings = self.children.get(path.rpartition("/")[0])
            if siblings is not None:  # a known directory is linked to its ancestors already
                siblings.add(path)
                self.files[path] = item
                return
            child = path
            while child:  # link every ancestor, even one no layer listed, so removal finds it
                parent = child.rpartition("/")[0]
                siblings = self.children.setdefault(parent, set())
                if child in siblings:
                    break
                siblings.add(child)
                child = parent
        self.files[path] = item

    def remove(self, path: str) -> list[tuple[str, FinalFile]]:
        """Remove ``path`` and what is under it; returns what was removed (path first)."""
        gone = []
        item = self.files.pop(path, None)
        if item is not None:
            gone.append((path, item))
        for child in sorted(self.children.pop(path, ())):  # sorted: the same order in every run
            gone.extend(self.remove(child))
        if gone:
            self.children.get(path.rpartition("/")[0], set()).discard(path)
        return gone

    def clear_dir(self, path: str) -> list[tuple[str, FinalFile]]:
        gone = []
        for child in list(self.children.get(path, ())):
            gone.extend(self.remove(child))
        return gone


def stack(layers: list[list[Entry]]) -> Stacked:
    """Apply ``layers`` (oldest first); see the module docstring."""
    stacker = Stacker()
    for entries in layers:
        stacker.push(entries)
    return stacker.result()


class Stacker:
    """``stack`` a layer at a time, oldest first: explore stacks each layer as it arrives,
    while the engine still sends the rest of the image."""

    def __init__(self) -> None:
        self._tree = _Tree()
        self._out = Stacked()
        self._links: dict[str, tuple[str, int, int]] = {}  # path -> (target, its size, layer)

    def push(self, entries: list[Entry]) -> list[Change]:
        """Apply the next layer; its changes."""
        tree, out, index = self._tree, self._out, len(self._out.changes)
        changes: list[Change] = []
        removed_now: dict[str, tuple[int, FinalFile]] = {}

        def bury(gone, how: str, by: int = index) -> None:
            for path, item in gone:
                if item.kind != DIR and item.size:
                    out.buried.append(Buried(path, item.size, item.layer, by, how))

        marked = [e.path for e in entries if WHITEOUT in e.path]  # few: whiteouts, opaque markers
        if marked:
            out.written_markers.extend((index, e.path) for e in entries if WHITEOUT in e.path and e.size
                                       and e.path.rpartition("/")[2].startswith(WHITEOUT))
        opaque = [p.rpartition("/")[0] for p in marked if p.rpartition("/")[2] == OPAQUE]
        for directory in opaque:
            for child in sorted(tree.children.get(directory, ())):
                gone = tree.remove(child)
                bury(gone, "deleted")
                if gone:
                    removed_now[child] = (sum(i.size for _, i in gone if i.kind != DIR), gone[0][1])
        for path in marked:
            parent, _, base = path.rpartition("/")
            if base.startswith(WHITEOUT) and base != OPAQUE:
                target = f"{parent}/{base[len(WHITEOUT):]}" if parent else base[len(WHITEOUT):]
                gone = tree.remove(target)
                bury(gone, "deleted")
                if gone:
                    removed_now[target] = (sum(i.size for _, i in gone if i.kind != DIR), gone[0][1])
        for target, (size, item) in removed_now.items():
            changes.append(Change("/" + target, "removed", size, item.mode, item.kind))
        new, files = tuple.__new__, tree.files
        for e in entries:
            if WHITEOUT in e.path and e.path.rpartition("/")[2].startswith(WHITEOUT):
                continue
            old = files.get(e.path)
            if old is not None and old.kind == DIR and e.kind == DIR:
                old.mode = e.mode  # a directory touched again (its mtime): not a change worth listing
                continue
            if old is not None:
                if old.kind == DIR:
                    bury(tree.clear_dir(e.path), "overwritten")
                elif old.size:
                    out.buried.append(Buried(e.path, old.size, old.layer, index, "overwritten"))
            changes.append(new(Change, ("/" + e.path, "added" if old is None else "modified", e.size, e.mode, e.kind)))
            tree.put(e.path, FinalFile(e.size, e.mode, e.kind, index))
        if any(e.kind == HARD_LINK for e in entries):
            self._note_links(entries, index)
        out.changes.append(changes)
        return changes

    def _note_links(self, entries: list[Entry], index: int) -> None:
        """A hard link in a layer tar names a file of the same tar (written before it): the
        bytes are stored once, under that name, and stay reachable while the link does."""
        sizes = {e.path: e.size for e in entries if e.kind != HARD_LINK}
        for e in entries:
            if e.kind == HARD_LINK:
                target = posixpath.normpath(e.link.lstrip("/")) if e.link else ""
                self._links[e.path] = (target, sizes.get(target, 0), index)

    def result(self) -> Stacked:
        out, files = self._out, self._tree.files
        out.files = files
        if self._links:
            live = {path: v for path, v in self._links.items()
                    if (f := files.get(path)) is not None and f.kind == HARD_LINK and f.layer == v[2]}
            out.hard_links = {path: (target, size) for path, (target, size, _) in live.items()}
            held = {(layer, target) for target, _, layer in live.values()}
            out.buried = [b for b in out.buried if (b.written, b.path) not in held]
        return out


class FileDelta(NamedTuple):
    path: str  # "/app/app"
    change: str  # "grew" | "shrank" | "appeared" | "vanished"
    before: int  # bytes (0 when it appeared)
    after: int  # bytes (0 when it vanished)
    line: int | None  # the line that wrote it now (for "vanished": the line that wrote it before)
    stage: int | None

    @property
    def delta(self) -> int:
        return self.after - self.before


def compare_files(before: dict[str, tuple[int, int | None, int | None]],
                  after: dict[str, tuple[int, int | None, int | None]]) -> list[FileDelta]:
    """Files that grew, shrank, appeared or vanished between two trees, largest change first.

    Each side maps a path to ``(size, line, stage)``: a baseline build's final image and
    this one's, or a builder stage and the final stage (what the final keeps of it)."""
    out = []
    for path, (size, line, stage) in after.items():
        old = before.get(path)
        if old is None:
            out.append(FileDelta("/" + path, "appeared", 0, size, line, stage))
        elif old[0] != size:
            out.append(FileDelta("/" + path, "grew" if size > old[0] else "shrank", old[0], size, line, stage))
    for path, (size, line, stage) in before.items():
        if path not in after:
            out.append(FileDelta("/" + path, "vanished", size, 0, line, stage))
    out.sort(key=lambda d: (-abs(d.delta), d.path))
    return out
