"""Command line: ``stage-studio [FILE]`` opens the app; subcommands work headless.

Each subcommand lives in ``studio/commands/<name>.py`` with ``add_arguments(parser)``
and ``run(args) -> int``; they are imported only when used, so a headless command never
loads Qt. ``export`` draws, so it lives in ``studio.ui.graph.export`` (which loads Qt only
for a PNG): this module is the one place that reaches both the commands and the ui (the
import contracts in pyproject.toml keep them apart otherwise).
"""
from __future__ import annotations

import argparse
import errno
import importlib
import io
import os
import sys

from studio import __version__
from studio.core.units import TerminalWriter
from studio.gc_tuning import tune_collector

SUBCOMMANDS = {
    "graph": "print the stage graph as JSON, DOT or Mermaid",
    "edit": "apply graph operations to a Dockerfile and print (or write) the new text",
    "build": "build with live per-stage progress (and sizes)",
    "export": "draw the stage graph to a PNG or SVG file",
    "lint": "check a Dockerfile for mistakes and size problems",
    "explore": "show an image's layers and files, its waste and dive's CI verdict",
    "prune": "remove the images Stage Studio made for measuring sizes",
}
COMMAND_MODULES = {"export": "studio.ui.graph.export"}


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
    parser.add_argument("--self-test", action="store_true",
                        help="open the window offscreen on a bundled example, paint the graph and a chart, "
                        "and exit 0 when everything works (checks an installed copy; needs no engine)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text, prog=f"stage-studio {name}")
        if name == only:
            module = importlib.import_module(COMMAND_MODULES.get(name, f"studio.commands.{name}"))
            module.add_arguments(p)
            p.set_defaults(_run=module.run)
            parser.set_defaults(_command_parser=p)
    return parser


def main(argv: list[str] | None = None) -> int:
    as_program = argv is None
    if as_program:
        tune_collector()  # the process's collector settings, once (studio/gc_tuning.py says why)
        _guard_stderr()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        if as_program:
            _guard_stdout()
        errors = sys.stderr
        sys.stderr = TerminalWriter(errors)  # no message can carry a raw escape code (see below)
        try:
            return _run_command(argv, as_program)
        finally:
            sys.stderr = errors
    if argv and argv[0] == "--self-test":
        from studio.ui.selftest import run_self_test

        code = run_self_test()
        if as_program:
            _exit_now(code)
        return code
    if argv and argv[0] in ("-h", "--help", "--version"):
        if as_program:
            _guard_stdout()
        _, code = _parse(_parser(), argv, "stage-studio", as_program)
        if as_program:
            _exit_now(code)
        return code
    return gui_main(argv)


def _run_command(argv: list[str], as_program: bool) -> int:
    """A subcommand, with standard error escaped: whatever a message quotes (a stage name, a
    secret id, a file name, an engine's error) shows its control and format characters as
    ``\\xNN`` (``units.terminal_text``), never sends them to the user's terminal."""
    args, code = _parse(_parser(only=argv[0]), argv, f"stage-studio {argv[0]}", as_program)
    if args is None:
        _exit_now(code)
    try:
        code = int(args._run(args) or 0)
        sys.stdout.flush()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:  # the reader went away (`| head -1`): stop quietly, as cat does
        _drop_stdout()
        code = 141
    except OutputError as exc:  # a full disk, a closed stdout: one line, not a traceback
        _drop_stdout()
        print(f"stage-studio {argv[0]}: cannot write the output: {exc.strerror}", file=sys.stderr)
        code = 1
    if as_program:
        _exit_now(code)
    return code


def _parse(parser: argparse.ArgumentParser, argv: list[str], who: str, as_program: bool):
    """``(args, None)``, or ``(None, exit code)`` when argparse ended the command itself
    (``--help``, ``--version``, a bad argument): then what it printed is flushed here, so a
    full or closed output is one line and exit 1, as for the commands' own output. In a
    test's process (not as_program) argparse's SystemExit goes through unchanged."""
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # said by the command's parser, with its usage line (not the top level's)
            getattr(args, "_command_parser", parser).error(f"unrecognized arguments: {' '.join(extra)}")
        return args, None
    except SystemExit as exc:
        if not as_program:
            raise
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _drop_stdout()
        return None, 141
    except OutputError as err:
        _drop_stdout()
        print(f"{who}: cannot write the output: {err.strerror}", file=sys.stderr)
        return None, 1
    return None, code


def _guard_stderr() -> None:
    """Standard error closed (``2>&-``): messages go nowhere. (Python leaves sys.stderr None,
    and ``print(file=None)`` would write them into the command's output instead.)"""
    if sys.stderr is None:
        try:
            sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives until the process ends
        except OSError:
            pass


class OutputError(OSError):
    """Standard output could not take what a command wrote (ENOSPC, EBADF, EIO, ...)."""


class _Output(io.FileIO):
    """File descriptor 1 whose write errors say they came from the output (a command's own
    file errors are its own to report)."""

    def write(self, data):  # type: ignore[override]
        try:
            return super().write(data)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(exc.errno, exc.strerror) from None


class _ClosedOutput(io.RawIOBase):
    """Standard output was closed before we started (``>&-``)."""

    def writable(self) -> bool:
        return True

    def write(self, data):  # type: ignore[override]
        raise OutputError(errno.EBADF, "standard output is closed")


def _guard_stdout() -> None:
    """Route standard output through _Output so a failed write is reported as OutputError."""
    old = sys.stdout
    try:
        raw: io.RawIOBase = _Output(1, "w", closefd=False)
    except OSError:
        raw = _ClosedOutput()
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(raw), encoding=getattr(old, "encoding", None) or "utf-8",
                                  errors=getattr(old, "errors", None) or "strict",
                                  line_buffering=bool(getattr(old, "line_buffering", False)), write_through=False)


def _drop_stdout() -> None:
    """Nothing more can reach the output: later writes and the final flush go nowhere."""
    try:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until the process ends
    except OSError:
        pass


def _exit_now(code: int) -> None:
    """End a finished headless command without the interpreter's slow teardown (tens of
    milliseconds of module and object finalisation that a one-shot command does not need).
    Everything the command wrote is flushed first; its files were already closed."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def gui_main(argv: list[str] | None = None) -> int:
    if argv is None:  # started as stage-studio-gui
        tune_collector()
    argv = list(sys.argv[1:] if argv is None else argv)
    from studio.ui.app import run_app

    return run_app(argv)
