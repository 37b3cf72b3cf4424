"""``stage-studio export FILE --png|--svg OUT``: draw the stage graph to a picture, headless."""
from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the Dockerfile to draw ('-' reads standard input)")
    out = parser.add_mutually_exclusive_group(required=True)
    out.add_argument("--png", metavar="OUT", help="write a PNG picture to OUT")
    out.add_argument("--svg", metavar="OUT", help="write an SVG drawing to OUT")
    parser.add_argument("--scale", type=float, default=2.0,
                        help="PNG pixels per graph unit (default: 2, sharp on HiDPI screens)")
    parser.add_argument("--target", metavar="T", help="the stage to build (others are drawn as skipped)")
    parser.add_argument("--build-arg", metavar="K=V", action="append", default=[],
                        help="a build arg value (repeatable)")


def run(args: argparse.Namespace) -> int:
    from studio.commands.graph import load_graph

    if not 0.1 <= args.scale <= 8:
        print("stage-studio export: --scale must be between 0.1 and 8", file=sys.stderr)
        return 2
    graph = load_graph(args, "export")
    if graph is None:
        return 2
    if not graph.stages:
        print(f"stage-studio export: {args.file} has no build stages (no FROM line); nothing to draw",
              file=sys.stderr)
        return 1
    from studio.ui.export import ensure_app, export_png, export_svg

    ensure_app()
    out = args.png or args.svg
    from studio.core.files import hard_link_note

    note = hard_link_note(out)
    try:
        export_png(graph, out, args.scale) if args.png else export_svg(graph, out)
    except OSError as exc:
        print(f"stage-studio export: could not write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    if note:
        print(f"stage-studio export: note: {note}", file=sys.stderr)
    import os
    import stat

    try:
        to_a_file = stat.S_ISREG(os.stat(out).st_mode)
    except OSError:
        to_a_file = False
    # written through a FIFO or /dev/stdout: the message must not mix into the picture
    print(f"wrote {out} ({len(graph.stages)} stages)", file=sys.stdout if to_a_file else sys.stderr)
    return 0
