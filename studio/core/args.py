"""ARG declarations and ``$VAR`` expansion, as BuildKit applies them to FROM lines.

Only ARGs declared before the first FROM (meta ARGs) are visible to ``FROM``; a build
arg overrides a declared ARG's default and is ignored otherwise. Supported forms:
``$V``, ``${V}``, ``${V:-d}``, ``${V-d}``, ``${V:+x}``, ``${V+x}``, ``${V:?m}``,
``${V?m}``, plus single quotes (no expansion), double quotes and backslash escapes.
Key/value splitting uses dockerfile-parse's ``WordSplitter`` (the project's choice).
"""
from __future__ import annotations

import platform
import re

from dockerfile_parse.util import WordSplitter

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACED = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(:?[-+?])?")


def parse_arg_declarations(args: str) -> list[tuple[str, str | None]]:
    """``ARG A=1 B`` -> [("A", "1"), ("B", None)]; values keep their quotes. Never raises."""
    out: list[tuple[str, str | None]] = []
    try:
        words = list(WordSplitter(args).split(dequote=False))
    except Exception:  # a stray quote or escape: fall back to plain splitting
        words = args.split()
    for word in words:
        key, eq, value = word.partition("=")
        for quote in "\"'":  # "K=v w": the opening quote belongs to the value too
            if key.count(quote) % 2:
                value = quote + value
        key = dequote(key)
        if key:
            out.append((key, value if eq else None))
    return out


def dequote(word: str) -> str:
    """Quotes and escapes removed (dockerfile-parse's WordSplitter), no expansion."""
    try:
        return WordSplitter(word).dequote()
    except Exception:
        return word


def builtin_platform_args() -> dict[str, str]:
    """The automatic platform ARGs BuildKit defines for FROM (local platform)."""
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    plat = f"linux/{arch}"
    out = {}
    for prefix in ("TARGET", "BUILD"):
        out.update({f"{prefix}PLATFORM": plat, f"{prefix}OS": "linux", f"{prefix}ARCH": arch, f"{prefix}VARIANT": ""})
    return out


def expand(word: str, values: dict[str, str | None]) -> str:
    """Expand ``$VAR`` forms in one word; unset names become empty, like BuildKit."""
    if "$" not in word and "'" not in word and '"' not in word and "\\" not in word:
        return word
    out: list[str] = []
    i, n = 0, len(word)
    quote = ""
    while i < n:
        ch = word[i]
        if ch == "\\" and quote != "'" and i + 1 < n:
            out.append(word[i + 1])
            i += 2
        elif ch in "'\"" and (not quote or quote == ch):
            quote = "" if quote else ch
            i += 1
        elif ch == "$" and quote != "'":
            text, i = _dollar(word, i, values)
            out.append(text)
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _dollar(word: str, i: int, values: dict[str, str | None]) -> tuple[str, int]:
    m = _NAME.match(word, i + 1)
    if m:
        return values.get(m.group()) or "", m.end()
    m = _BRACED.match(word, i + 1)
    close = _closing_brace(word, m.end()) if m else -1
    if close < 0:
        return "$", i + 1
    name, op, arg = m.group(1), m.group(2), word[m.end():close]
    end = close + 1
    value = values.get(name)
    is_set = value is not None
    non_empty = bool(value)
    if op is None:
        return value or "", end
    present = non_empty if op.startswith(":") else is_set
    kind = op[-1]
    if kind == "-":
        return (value or "") if present else expand(arg, values), end
    if kind == "+":
        return expand(arg, values) if present else "", end
    return value or "", end  # "?": BuildKit fails the build when unset; keep it empty


def _closing_brace(word: str, pos: int) -> int:
    """Index of the ``}`` that closes a ``${`` (nested ``${...}`` allowed), or -1."""
    depth = 0
    while pos < len(word):
        ch = word[pos]
        if ch == "\\":
            pos += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return pos
            depth -= 1
        pos += 1
    return -1


def resolve_meta_args(declared: list[tuple[str, str | None]],
                      build_args: dict[str, str] | None) -> dict[str, str | None]:
    """Values of the meta ARGs in order: a build arg wins, defaults may use earlier ARGs."""
    values: dict[str, str | None] = dict(builtin_platform_args())
    build_args = build_args or {}
    for name, default in declared:
        if name in build_args:
            values[name] = build_args[name]
        elif default is not None:
            values[name] = expand(default, values)
        else:
            values.setdefault(name, None)
    return values
