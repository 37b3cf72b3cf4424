"""``stage-studio graph FILE``: print the stage graph as JSON, DOT or Mermaid."""
from __future__ import annotations

import argparse
import json
import os
import sys

from studio.core import parse
from studio.core.model import StageGraph
from studio.core.files import DockerfileReadError, read_dockerfile
from studio.core.render import graph_to_dot, graph_to_json, graph_to_mermaid


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the Dockerfile to read ('-' reads standard input)")
    parser.add_argument("--format", choices=("json", "dot", "mermaid"), default="json",
                        help="output format (default: json)")
    parser.add_argument("--target", metavar="T", help="the stage to build (name or index; default: the last)")
    parser.add_argument("--build-arg", metavar="K=V", action="append", default=[],
                        help="a build arg value (repeatable)")


def parse_build_args(items: list[str]) -> dict[str, str]:
    """``K=V`` strings to a dict; a bare ``K`` takes its value from the environment, like docker."""
    out: dict[str, str] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not key:
            raise ValueError(f"--build-arg {item!r}: expected KEY=VALUE")
        if not eq:
            if key not in os.environ:
                continue
            value = os.environ[key]
        out[key] = value
    return out


def load_graph(args: argparse.Namespace, command: str) -> StageGraph | None:
    """Read ``args.file`` and build the graph for ``--target``/``--build-arg``.

    Prints a clear error and returns None when the file or the options are unusable;
    shared by the commands that take the same FILE/--target/--build-arg arguments.
    """
    try:
        text = read_dockerfile(args.file)
        build_args = parse_build_args(args.build_arg)
    except (DockerfileReadError, ValueError) as exc:
        print(f"stage-studio {command}: {exc}", file=sys.stderr)
        return None
    graph = parse(text).graph(args.target, build_args)
    if args.target is not None and graph.target is None:
        print(f"stage-studio {command}: there is no stage {args.target!r} in {args.file}", file=sys.stderr)
        return None
    return graph


def run(args: argparse.Namespace) -> int:
    graph = load_graph(args, "graph")
    if graph is None:
        return 2
    if args.format == "json":
        sys.stdout.write(json.dumps(graph_to_json(graph), indent=2, ensure_ascii=False) + "\n")
    elif args.format == "dot":
        sys.stdout.write(graph_to_dot(graph))
    else:
        sys.stdout.write(graph_to_mermaid(graph))
    return 0
