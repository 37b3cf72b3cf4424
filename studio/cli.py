"""Command line: ``stage-studio [FILE]`` opens the app; subcommands work headless.

Each subcommand lives in ``studio/commands/<name>.py`` with ``add_arguments(parser)``
and ``run(args) -> int``; they are imported only when used, so a headless command never
loads Qt.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from studio import __version__

SUBCOMMANDS = {
    "graph": "print the stage graph as JSON, DOT or Mermaid",
    "edit": "apply graph operations to a Dockerfile and print (or write) the new text",
    "build": "build with live per-stage progress (and sizes)",
    "export": "draw the stage graph to a PNG or SVG file",
    "lint": "check a Dockerfile for mistakes and size problems",
    "prune": "remove the images Stage Studio made for measuring sizes",
}


def _subcommand_parser() -> tuple[argparse.ArgumentParser, list[str]]:
    parser = argparse.ArgumentParser(
        prog="stage-studio",
        description="Design, understand and shrink multi-stage Docker builds.",
    )
    parser.add_argument("--version", action="version", version=f"stage-studio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    available = []
    for name, help_text in SUBCOMMANDS.items():
        try:
            module = importlib.import_module(f"studio.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"studio.commands.{name}":
                raise
            continue
        p = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
        available.append(name)
    return parser, available


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        parser, _ = _subcommand_parser()
        args = parser.parse_args(argv)
        if not hasattr(args, "_run"):
            parser.error(f"the {argv[0]!r} command is not available in this version")
        try:
            return int(args._run(args) or 0)
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:
            return 0
    if argv and argv[0] in ("-h", "--help", "--version"):
        parser, _ = _subcommand_parser()
        parser.usage = "stage-studio [FILE ...] | stage-studio COMMAND ..."
        parser.parse_args(argv)
        return 0
    return gui_main(argv)


def gui_main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from studio.ui.app import run_app

    return run_app(argv)
