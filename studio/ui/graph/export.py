"""Draw a stage graph to an SVG file without Qt, and the ``stage-studio export`` command.

The command lives here, not in studio/commands, because drawing is the ui's business; a
PNG is drawn by Qt (png_export.py, imported only for ``--png``), an SVG is written from
plain geometry (picture.py, svg_writer.py), so ``export --svg`` never loads Qt.
"""
from __future__ import annotations

import argparse
import gc
import os
import stat
import sys
from pathlib import Path

from studio.core.files import atomic_write_bytes
from studio.core.model import StageGraph
from studio.core.units import counted, visible
from studio.gc_tuning import paused
from studio.ui.graph.picture import plan_picture
from studio.ui.graph.svg_writer import svg_parts
from studio.ui.graph.theme_values import DEFAULT_PALETTE, Colors, theme_colors


def export_svg(graph: StageGraph, path: str | os.PathLike, positions: dict | None = None, expanded=None,
               routes: dict | None = None, colors: Colors | None = None) -> bool:
    """Write an SVG of ``graph`` (vector: boxes, curves and real text), replacing the file
    atomically; OSError says why it could not. ``positions``, ``expanded`` and ``routes``
    carry over what the user sees in the view; ``colors``: the window's theme (default:
    the colours a desktop without a palette of its own gets)."""
    with paused():  # (the picture's objects hold no cycles: studio/gc_tuning.py)
        picture = plan_picture(graph, positions, expanded, routes)
        parts = svg_parts(picture, colors or theme_colors(*DEFAULT_PALETTE))
        atomic_write_bytes(Path(path), (part.encode("ascii") for part in parts))  # (svg_writer writes ASCII)
        del picture, parts  # (freed by reference counting before the collector is back: its next pass skips them)
    return True


# ``stage-studio export FILE --png|--svg OUT``: studio.cli runs it like a command module.

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the Dockerfile to draw ('-' reads standard input)")
    out = parser.add_mutually_exclusive_group(required=True)
    out.add_argument("--png", metavar="OUT", help="write a PNG picture to OUT ('-': standard output, not a terminal)")
    out.add_argument("--svg", metavar="OUT", help="write an SVG drawing to OUT ('-': standard output)")
    parser.add_argument("--scale", type=float, default=2.0,
                        help="PNG pixels per graph unit (default: 2, sharp on HiDPI screens)")
    parser.add_argument("--target", metavar="T", help="the stage to build (others are drawn as skipped)")
    parser.add_argument("--build-arg", metavar="K=V", action="append", default=[],
                        help="a build arg value (repeatable)")


def run(args: argparse.Namespace) -> int:
    from studio.core.options import UnusableInput, load_graph

    if not 0.1 <= args.scale <= 8:
        print("stage-studio export: --scale must be between 0.1 and 8", file=sys.stderr)
        return 2
    out = args.png or args.svg
    refused = _refuse_output(args.file, out, bool(args.png))
    if refused:
        print(f"stage-studio export: {refused}", file=sys.stderr)
        return 2
    try:
        graph = load_graph(args.file, args.target, args.build_arg)
    except UnusableInput as exc:
        print(f"stage-studio export: {exc}", file=sys.stderr)
        return 2
    wrong = _wrong_suffix(out, "png" if args.png else "svg")
    if wrong:
        print(f"stage-studio export: {wrong}", file=sys.stderr)
        return 2
    if not graph.stages:
        print(f"stage-studio export: {args.file} has no build stages (no FROM line); nothing to draw",
              file=sys.stderr)
        return 1
    if out == "-":
        return _to_standard_output(graph, args)
    from studio.core.files import hard_link_note

    note = hard_link_note(out)
    # The process ends once the picture is written and its objects go with it: the
    # collector stays off (when export_svg turned it back on, its next pass walked the
    # whole parsed file, 15 ms of 0.45 s for the 800-stage bench file, and found nothing).
    gc.disable()
    try:
        _draw(graph, out, args)
    except OSError as exc:
        print(f"stage-studio export: could not write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    if note:
        print(f"stage-studio export: note: {note}", file=sys.stderr)
    try:
        to_a_file = stat.S_ISREG(os.stat(out).st_mode)
    except OSError:
        to_a_file = False
    # written through a FIFO or /dev/stdout: the message must not mix into the picture
    print(f"wrote {visible(out)} ({counted(len(graph.stages), 'stage')})", file=sys.stdout if to_a_file else sys.stderr)
    return 0


def _draw(graph: StageGraph, out: str, args: argparse.Namespace) -> None:
    if args.png:
        from studio.ui.graph.png_export import export_png  # (Qt: only for a PNG)

        export_png(graph, out, args.scale)
    else:
        export_svg(graph, out)


def _refuse_output(source: str, out: str, png: bool) -> str | None:
    """Why ``out`` must not be written: it is the Dockerfile being drawn (the same file by
    any name: a symlink, a hard link, or standard input redirected from it; for ``-``,
    standard output appended to or opened on it), or ``-`` for a PNG while standard output
    is a terminal."""
    if out == "-":
        if png and os.isatty(1):
            return "--png - would print a binary picture on the terminal; redirect it or give a file name"
        try:  # (``>> F`` or ``1<> F``: ``> F`` has emptied F before we start)
            written, read = os.fstat(1), (os.fstat(0) if source == "-" else os.stat(source))
        except (OSError, ValueError):
            return None  # a closed output (reported when written), or an input the reading reports
        if stat.S_ISREG(written.st_mode) and os.path.samestat(written, read):
            what = "standard input" if source == "-" else source
            return (f"standard output is the Dockerfile being drawn ({what}); writing the picture there "
                    "would change it")
        return None
    try:
        written = os.stat(out)
        read = os.fstat(0) if source == "-" else os.stat(source)
    except (OSError, ValueError):
        return None  # a new file, or an input the reading will report
    if os.path.samestat(written, read):
        same = "" if out == source else " (standard input)" if source == "-" else f" (the same file as {source})"
        return f"{out} is the Dockerfile being drawn{same}; writing the picture there would replace it"
    return None


def _to_standard_output(graph: StageGraph, args: argparse.Namespace) -> int:
    """``--svg -`` / ``--png -``: draw into a private file, then copy it to standard output
    (a failed drawing prints nothing; a full or closed output is studio.cli's to report)."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="stage-studio-export-") as folder:
        path = os.path.join(folder, "picture.png" if args.png else "picture.svg")
        try:
            _draw(graph, path, args)
        except OSError as exc:
            print(f"stage-studio export: could not draw the picture: {exc.strerror or exc}", file=sys.stderr)
            return 1
        with open(path, "rb") as picture:
            shutil.copyfileobj(picture, sys.stdout.buffer)
    sys.stdout.flush()
    print(f"wrote standard output ({counted(len(graph.stages), 'stage')})", file=sys.stderr)
    return 0


_PICTURE_SUFFIXES = {".png", ".svg", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".pdf", ".eps"}


def _wrong_suffix(out: str, kind: str) -> str | None:
    """Why ``out`` would be a lie: a picture name of another format than the one written
    (``--png g.jpg`` wrote PNG bytes under a JPEG name). Other names (a FIFO, /dev/stdout,
    no suffix) are taken as given."""
    suffix = os.path.splitext(str(out))[1].lower()
    if suffix in _PICTURE_SUFFIXES and suffix != f".{kind}":
        return (f"--{kind} writes {kind.upper()} data, but {out} is named {suffix}; "
                f"name it .{kind}" + (" (or use --svg)" if suffix == ".svg" else " (or use --png)" if suffix == ".png" else ""))
    return None
