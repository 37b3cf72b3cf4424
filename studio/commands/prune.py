"""``stage-studio prune``: remove the images Stage Studio made to measure stage sizes.

Only images nobody else holds go: an image the user tagged, one a container was made from,
and one other images are built on stay, and the output says which and why. Nothing is
forced, so the engine itself refuses anything still in use.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field

from studio.core.units import human_size, terminal_text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="list exactly what would be removed, remove nothing")
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")
    parser.add_argument("--label", metavar="K=V", action="append", default=[],
                        help="only measuring images that also carry this label (repeatable)")


@dataclass
class PrunePlan:
    """What prune removes (``remove``: id -> size) and what it keeps (id -> why)."""

    remove: dict[str, int] = field(default_factory=dict)
    keep: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def plan_prune(api, labels: list[str] | None = None) -> PrunePlan:
    """Decide, without changing anything, which measuring images may go."""
    from studio.engine.sizes import MEASURE_LABEL

    plan = PrunePlan()
    filters = [f"{MEASURE_LABEL}=1", *(labels or [])]
    measuring = api.images(filters={"label": filters})
    users: dict[str, list[str]] = {}
    for container in api.containers(all=True):
        name = (container.get("Names") or [container["Id"][:12]])[0].lstrip("/")
        users.setdefault(container.get("ImageID", ""), []).append(name)
    children: set[str] = set()
    if measuring:
        children = {image.get("ParentId") for image in api.images(all=True)} - {"", None}
    for image in measuring:
        image_id = image["Id"]
        tags = [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]
        if tags:
            plan.keep[image_id] = f"tagged {', '.join(tags)}: a name you gave it"
        elif image_id in users:
            plan.keep[image_id] = f"used by container {', '.join(sorted(users[image_id]))}"
        elif image_id in children:
            plan.keep[image_id] = "other images are built on it"
        else:
            plan.remove[image_id] = int(image.get("Size") or 0)
    return plan


def prune_measuring_images(client, dry_run: bool = False, labels: list[str] | None = None) -> PrunePlan:
    """Remove the measuring images nobody holds (see plan_prune); the engine's refusal of
    one (in use since we looked) keeps it, with the engine's reason."""
    plan = plan_prune(client.api, labels)
    if dry_run:
        return plan
    for image_id in list(plan.remove):
        try:
            client.api.remove_image(image_id, force=False, noprune=False)
        except Exception as exc:  # noqa: BLE001 - report and go on with the others
            del plan.remove[image_id]
            reason = getattr(exc, "explanation", None) or str(exc)
            if getattr(getattr(exc, "response", None), "status_code", None) == 409:
                plan.keep[image_id] = f"the engine keeps it: {reason}"
            elif getattr(getattr(exc, "response", None), "status_code", None) != 404:  # 404: already gone
                plan.errors.append(f"{image_id[:19]}: {reason}")
    return plan


def run(args: argparse.Namespace) -> int:
    from studio.engine.connection import EngineUnavailable, connect

    try:
        client = connect()
    except EngineUnavailable as exc:
        print(f"stage-studio prune: {exc}", file=sys.stderr)
        return 1
    try:
        plan = prune_measuring_images(client, args.dry_run, args.label)
    finally:
        client.close()
    size = sum(plan.remove.values())
    if args.json:
        print(json.dumps({"removed": sorted(plan.remove), "bytes": size, "dry_run": args.dry_run,
                          "kept": [{"id": i, "reason": r} for i, r in sorted(plan.keep.items())],
                          "errors": plan.errors}))
    else:
        verb = "would remove" if args.dry_run else "removed"
        print(f"{verb} {len(plan.remove)} measuring image(s), {human_size(size)} counted per image "
              "(layers shared with other images stay)")
        for image_id in sorted(plan.remove) if args.dry_run else []:
            print(f"  {image_id}")
        for image_id, reason in sorted(plan.keep.items()):
            print(terminal_text(f"kept {image_id[:19]}: {reason}"))  # an engine's words, escaped
        for error in plan.errors:
            print(f"error: {error}", file=sys.stderr)
    return 1 if plan.errors else 0
