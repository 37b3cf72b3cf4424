"""Explore an image file by file: layers, their changes, the final tree, waste, each tied
to the Dockerfile line and stage that wrote it when the Dockerfile is known.

Layers pair with the config's history entries that are not ``empty_layer`` (as dive
pairs them); history entries pair with Dockerfile steps as the size pass does
(``sizes.history_owners``). ``explore_image`` is what ``stage-studio explore`` and
``build --files`` print; the GUI's Files view reads the same object.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from json import dumps
from json.encoder import encode_basestring_ascii as _string  # json.dumps' own string escaping (C)
from typing import Any

from studio.core.dive_efficiency import DiveNumbers, dive_numbers
from studio.core.layer_files import OPAQUE, WHITEOUT, Change, FinalFile, Stacked, mode_text, stack
from studio.engine.image_archive import ImageArchive, PendingSave, read_archive
from studio.engine.layer_order import EarlyStack
from studio.engine.sizes import disagreement, history_owners


@dataclass
class LayerReport:
    index: int
    id: str
    size: int  # bytes of its files (tar header sizes, as dive counts)
    instruction: str  # the history's created_by
    line: int | None = None
    stage: int | None = None
    changes: list[Change] = field(default_factory=list)
    # where its bytes come from: the stage a COPY --from reads, the base image of a FROM
    # line (its reference), else the stage of its line
    origin: int | str | None = None
    files_text: str | None = field(default=None, repr=False, compare=False)  # _files_text(changes), if made


    def _head(self) -> dict[str, Any]:
        return {"index": self.index, "id": self.id, "line": self.line, "stage": self.stage, "origin": self.origin,
                "instruction": self.instruction, "size": self.size}

    def to_json(self) -> dict[str, Any]:
        return {**self._head(), "files": [{"path": c.path, "change": c.change, "size": c.size,
                                           "mode": mode_text(c.mode, c.kind)} for c in self.changes]}

    def json_text(self) -> str:
        """``json.dumps(self.to_json())``, the same text (see ``ImageReport.json_text``)."""
        files = self.files_text if self.files_text is not None else _files_text(self.changes)
        return _object([*((k, dumps(v)) for k, v in self._head().items()), ("files", files)])


@dataclass
class ImageReport:
    image: str
    image_id: str | None
    size: int | None  # as docker image inspect reports it
    layout: str
    layers: list[LayerReport]
    stacked: Stacked
    dive: DiveNumbers
    stage_names: dict[int, str | None] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # e.g. a Dockerfile that did not make the image

    @property
    def files(self) -> dict[str, FinalFile]:
        return self.stacked.files

    def layer_of(self, path: str) -> LayerReport | None:
        item = self.stacked.files.get(path.lstrip("/"))
        return self.layers[item.layer] if item is not None else None

    def file_table(self) -> dict[str, tuple[int, int | None, int | None]]:
        """``{path: (size, line, stage)}`` of the image's files (not directories), for comparing."""
        links = self.stacked.hard_links  # a hard link's content is its target's bytes
        return {path: (links[path][1] if path in links else f.size, self.layers[f.layer].line,
                       self.layers[f.layer].stage)
                for path, f in self.stacked.files.items() if f.kind != "5"}

    @property
    def unreachable_bytes(self) -> int:
        """Bytes the image carries that no path reaches: older copies deleted or replaced
        by a later layer (dive's wasted bytes count paths seen in two layers instead, so
        they leave out a folder replaced by a file or link, and include bytes a hard link
        still reaches)."""
        return sum(b.size for b in self.stacked.buried)

    def _head(self) -> dict[str, Any]:
        d = self.dive
        percent = d.wasted_user_percent
        return {
            "image": self.image, "image_id": self.image_id, "layout": self.layout,
            "size": self.size, "content_size": d.size, "user_size": d.user_size,
            "wasted_bytes": d.wasted_bytes, "efficiency": d.efficiency,
            "user_wasted_percent": percent if percent == percent and percent != float("inf") else None,
            "unreachable_bytes": self.unreachable_bytes, "warnings": self.warnings,
        }

    def _waste(self) -> dict[str, Any]:
        return {"inefficient": [{"path": p, "count": n, "size": s} for p, n, s in self.dive.inefficient],
                "buried": [{"path": "/" + b.path, "size": b.size, "how": b.how,
                            "written_line": self.layers[b.written].line, "by_line": self.layers[b.by].line}
                           for b in self.stacked.buried],
                "hard_links": [{"path": "/" + p, "target": "/" + t, "size": n}
                               for p, (t, n) in sorted(self.stacked.hard_links.items())]}

    def to_json(self) -> dict[str, Any]:
        return {**self._head(), "layers": [layer.to_json() for layer in self.layers], **self._waste(),
                "files": [{"path": "/" + path, "size": f.size, "mode": mode_text(f.mode, f.kind), "layer": f.layer,
                           "line": self.layers[f.layer].line, "stage": self.layers[f.layer].stage}
                          for path, f in sorted(self.stacked.files.items())]}

    def json_text(self, extra: dict[str, Any] | None = None) -> str:
        """``json.dumps({**self.to_json(), **extra})``, the same text in half the time: the
        100,000s of per-file objects are written from one format each (strings through
        json's own C escaping) instead of made as dicts and then encoded."""
        lines = [dumps(layer.line) for layer in self.layers]
        stages = [dumps(layer.stage) for layer in self.layers]
        files = ", ".join([_FILE % (_string(path)[1:], f.size, mode_text(f.mode, f.kind), f.layer, lines[f.layer],
                                    stages[f.layer]) for path, f in sorted(self.stacked.files.items())])
        layers = ", ".join(layer.json_text() for layer in self.layers)
        return _object([*((k, dumps(v)) for k, v in self._head().items()), ("layers", f"[{layers}]"),
                        *((k, dumps(v)) for k, v in self._waste().items()), ("files", f"[{files}]"),
                        *((k, dumps(v)) for k, v in (extra or {}).items())])


_CHANGE = '{"path": %s, "change": "%s", "size": %d, "mode": "%s"}'  # change and mode: fixed ASCII words


def _files_text(changes: list[Change]) -> str:
    """The JSON text of a layer's ``files`` (as ``LayerReport.to_json`` has them)."""
    return "[" + ", ".join([_CHANGE % (_string(c.path), c.change, c.size, mode_text(c.mode, c.kind))
                            for c in changes]) + "]"
_FILE = '{"path": "/%s, "size": %d, "mode": "%s", "layer": %d, "line": %s, "stage": %s}'


def _object(pairs: list[tuple[str, str]]) -> str:
    """A JSON object, as ``json.dumps`` writes it, of keys and their values' JSON text."""
    return "{" + ", ".join(f"{_string(k)}: {v}" for k, v in pairs) + "}"


def analyse(archive: ImageArchive, image: str, image_id: str | None = None, size: int | None = None,
            stage_map=None, stage: int | None = None, base_count: int = -1,
            early: EarlyStack | None = None) -> ImageReport:
    """Stack the archive's layers and tie them to steps of ``stage_map``'s stage ``stage``;
    ``early``: what was stacked while the archive was read (used when its order holds)."""
    history = [h for h in archive.history]
    owners = [None] * len(history)
    if stage_map is not None and stage is not None:
        owners = history_owners(stage_map, stage,
                                [(h.get("created_by") or "", h.get("comment") or "") for h in history], base_count)
    warnings = []
    wrong = next(((h, o) for h, o in zip(history, owners) if disagreement(o, h.get("created_by") or "")), None)
    if wrong is not None:
        history_text, step = " ".join((wrong[0].get("created_by") or "").split()), wrong[1]
        warnings.append(f"the Dockerfile does not match the image: line {step.line} ({_short(step.text)}) cannot "
                        f"have made its layer '{_short(history_text)}', so no layer or file is tied to a line")
        owners = [None] * len(history)
    with_layer = [(h, o) for h, o in zip(history, owners) if not h.get("empty_layer")]
    if early is not None and early.finish(archive.layer_ids, archive.layers):
        stacked, numbers, rendered = early.stacker.result(), early.counter.numbers(), early.rendered
    else:
        stacked, numbers, rendered = stack(archive.layers), dive_numbers(archive.layers), []
    layers = []
    for index, entries in enumerate(archive.layers):
        entry, owner = with_layer[index] if index < len(with_layer) else ({"created_by": "(missing)"}, None)
        layers.append(LayerReport(index, archive.layer_ids[index], sum(e.size for e in entries),
                                  (entry.get("created_by") or "").strip(),
                                  owner.line if owner is not None else None,
                                  owner.stage if owner is not None else None, stacked.changes[index]))
        if index < len(rendered):
            layers[-1].files_text = rendered[index]
    if stage_map is not None:
        _set_origins(layers, stage_map)
    for index, path in stacked.written_markers:
        where = f" (line {layers[index].line})" if layers[index].line else ""
        parent, _, marker = path.rpartition("/")
        hidden = "everything else in /" + parent if marker == OPAQUE else "/" + posixpath.join(parent, marker[len(WHITEOUT):])
        warnings.append(f"layer {index}{where} writes /{path}, a name the image format reads as deleting {hidden}: "
                        f"a copy unpacked from the layers (pushed and pulled, or saved and loaded) has neither, "
                        "whatever containers on this engine show")
    names = {s.index: s.name for s in stage_map.stages} if stage_map is not None else {}
    return ImageReport(image, image_id, size, archive.layout, layers, stacked, numbers, names, warnings)


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _set_origins(layers: list[LayerReport], stage_map) -> None:
    copies = {e.line: e.source for e in stage_map.graph.edges if e.kind == "copy"}
    for layer in layers:
        if layer.stage is None:
            continue
        info = stage_map.stages[layer.stage]
        if layer.line == info.line and info.base_kind == "image":
            layer.origin = info.base_resolved
        else:
            layer.origin = copies.get(layer.line, layer.stage)


def explore_image(api, image: str, stage_map=None, stage: int | None = None,
                  pending: PendingSave | None = None) -> ImageReport:
    """Stream ``image`` from the engine and analyse it (raises docker errors as they come);
    ``pending``: its save already requested (``PendingSave(api, image)``)."""
    pending = pending or PendingSave(api, image)
    inspected = pending.inspected
    early = EarlyStack((inspected.get("RootFS") or {}).get("Layers"), _files_text)
    archive = read_archive(pending.stream(), early)
    pending.check(archive)
    base_count = -1
    if stage_map is not None and stage is not None:
        root = stage_map.stages[stage_map.chain(stage)[0]]
        if root.base_kind == "image":
            try:
                base_count = len(api.history(root.base_resolved))
            except Exception:  # noqa: BLE001 - then entries not made by a Dockerfile build count as base
                base_count = -1
    return analyse(archive, image, inspected["Id"], int(inspected.get("Size") or 0), stage_map, stage, base_count,
                   early)
