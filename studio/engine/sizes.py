"""Per-stage and per-layer sizes after a successful build.

BuildKit exports only the target, so every other built stage is built again as a target
(all cache hits, run concurrently) into an image labelled ``io.github.stagestudio.measure``
that ``stage-studio prune`` removes. The classic builder already produced an image per
stage. Sizes are what ``docker image inspect`` says; layers come from ``history``
(newest first), aligned with the stage's instructions, the base image's own entries
grouped as one.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace

from studio.engine.events import BuildEvent, BuildWarning, LayerInfo, SizesStarted

_KEYWORDS = {"RUN", "COPY", "ADD", "WORKDIR", "ENV", "LABEL", "ARG", "USER", "EXPOSE", "VOLUME",
             "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "SHELL", "ONBUILD", "MAINTAINER"}
MEASURE_LABEL = "io.github.stagestudio.measure"  # on every image made only to measure; prune removes them


def history_keyword(created_by: str) -> str:
    """The instruction keyword behind a history entry (BuildKit or classic form)."""
    text = (created_by or "").strip()
    if "#(nop)" in text:
        words = text.split("#(nop)", 1)[1].split()
        return words[0].upper() if words else ""
    first = text.split(None, 1)[0].upper() if text else ""
    if first in _KEYWORDS:
        return first
    return "RUN"  # classic RUN: "/bin/sh -c ..." or "|2 A=1 B=2 /bin/sh -c ..."


def measure(build, api) -> Iterator[BuildEvent]:
    """Fill ``build.result`` with sizes and layers; yields progress and warnings."""
    result = build.result
    stage_map = build.stage_map
    built = [s for s in result.stages if s.state in ("done", "cached")]
    missing = [s.index for s in built if s.image_id is None]
    yield SizesStarted([s.index for s in built])
    keys = measure_keys(build) if missing else {}
    if keys:
        reuse = _existing_measures(api, f"{MEASURE_LABEL}.key")
        states = build.translator.progress.state
        for index in list(missing):
            if any(states.get(i) != "cached" for i in build.stage_map.chain(index)):
                continue  # something ran in this build: only a fresh measurement is exact
            image = reuse.get(keys.get(index, ""))
            if image:
                result.stages[index].image_id = image
                missing.remove(index)
    if missing:
        images, errors = _measuring_builds(build, missing, MEASURE_LABEL, keys)
        for index, image in images.items():
            result.stages[index].image_id = image
        for message in errors:
            yield BuildWarning(message)
    calls = {}  # every engine call at once: they are independent round trips
    for stage in built:
        if stage.image_id is not None:
            calls[("inspect", stage.image_id)] = (api.inspect_image, stage.image_id)
            calls[("history", stage.image_id)] = (api.history, stage.image_id)
    bases = {info.base_resolved for info in stage_map.stages if info.base_kind == "image"}
    for base in bases:
        calls[("history", base)] = (api.history, base)
    answers = _concurrently(calls)
    for stage in built:
        if stage.image_id is None:
            continue
        inspected, history = answers.get(("inspect", stage.image_id)), answers.get(("history", stage.image_id))
        if isinstance(inspected, Exception) or isinstance(history, Exception) or inspected is None:
            problem = inspected if isinstance(inspected, Exception) else history
            ours = f"cannot measure stage {stage.name or stage.index}: "  # (then the engine's words, masked)
            yield BuildWarning(f"{ours}{problem}", own=[ours])
            continue
        stage.size = int(inspected["Size"])
        root = stage_map.stages[stage_map.chain(stage.index)[0]]
        base_count = 0
        if root.base_kind == "image":
            base_history = answers.get(("history", root.base_resolved))
            base_count = -1 if isinstance(base_history, Exception) or base_history is None else len(base_history)
        stage.layers = stage_layers(stage_map, stage.index, history, base_count)
    target = stage_map.target
    if target is not None and result.stages[target].size is not None:
        result.final = {"image_id": result.image_id, "size": result.stages[target].size}
    else:
        try:
            result.final = {"image_id": result.image_id, "size": int(api.inspect_image(result.image_id)["Size"])}
        except Exception:  # noqa: BLE001
            pass
    result.saved = saved_bytes(stage_map, result)


def _concurrently(calls: dict) -> dict:
    """Run ``{key: (function, argument)}`` in threads; exceptions come back as values."""
    answers: dict = {}

    def run(key, function, argument) -> None:
        try:
            answers[key] = function(argument)
        except Exception as exc:  # noqa: BLE001 - the caller reports it per stage
            answers[key] = exc

    threads = [threading.Thread(target=run, args=(key, *call), daemon=True) for key, call in calls.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def stage_layers(stage_map, index: int, history: list[dict], base_count: int) -> list[LayerInfo]:
    """Layers of one stage image, oldest first: one grouped base entry, then instructions."""
    entries = list(reversed(history))  # oldest first
    owners = history_owners(stage_map, index, [(e.get("CreatedBy") or "", e.get("Comment") or "") for e in entries],
                            base_count)
    layers: list[LayerInfo] = []
    base_size = sum(int(e.get("Size") or 0) for e, o in zip(entries, owners) if o is not None and o.keyword == "FROM")
    root = stage_map.stages[stage_map.chain(index)[0]]
    if root.base_kind == "image" and any(o is not None and o.keyword == "FROM" for o in owners):
        layers.append(LayerInfo(root.line, f"FROM {root.base_resolved}", base_size))
    for entry, owner in zip(entries, owners):
        size = int(entry.get("Size") or 0)
        if owner is None:
            layers.append(LayerInfo(None, (entry.get("CreatedBy") or "").strip()[:120], size))
        elif owner.keyword != "FROM":
            layers.append(LayerInfo(owner.line, owner.text, size))
    return layers


def disagreement(owner, created_by: str) -> bool:
    """Whether a shell-form RUN step cannot have made this history entry: the engine keeps
    the command as written (continuations joined), so it must appear in ``created_by``.
    Other steps are not compared (COPY's history names a content hash on 20.10)."""
    if owner is None or owner.keyword != "RUN":
        return False
    words = owner.text.split()[1:]
    while words and words[0].startswith("--"):
        words = words[1:]  # --mount=..., --network=...: not in every engine's history
    command = " ".join(words)
    if not command or command.startswith("[") or "<<" in command:
        return False  # exec form and heredocs are written differently in the history
    return command not in " ".join(created_by.split())


def history_owners(stage_map, index: int, entries: list[tuple[str, str]], base_count: int) -> list:
    """The Dockerfile step behind each history entry of stage ``index``'s image, oldest first.

    ``entries`` are ``(created_by, comment)``; ``base_count`` is how many of the first
    entries are the base image's (-1: unknown, then those not made by a Dockerfile build).
    Base entries map to the root stage's FROM step; an entry no step matches maps to None.
    """
    if base_count < 0:
        base_count = 0
        for _, comment in entries:
            if "buildkit.dockerfile" in comment:
                break
            base_count += 1
    chain = stage_map.chain(index)
    root = stage_map.stages[chain[0]]
    owners: list = [root.all_steps[0]] * min(base_count, len(entries))
    steps = [step for i in chain for step in stage_map.stages[i].all_steps if step.keyword not in ("FROM",)]
    pointer = 0
    for created_by, _ in entries[base_count:]:
        keyword = history_keyword(created_by)
        found = next((k for k in range(pointer, len(steps)) if steps[k].keyword == keyword), None)
        if found is None:
            owners.append(None)
            continue
        pointer = found + 1
        owners.append(steps[found])
    return owners


def saved_bytes(stage_map, result) -> int | None:
    """What building in stages saved: the bytes of the stages that do not ship (their own
    layers, plus each base image they start from that the final image is not built on),
    minus what the final image copies from them (its COPY --from layers that read those
    stages). The final image plus this is what one stage doing the same steps would weigh
    (the offline demo: 10,373,428 bytes both ways, measured on the engine)."""
    target = stage_map.target
    if target is None:
        return None
    carried = set(stage_map.chain(target))
    copied = _copied_from_builders(stage_map, result, carried)
    if copied is None:
        return None
    final_root = stage_map.stages[stage_map.chain(target)[0]]
    final_base = final_root.base_resolved if final_root.base_kind == "image" else None
    total, bases = 0, {}
    for stage in result.stages:
        if stage.index in carried or stage.state not in ("done", "cached"):
            continue
        if stage.size is None:
            return None
        own = {s.line for s in stage_map.stages[stage.index].all_steps if s.keyword != "FROM"}
        total += sum(layer.size for layer in stage.layers if layer.line in own and layer.instruction[:5] != "FROM ")
        root = stage_map.stages[stage_map.chain(stage.index)[0]]
        if root.base_kind == "image" and root.base_resolved != final_base:
            base_layer = next((l for l in stage.layers if l.instruction.startswith("FROM ")), None)
            if base_layer is not None:
                bases[root.base_resolved] = base_layer.size
    return total + sum(bases.values()) - copied


def _copied_from_builders(stage_map, result, carried: set[int]) -> int | None:
    """Bytes of the final image's COPY --from layers whose source is a stage that does not ship."""
    final = result.stages[stage_map.target]
    if final.size is None:
        return None
    lines = {e.line for e in stage_map.graph.edges
             if e.kind == "copy" and isinstance(e.source, int) and e.source not in carried and e.target in carried}
    return sum(layer.size for layer in final.layers if layer.line in lines)


def measure_keys(build) -> dict[int, str]:
    """A key per stage that names its image exactly, so a measuring image made earlier can
    be reused when the stage was all cache hits: the stage's last BuildKit vertex digest (its file system), with
    the per-upload context vertex replaced by the context's content digest, plus the text
    of every instruction in its chain (its config), labels, build args and platform."""
    import hashlib
    import json

    translator = build.translator
    last = getattr(translator, "last_vertex", None)
    context_digest = getattr(build, "context_digest", None)
    if not last or not context_digest:
        return {}
    graph = translator.graph
    memo: dict[str, str] = {}

    def norm(digest: str) -> str:
        if digest in memo:
            return memo[digest]
        memo[digest] = digest  # cycles cannot happen in LLB; this only guards bad input
        name, inputs = graph.get(digest, ("", []))
        if name in ("[internal] load remote build context", "[internal] load build context"):
            out = "context:" + context_digest
        else:
            normed = [norm(i) for i in inputs]
            if normed == inputs:
                out = digest
            else:
                text = name.split("] ", 1)[1] if name.startswith("[") and "] " in name else name
                out = hashlib.sha256(json.dumps([text, normed]).encode()).hexdigest()
        memo[digest] = out
        return out

    stage_map = build.stage_map
    keys = {}
    for info in stage_map.stages:
        chain = stage_map.chain(info.index)
        digest = next((last[i][1] for i in reversed(chain) if i in last), None)
        if digest is None:
            continue
        texts = [f"{step.line}:{step.text}" for i in chain for step in stage_map.stages[i].all_steps]
        req = build.request
        blob = json.dumps([norm(digest), texts, sorted(req.labels.items()), req.platform,
                           sorted(req.build_args.items())])
        keys[info.index] = hashlib.sha256(blob.encode()).hexdigest()[:32]
    return keys


def _existing_measures(api, key_label: str) -> dict[str, str]:
    try:
        images = api.images(filters={"label": key_label})
    except Exception:  # noqa: BLE001 - no reuse then; measuring builds still work
        return {}
    found: dict[str, str] = {}
    for img in images:  # newest first: the latest measurement of a key wins
        found.setdefault((img.get("Labels") or {}).get(key_label, ""), img["Id"])
    return found


def _measuring_builds(build, indexes: list[int], label: str,
                      keys: dict[int, str]) -> tuple[dict[int, str], list[str]]:
    """Build each stage as a target concurrently; returns {index: image id} and error messages."""
    from studio.engine.mapping import named_text

    images: dict[int, str] = {}
    errors: list[str] = []
    document = build.stage_map.document
    children = []
    for index in indexes:
        text, key = named_text(document, build.stage_map, index)
        request = replace(build.request, dockerfile_text=text, target=key, sizes=False, tag=None,
                          no_cache=False, backend=build.backend or "auto",
                          labels={**build.request.labels, label: "1",
                                  **({f"{label}.key": keys[index]} if index in keys else {})})
        children.append((index, build.spawn(request, send_context=build.stage_map.uses_context(index))))
    if build.cancelled:
        return images, ["sizes were not measured: the build was cancelled"]

    def run(index: int, child) -> None:
        for _ in child.events():
            pass
        if child.result is not None and child.result.ok:
            images[index] = child.result.image_id
        else:
            message = child.result.error.message if child.result and child.result.error else "unknown error"
            errors.append(f"could not measure stage {build.stage_map.stages[index].key}: {message}")

    threads = [threading.Thread(target=run, args=item, name=f"measure-{item[0]}", daemon=True) for item in children]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return images, errors
