"""Command-line input and output every headless command shares: ``KEY=VALUE`` options,
the FILE/--target/--build-arg graph, and writing a file in place. One place, so ``graph``, ``lint``, ``build`` and
``export`` read the same option the same way (they may not import each other)."""
from __future__ import annotations

import os
from typing import Literal

import sys
from pathlib import Path

from studio.core.files import DockerfileReadError, atomic_write_bytes, read_dockerfile
from studio.core.model import StageGraph


def parse_pairs(items: list[str] | None, option: str = "--build-arg",
                bare: Literal["environment", "empty"] = "environment") -> dict[str, str]:
    """``KEY=VALUE`` strings to a dict, later ones winning, as docker takes them.

    A bare ``KEY`` takes its value from the environment (and is left out when the
    environment has none), as ``docker build --build-arg KEY`` does; with
    ``bare="empty"`` it is an empty value, as ``--label KEY`` is. Raises ValueError
    naming ``option`` for an item without a key.
    """
    out: dict[str, str] = {}
    for item in items or []:
        key, eq, value = item.partition("=")
        if not key:
            raise ValueError(f"{option} {item!r}: expected KEY=VALUE")
        if not eq:
            if bare == "empty":
                value = ""
            elif key in os.environ:
                value = os.environ[key]
            else:
                continue
        out[key] = value
    return out


class UnusableInput(Exception):
    """The file or an option cannot be used; the message says why, for ``stage-studio CMD: ...``."""


def load_graph(path: str, target: str | None, build_args: list[str] | None) -> StageGraph:
    """The stage graph of the Dockerfile at ``path`` (``-`` is standard input) for
    ``--target`` and ``--build-arg``; UnusableInput when the file or an option is unusable."""
    from studio.core import parse

    try:
        text = read_dockerfile(path)
        values = parse_pairs(build_args)
    except (DockerfileReadError, ValueError) as exc:
        raise UnusableInput(str(exc)) from None
    document = parse(text)
    graph = document.graph(target, values)
    if target is not None and graph.target is None:
        raise UnusableInput(no_target_message(document.stages, target))
    return graph


def no_target_message(stages, target: str | int) -> str:
    """What every command says when ``--target`` names no stage: what can be typed instead."""
    from studio.core.model import stage_choices

    return f"there is no stage {target!r} to build (stages: {stage_choices(stages, '--target')})"


def write_atomically(path: str, data: bytes, command: str) -> None:
    """Replace ``path`` atomically (see studio.core.files.atomic_write_bytes); a note about
    hard links that the save split goes to stderr as ``stage-studio COMMAND: note: ...``."""
    note = atomic_write_bytes(Path(path), data)
    if note:
        print(f"stage-studio {command}: note: {note}", file=sys.stderr)
