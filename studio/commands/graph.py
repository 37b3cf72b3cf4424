"""``stage-studio graph FILE``: print the stage graph as JSON, DOT or Mermaid."""
from __future__ import annotations

import argparse
import json
import sys

from studio.core.options import UnusableInput, load_graph
from studio.core.render import graph_to_dot, graph_to_json, graph_to_mermaid


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the Dockerfile to read ('-' reads standard input)")
    parser.add_argument("--format", choices=("json", "dot", "mermaid"), default="json",
                        help="output format (default: json)")
    parser.add_argument("--target", metavar="T", help="the stage to build (name or index; default: the last)")
    parser.add_argument("--build-arg", metavar="K=V", action="append", default=[],
                        help="a build arg value (repeatable)")


def run(args: argparse.Namespace) -> int:
    try:
        graph = load_graph(args.file, args.target, args.build_arg)
    except UnusableInput as exc:
        print(f"stage-studio graph: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        sys.stdout.write(json.dumps(graph_to_json(graph), indent=2, ensure_ascii=False) + "\n")
    elif args.format == "dot":
        sys.stdout.write(graph_to_dot(graph))
    else:
        sys.stdout.write(graph_to_mermaid(graph))
    return 0
