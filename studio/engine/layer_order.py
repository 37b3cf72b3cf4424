"""Stack an image's layers while its save stream is still arriving.

The archive names the order of its layers in ``manifest.json``, which comes last, so
stacking used to wait for the last byte: ~0.1 s for a 300 MB image, added to every run.
Most of the order can be known sooner:
- OCI layout (Docker 25+): an uncompressed layer's blob is named by its digest, which is
  its diff id, and the inspect that comes before the save lists the diff ids in order;
- legacy layout (Docker 20.10): each ``<id>/json`` (before its ``layer.tar``) names its
  parent layer, so a layer's place is known once the chain down to the base has arrived.
A layer is stacked (``Stacker``, ``DiveCounter``) as soon as it and every layer below it
have been read. That order is a guess until the manifest comes: ``finish`` compares it
with the manifest's and says whether the work stands (else the caller stacks again).
"""
from __future__ import annotations

import json
from collections.abc import Callable

from studio.core.dive_efficiency import DiveCounter
from studio.core.layer_files import Change, Entry, Stacker


class EarlyStack:
    """Receives what ``image_archive.read_archive`` reads and stacks what it can."""

    def __init__(self, diff_ids: list[str] | None = None,
                 render: Callable[[list[Change]], str] | None = None) -> None:
        # an OCI layer blob's member name when its digest is its diff id
        self._expected = [f"blobs/sha256/{d.partition(':')[2]}" for d in diff_ids or []]
        self._child: dict[str | None, str] = {}  # legacy: parent layer id (None: the base) -> its child
        self._entries: dict[str, list[Entry]] = {}
        self._links: dict[str, str] = {}
        self._render = render
        self.order: list[str] = []  # the layers stacked, bottom first, by their own member names
        self._last_id: str | None = None  # legacy: the id of the layer stacked last (links not followed)
        self.stacker = Stacker()
        self.counter = DiveCounter()
        self.rendered: list[str] = []  # render(changes) of each stacked layer

    def layer(self, name: str, entries: list[Entry]) -> None:
        self._entries[name] = entries
        self._advance()

    def link(self, name: str, target: str) -> None:
        """A legacy layer saved as a symlink to an identical earlier one."""
        self._links[name] = target
        self._advance()

    def legacy_json(self, layer_id: str, data: bytes) -> None:
        """A legacy ``<id>/json``: the layer's parent (none for the base)."""
        try:
            parent = json.loads(data).get("parent") or None
        except (ValueError, AttributeError):
            return  # not what 20.10 writes: this layer waits for the manifest
        self._child.setdefault(parent, layer_id)
        self._advance()

    def _next(self) -> tuple[str, str] | None:
        """The next layer's member name and the name its entries are under, when read."""
        n = len(self.order)
        candidates = [self._expected[n]] if n < len(self._expected) else []
        child = self._child.get(self._last_id) if n == 0 or self._last_id is not None else None
        if child is not None:
            candidates.append(f"{child}/layer.tar")
        for name in candidates:
            key = self._links.get(name, name)
            if key in self._entries:
                return name, key
        return None

    def _advance(self) -> None:
        while (found := self._next()) is not None:
            name, key = found
            self._last_id = name.rpartition("/")[0] if name.endswith("/layer.tar") else None
            self._push(name, self._entries[key])

    def _push(self, name: str, entries: list[Entry]) -> None:
        self.order.append(name)
        changes = self.stacker.push(entries)
        self.counter.push(entries)
        if self._render is not None:
            self.rendered.append(self._render(changes))

    def finish(self, ids: list[str], layers: list[list[Entry]]) -> bool:
        """Stack the rest in the manifest's order (``ids``, ``layers``: ``ImageArchive``'s).
        False when what was stacked is not the manifest's order: nothing here stands then."""
        done = len(self.order)
        if self.order != ids[:done]:
            return False
        for key, entries in zip(ids[done:], layers[done:]):
            self._push(key, entries)
        return True
