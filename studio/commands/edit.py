"""``stage-studio edit FILE OP... [--in-place]``: apply graph operations headless.

Operations run in the order given, re-parsing between them. The result goes to
stdout byte for byte (CRLF and BOM kept) or, with ``--in-place``, atomically back to
the file. If any operation cannot apply, nothing is printed or written.
"""
from __future__ import annotations

import argparse
import sys

from studio.core.edits_base import EditError
from studio.core.edits_ops import OPERATIONS, Operation, apply_operations
from studio.core.files import DockerfileReadError, check_in_place, read_dockerfile
from studio.core.options import write_atomically


class _Collect(argparse.Action):
    """Keep every operation, in command-line order, in ``args.operations``."""

    def __call__(self, parser, namespace, values, option_string=None):  # noqa: ANN001
        found = list(getattr(namespace, "operations", None) or [])
        found.append((self.const, values))
        namespace.operations = found


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the Dockerfile to edit ('-' reads standard input)")
    group = parser.add_argument_group("operations (applied in the order given)")
    for kind, (metavar, help_text) in OPERATIONS.items():
        group.add_argument(f"--{kind}", action=_Collect, const=kind, dest="operations",
                           metavar=metavar, help=help_text)
    parser.add_argument("--cascade", action="store_true",
                        help="with --remove-stage: also remove the COPY lines and mount flags "
                             "that use the stage, and rebase stages built FROM it")
    parser.add_argument("--in-place", "-i", action="store_true",
                        help="write the result back to FILE (atomically) instead of printing it")
    parser.set_defaults(operations=[])


def run(args: argparse.Namespace) -> int:
    if not args.operations:
        print("stage-studio edit: give at least one operation (see --help)", file=sys.stderr)
        return 2
    if args.in_place and args.file == "-":
        print("stage-studio edit: standard input cannot be edited in place; leave out --in-place", file=sys.stderr)
        return 2
    try:
        if args.in_place:
            check_in_place(args.file)
        text = read_dockerfile(args.file)
    except DockerfileReadError as exc:
        print(f"stage-studio edit: {exc}", file=sys.stderr)
        return 2
    ops = [Operation(kind, value, cascade=args.cascade) for kind, value in args.operations]
    try:
        new_text = apply_operations(text, ops)
    except EditError as exc:
        print(f"stage-studio edit: {exc}", file=sys.stderr)
        return 1
    data = new_text.encode("utf-8")
    if not args.in_place:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    try:
        write_atomically(args.file, data, "edit")
    except OSError as exc:
        print(f"stage-studio edit: cannot write {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2  # as lint --fix: the file is unusable, not the operation
    return 0
