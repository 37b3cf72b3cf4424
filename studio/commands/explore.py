"""``stage-studio explore IMAGE``: an image's layers and files, its waste, dive's CI verdict.

Waste and efficiency equal dive 0.13's; ``--ci`` applies dive's three rules (defaults,
then ``.dive-ci``, then the flags) and exits 1 when one fails. With ``--file`` (and
``--target``) every layer and file is tied to the Dockerfile line and stage that wrote it.
Exit codes: 0 fine, 1 a CI rule failed, 2 unusable input or no such image.
"""
from __future__ import annotations

import argparse
import gc
import os
import sys

# studio.core is imported where it is used: until the save is asked for (early_save.py),
# every millisecond of import is added to the run
RULES = ("lowestEfficiency", "highestWastedBytes", "highestUserWastedPercent")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("image", metavar="IMAGE", help="a local image (name, tag or id)")
    parser.add_argument("--json", action="store_true", help="print the analysis as one JSON object")
    parser.add_argument("--ci", action="store_true", help="apply dive's CI rules; exit 1 when one fails")
    parser.add_argument("--ci-config", metavar="FILE", default=".dive-ci",
                        help="dive's rules file (default: .dive-ci, used when it exists)")
    for rule in RULES:
        parser.add_argument(f"--{rule}", metavar="VALUE", help=f"dive's {rule} threshold ('disabled' skips it)")
    parser.add_argument("--compare", metavar="IMAGE2",
                        help="also list the files that grew, appeared or vanished since IMAGE2 (largest first)")
    parser.add_argument("--file", metavar="DOCKERFILE", help="the Dockerfile that built IMAGE: ties files to lines")
    parser.add_argument("--target", metavar="T", help="the stage IMAGE is (default: the last)")


def _fail(message: str) -> int:
    print(f"stage-studio explore: {message}", file=sys.stderr)
    return 2


def ci_rules(args: argparse.Namespace) -> dict[str, str]:
    """dive's precedence: its defaults, then the rules file, then flags given."""
    from studio.core.dive_ci import DiveConfigError, read_dive_ci

    rules: dict[str, str] = {}
    path = args.ci_config
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as fh:
                rules.update(read_dive_ci(fh.read(), path))
        except (OSError, UnicodeDecodeError) as exc:
            raise DiveConfigError(f"cannot read {path}: {exc}") from None
    elif path != ".dive-ci":
        raise DiveConfigError(f"{path} does not exist")
    for rule in RULES:
        if getattr(args, rule) is not None:
            rules[rule] = getattr(args, rule)
    return rules


def _stage_map(args: argparse.Namespace):
    from studio.core import parse
    from studio.core.options import no_target_message
    from studio.core.files import read_dockerfile
    from studio.engine.mapping import StageMap

    document = parse(read_dockerfile(args.file))
    graph = document.graph(args.target, {})
    if graph.target is None:
        raise ValueError(no_target_message(document.stages, args.target) if args.target
                         else f"{args.file} has no stage")
    return StageMap(document, graph), graph.target


def run(args: argparse.Namespace) -> int:
    """An image's 100,000s of entries make as many objects and no reference cycles: the
    collector's passes over them were ~10 % of a run, so it rests until the run ends."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(args)
    finally:
        if collecting:
            gc.enable()


def _run(args: argparse.Namespace) -> int:
    from studio.engine.early_save import EarlySave

    early = EarlySave.start(args.image)  # the engine starts writing the image now (early_save.py)
    try:
        return _explore(args, early)
    finally:
        if early is not None:
            early.close()


def _explore(args: argparse.Namespace, early) -> int:
    from studio.core.dive_ci import DiveConfigError, evaluate, passed
    from studio.core.files import DockerfileReadError
    from studio.core.layer_files import compare_files
    from studio.core.units import human_size, visible

    if not args.image.strip():
        return _fail("IMAGE is empty: name a local image (name, tag or id)")
    if args.compare is not None and not args.compare.strip():
        return _fail("--compare is empty: name the image to compare with")
    if args.target is not None and not args.file:
        return _fail("--target needs --file: the Dockerfile whose stage the image is")

    try:
        rules = ci_rules(args) if args.ci else {}
        stage_map, stage = _stage_map(args) if args.file else (None, None)
    except (DiveConfigError, DockerfileReadError, ValueError) as exc:
        return _fail(str(exc))
    import docker

    from studio.engine.connection import EngineUnavailable, connect
    from studio.engine.image_archive import ImageArchiveError, PendingSave

    try:
        client = connect()
        pending = PendingSave(client.api, args.image, early)  # the imports meanwhile
        from studio.engine.explore import explore_image

        report = explore_image(client.api, args.image, stage_map, stage, pending)
        before = explore_image(client.api, args.compare) if args.compare else None
    except docker.errors.ImageNotFound as exc:
        missing = args.compare if args.compare and args.compare in str(exc) else args.image
        return _fail(f"no image {missing!r} in the engine (explore reads local images; it never pulls)")
    except docker.errors.APIError as exc:  # the engine's own words, not the request's URL
        return _fail(f"the engine refused: {exc.explanation or exc}")
    except (EngineUnavailable, ImageArchiveError) as exc:
        return _fail(str(exc))
    for warning in report.warnings:
        print(f"stage-studio explore: warning: {visible(warning)}", file=sys.stderr)
    results = evaluate(rules, report.dive.efficiency, report.dive.wasted_bytes,
                       report.dive.wasted_user_percent) if args.ci else []
    deltas = compare_files(before.file_table(), report.file_table()) if before is not None else None
    if args.json:
        out = {}
        if deltas is not None:
            out["compare"] = {"image": args.compare, "files": [
                {"path": d.path, "change": d.change, "before": d.before, "after": d.after, "line": d.line,
                 "stage": d.stage} for d in deltas]}
        if args.ci:
            out["ci"] = {"pass": passed(results),
                         "rules": [{"rule": r.rule, "status": r.status, "message": r.message} for r in results]}
        sys.stdout.write(report.json_text(out) + "\n")  # json.dumps' text of {**report.to_json(), **out}
    else:
        for line in summary(report):
            print(line)
        if deltas is not None:
            if deltas:
                print(f"  since {visible(args.compare)}: {len(deltas)} files changed (largest first)")
            else:
                print(f"  since {visible(args.compare)}: the same paths, each of the same size "
                      "(contents are not compared)")
            for d in deltas[:30]:
                where = f"line {d.line}" if d.line else ""
                print(f"    {d.change:<8} {human_size(abs(d.delta)):>10}  {visible(d.path)}  {where}".rstrip())
        for r in results:
            print(f"  {r.status.upper()}: {r.rule}" + (f": {r.message}" if r.message else ""))
        if args.ci:
            print("Result: PASS" if passed(results) else "Result: FAIL")
    return 0 if not args.ci or passed(results) else 1


def summary(report) -> list[str]:
    """The human view: totals, each layer with what it changed, the waste largest first."""
    from studio.core.units import counted, human_size, percent, visible

    d = report.dive
    lines = [f"{visible(report.image)}  {human_size(report.size)}  ({counted(len(report.layers), 'layer')}, {counted(len(report.files), 'path')})",
             f"  efficiency: {percent(d.efficiency, 4)}   wasted: {human_size(d.wasted_bytes)} (as dive counts)"]
    if report.stacked.buried:
        lines.append(f"  unreachable: {human_size(report.unreachable_bytes)} in "
                     f"{counted(len(report.stacked.buried), 'file')} deleted or replaced by a later layer, "
                     "still in the image")
    for layer in report.layers:  # every layer: one that only deletes is where waste is decided
        where = f"line {layer.line}" if layer.line else ""
        lines.append(f"  {where:>9}  {human_size(layer.size):>10}  {_changed(layer)}{visible(_shortened(layer.instruction))}".rstrip())
    if d.inefficient:
        lines.append("  inefficient files (count, bytes, path):")
        for path, count, size in d.inefficient[:20]:
            lines.append(f"    {count:>3}  {human_size(size):>10}  {visible(path)}")
    return lines


def _changed(layer) -> str:
    """``+3 ~1 -2  `` (paths added, modified, removed), or nothing for a layer that changes none."""
    counts = {"added": 0, "modified": 0, "removed": 0}
    for change in layer.changes:
        counts[change.change] += 1
    text = " ".join(f"{sign}{counts[kind]}" for sign, kind in (("+", "added"), ("~", "modified"), ("-", "removed"))
                    if counts[kind])
    return f"{text:<14}  " if text else " " * 16


def _shortened(instruction: str, width: int = 60) -> str:
    """One line of the instruction, cut at a word boundary with an ellipsis when too long."""
    text = " ".join(instruction.split())
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[:cut if cut > width // 2 else width - 1] + "…"
