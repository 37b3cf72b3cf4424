"""Command line: ``stage-studio [FILE]`` opens the app; subcommands work headless.

Each subcommand lives in ``studio/commands/<name>.py`` with ``add_arguments(parser)``
and ``run(args) -> int``; they are imported only when used, so a headless command never
loads Qt.
"""
from __future__ import annotations

import argparse
import importlib
import os
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


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that subcommand's module is imported
    (startup time matters: `stage-studio build` is compared against the docker CLI)."""
    parser = argparse.ArgumentParser(
        prog="stage-studio",
        usage="stage-studio [FILE ...] | stage-studio COMMAND ...",
        description="Design, understand and shrink multi-stage Docker builds. "
        "Without a command, opens FILE in the app.",
    )
    parser.add_argument("--version", action="version", version=f"stage-studio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == only:
            module = importlib.import_module(f"studio.commands.{name}")
            module.add_arguments(p)
            p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    as_program = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        args = _parser(only=argv[0]).parse_args(argv)
        try:
            code = int(args._run(args) or 0)
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            code = 130
        except BrokenPipeError:
            code = 0
        if as_program:
            _exit_now(code)
        return code
    if argv and argv[0] in ("-h", "--help", "--version"):
        _parser().parse_args(argv)
        return 0
    return gui_main(argv)


def _exit_now(code: int) -> None:
    """End a finished headless command without the interpreter's slow teardown (tens of
    milliseconds of module and object finalisation that a one-shot command does not need).
    Everything the command wrote is flushed first; its files were already closed."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    os._exit(code)


def gui_main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from studio.ui.app import run_app

    return run_app(argv)
