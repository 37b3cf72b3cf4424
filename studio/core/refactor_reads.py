"""Files a builder would take away: what an extracted step writes that a later step of the
stage still names.

Extracting steps into a builder stage brings back only the named paths. A file the moved
steps write elsewhere (``echo conf > /etc/app.conf``) is then missing for a later step
that reads it, and the build breaks or changes. Shell is not analysed in full here: a path
counts as written when it follows a redirection or is an argument of a command that makes
files (``mkdir``, ``touch``, ``cp``, ``mv``, ``ln``, ``tee``, ``install``), or is a COPY/ADD
destination; it counts as used when a later instruction names it or a path below it. A
file used without being named (a program found on ``PATH``) is not seen.
"""
from __future__ import annotations

import re

from studio.core.model import Instruction

_TOKENS = re.compile(r">>?|&&|\|\||[;|()]|'[^']*'|\"[^\"]*\"|[^\s;&|<>()]+")
_MAKERS = frozenset(("mkdir", "touch", "cp", "mv", "ln", "tee", "install"))
_SYSTEM = ("/dev/", "/proc/", "/sys/")
_PATH = re.compile(r"(?<![\w$}])/[\w.@+-][\w.@+/-]*")


def written_paths(ins: Instruction) -> set[str]:
    """Absolute paths ``ins`` makes, as far as its text says."""
    if ins.keyword in ("COPY", "ADD"):
        words = ins.json_args if ins.json_form and ins.json_args else ins.args.split()
        dest = words[-1] if words else ""
        return {dest.rstrip("/") or "/"} if dest.startswith("/") else set()
    if ins.keyword != "RUN" or ins.json_form:
        return set()
    out: set[str] = set()
    command, after_redirect = None, False
    for token in _TOKENS.findall(ins.args):
        if token in ("&&", "||", ";", "|", "(", ")"):
            command, after_redirect = None, False
            continue
        if token in (">", ">>"):
            after_redirect = True
            continue
        word = token.strip("'\"")
        if command is None and "=" not in word:
            command = word.rsplit("/", 1)[-1]
            continue
        if (after_redirect or command in _MAKERS) and word.startswith("/"):
            out.add(word.rstrip("/") or "/")
        after_redirect = False
    return {p for p in out if not p.startswith(_SYSTEM) and p != "/"}


def named_paths(ins: Instruction) -> set[str]:
    """Every absolute path ``ins`` names in its arguments."""
    return {m.group().rstrip("/") for m in _PATH.finditer(ins.args)} - {""}


def _under(path: str, folder: str) -> bool:
    folder = folder.rstrip("/")
    return path == folder or path.startswith(folder + "/") or folder == ""


def left_behind(moving: list[Instruction], later: list[Instruction],
                kept: list[str]) -> tuple[Instruction, str, Instruction] | None:
    """(later instruction, path, moved instruction) for the first path a moved step writes,
    outside every kept path, that a later step names; None when there is none."""
    for moved in moving:
        for path in sorted(written_paths(moved)):
            if any(_under(path, k) for k in kept):
                continue
            for ins in later:
                if any(_under(named, path) for named in named_paths(ins)):
                    return ins, path, moved
    return None
