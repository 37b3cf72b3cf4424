"""Instruction flags (``--from=x``, ``--mount=...``) as BuildKit reads them.

``extract_flags`` mirrors BuildKit's extractBuilderFlags: leading words that start
with ``--`` are flags (quotes and backslashes inside them are removed); a bare ``--``
ends the flags. ``parse_mount`` reads a ``--mount`` value (comma-separated key=value
pairs, CSV quoting) and says what is wrong with it, in BuildKit's words.
"""
from __future__ import annotations

import csv
import re

from studio.core.shell import unquote

_SPACE = re.compile(r"[ \t\n\v\f\r]*")
_FLAG = re.compile(r"""--(?:[^ \t\n\v\f\r"'\\]|\\[\s\S]?|"(?:[^"\\]|\\[\s\S]?)*"?|'(?:[^'\\]|\\[\s\S]?)*'?)*""")
_PLAIN_FLAG = re.compile(r"""--([^ \t\n\v\f\r"'\\=]*)(?:=([^ \t\n\v\f\r"'\\]*))?(?=[ \t\n\v\f\r]|\Z)""")
_SIMPLE_FLAG = re.compile(r"""--[^ \t\n\v\f\r"'\\]*""")

# (name, value, start, end, value_start, value_end), positions in the joined line.
RawFlag = tuple[str, "str | None", int, int, "int | None", "int | None"]

MOUNT_TYPES = ("bind", "cache", "tmpfs", "secret", "ssh")
SESSION_MOUNT_TYPES = ("secret", "ssh")
_MOUNT_KEYS = {
    "type", "id", "target", "dst", "destination", "readonly", "ro", "rw", "readwrite", "from",
    "source", "src", "sharing", "mode", "uid", "gid", "required", "size", "env",
}
_BOOL_KEYS = {"readonly", "ro", "rw", "readwrite", "required"}


def extract_flags(line: str, pos: int) -> tuple[list[RawFlag], int]:
    """The flags at ``line[pos:]`` and the index where the remaining arguments begin."""
    flags: list[RawFlag] = []
    if not line.startswith("--", pos):
        if pos >= len(line) or line[pos] not in " \t\n\v\f\r":
            return flags, pos
    n = len(line)
    while True:
        pos = _SPACE.match(line, pos).end()
        if not line.startswith("--", pos):
            return flags, pos
        m = _PLAIN_FLAG.match(line, pos)  # no quotes or escapes: the common case
        if m is not None:
            name, value = m.group(1), m.group(2)
            if not name and value is None:  # a bare "--" ends the flags
                return flags, m.end()
            end = m.end()
            flags.append((name.lower(), value, pos, end, None if value is None else m.start(2), None if value is None else end))
            pos = end
            continue
        m = _SIMPLE_FLAG.match(line, pos)
        if m.end() < n and line[m.end()] not in " \t\n\v\f\r":
            m = _FLAG.match(line, pos)
        raw = m.group()
        word = unquote(raw, single_quote_escapes=True)[2:]
        eq = word.find("=")
        if eq < 0:
            flags.append((word.lower(), None, pos, m.end(), None, None))
        else:
            raw_eq = raw.find("=")
            flags.append((word[:eq].lower(), word[eq + 1:], pos, m.end(), pos + raw_eq + 1, m.end()))
        pos = m.end()


def parse_mount(value: str) -> tuple[str, dict[str, str], list[str]]:
    """(type, options, problems) for one ``--mount`` value. Keys are lower-cased."""
    problems: list[str] = []
    options: dict[str, str] = {}
    if '"' in value:
        try:
            fields = next(csv.reader([value]), [])
        except csv.Error as exc:
            return "bind", {}, [f"the mount options cannot be read ({exc})"]
    else:
        fields = value.split(",")
    for item in fields:
        key, eq, val = item.partition("=")
        key = key.lower()
        if not key:
            continue
        if key not in _MOUNT_KEYS:
            problems.append(f"unexpected key '{key}' in '{item}'")
            continue
        if not eq and key not in _BOOL_KEYS:
            problems.append(f"invalid field '{item}' must be a key=value pair")
            continue
        options[key] = val if eq else "true"
    mount_type = options.get("type", "bind").lower()
    if mount_type not in MOUNT_TYPES:
        problems.append(f'unsupported mount type "{options.get("type")}"')
    # (No target is fine: BuildKit mounts at the working directory, refusing only "/".
    # Lint's mount-target rule says when that is the case.)
    return mount_type, options, problems


def mount_target(options: dict[str, str]) -> str | None:
    for key in ("target", "dst", "destination"):
        if key in options:
            return options[key]
    return None


def mount_source(options: dict[str, str]) -> str | None:
    for key in ("source", "src"):
        if key in options:
            return options[key]
    return None


def secret_mount_id(options: dict[str, str]) -> str:
    """The secret a ``--mount=type=secret`` reads: its ``id``, or (as BuildKit) the
    target's last name; "" when it names neither."""
    return options.get("id") or (mount_target(options) or "").rstrip("/").rsplit("/", 1)[-1]


def mount_required(options: dict[str, str]) -> bool:
    """``required`` as BuildKit's ParseBool reads it (a bare ``required`` is true)."""
    return options.get("required", "false").lower() in ("1", "t", "true")


def secret_ids(instructions) -> dict[str, bool]:
    """Every secret the RUN lines among ``instructions`` mount, in order: id -> whether
    some mount of it is required (a build without it then fails)."""
    out: dict[str, bool] = {}
    for ins in instructions:
        for mount in getattr(ins, "mounts", None) or []:
            ident = secret_mount_id(mount.options) if mount.type == "secret" else ""
            if ident:
                out[ident] = out.get(ident, False) or mount_required(mount.options)
    return out
