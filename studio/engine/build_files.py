"""``build --files``: after the size pass, explore every built stage's image file by file.

The size pass already made an image per built stage; each is streamed and analysed
(``explore.explore_image``) with that stage's steps, so every file carries its line and
stage. From the reports follow what crossed each ``COPY --from`` edge (the files and
bytes of the copying layer) and the lint facts (bytes a later line deleted or replaced).
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

from studio.core.lint.rules_facts import BuriedFact
from studio.engine.events import BuildEvent, BuildWarning


@dataclass
class Crossing:
    """What a ``COPY --from`` edge carried into its stage."""

    line: int
    source: int | str  # stage index, or an image reference
    target: int
    files: int
    bytes: int

    def to_json(self) -> dict:
        return {"line": self.line, "from": self.source, "to": self.target, "files": self.files, "bytes": self.bytes}


def explore_stages(build, api) -> Iterator[BuildEvent]:
    """Attach a report to each built stage with an image (``StageResult.explored``) and
    the edge crossings to the result (``BuildResult.copies``)."""
    from studio.engine.explore import explore_image

    result, stage_map = build.result, build.stage_map
    todo = [s for s in result.stages if s.image_id and s.state in ("done", "cached")]
    errors: dict[int, str] = {}

    def run(stage) -> None:
        try:
            stage.explored = explore_image(api, stage.image_id, stage_map, stage.index)
        except Exception as exc:  # noqa: BLE001 - reported per stage, the others still count
            errors[stage.index] = _reason(exc, stage_map.stages[stage.index].key)

    threads = [threading.Thread(target=run, args=(s,), name=f"explore-{s.index}", daemon=True) for s in todo[:-1]]
    for t in threads:
        t.start()
    if todo:
        run(todo[-1])  # the last (usually the final image) on this thread
    for t in threads:
        t.join()
    for _index, message in sorted(errors.items()):
        yield BuildWarning(message)
    result.copies = crossings(stage_map, result)


def _reason(exc: Exception, key: str) -> str:
    """Why a stage's files could not be read, in words (never an exception's repr)."""
    import docker

    from studio.engine.image_archive import ImageArchiveError

    if isinstance(exc, docker.errors.NotFound):
        return (f"the image of stage {key} is no longer in the engine (removed since the build); "
                "build again to see its files")
    if isinstance(exc, docker.errors.APIError):
        return f"the engine refused to hand out the image of stage {key}: {exc.explanation or exc}"
    if isinstance(exc, ImageArchiveError):
        return f"cannot read the files of stage {key}: {exc}"
    return f"cannot read the files of stage {key}: {exc or type(exc).__name__}"


def crossings(stage_map, result) -> list[Crossing]:
    out = []
    for edge in stage_map.graph.edges:
        if edge.kind != "copy":
            continue
        stage = result.stages[edge.target] if 0 <= edge.target < len(result.stages) else None
        report = getattr(stage, "explored", None)
        if report is None:
            continue
        layer = next((layer for layer in report.layers if layer.line == edge.line), None)
        if layer is None:
            continue
        carried = [c for c in layer.changes if c.change != "removed" and c.kind != "5"]
        out.append(Crossing(edge.line, edge.source, edge.target, len(carried), sum(c.size for c in carried)))
    return out


def buried_facts(report) -> list[BuriedFact]:
    """The lint facts of one stage's report: what later lines deleted or replaced."""
    return [BuriedFact("/" + b.path, b.size, report.layers[b.written].line, report.layers[b.by].line, b.how)
            for b in report.stacked.buried]
