"""``stage-studio prune``: remove the images Stage Studio made to measure stage sizes."""
from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="list what would be removed")
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")


def prune_measuring_images(client, dry_run: bool = False) -> tuple[list[str], int, list[str]]:
    """Remove every image labelled as a measuring image; returns (ids, bytes, errors)."""
    from studio.engine.sizes import MEASURE_LABEL

    removed, size, errors = [], 0, []
    for image in client.api.images(filters={"label": f"{MEASURE_LABEL}=1"}):
        if not dry_run:
            try:
                client.api.remove_image(image["Id"], force=True, noprune=False)
            except Exception as exc:  # noqa: BLE001 - report and go on with the others
                errors.append(f"{image['Id'][:19]}: {exc}")
                continue
        removed.append(image["Id"])
        size += int(image.get("Size") or 0)
    return removed, size, errors


def run(args: argparse.Namespace) -> int:
    from studio.engine.connection import EngineUnavailable, connect

    try:
        client = connect()
    except EngineUnavailable as exc:
        print(f"stage-studio prune: {exc}", file=sys.stderr)
        return 1
    try:
        removed, size, errors = prune_measuring_images(client, args.dry_run)
    finally:
        client.close()
    if args.json:
        print(json.dumps({"removed": removed, "bytes": size, "dry_run": args.dry_run, "errors": errors}))
    else:
        verb = "would remove" if args.dry_run else "removed"
        print(f"{verb} {len(removed)} measuring image(s) ({size} bytes counted per image; "
              "layers shared with other images stay)")
        for error in errors:
            print(f"error: {error}", file=sys.stderr)
    return 1 if errors else 0
