"""ARG declarations, the platform ARGs BuildKit defines, and the meta ARG values a FROM
line is expanded with: one default platform for the whole app."""
from __future__ import annotations

import platform as _platform
from collections.abc import Mapping

from studio.core.shell.lexer import dequote, lex, split_words
from studio.core.shell.written import raw_words


def arg_declarations(args: str, escape: str = "\\") -> list[tuple[str, str | None]]:
    """``ARG A=1 B`` -> [("A", "1"), ("B", None)]; values keep their quotes (they are
    expanded later, as BuildKit does); ``ARG "K=v w"`` gives K the value ``"v w"``."""
    out: list[tuple[str, str | None]] = []
    for word in raw_words(args, escape):
        key, eq, value = word.partition("=")
        for quote in "\"'":  # "K=v w": the opening quote belongs to the value too
            if key.count(quote) % 2:
                value = quote + value
        key = dequote(key, escape)
        if key:
            out.append((key, value if eq else None))
    return out


def key_values(args: str, allow_legacy: bool = True,
               escape: str = "\\") -> tuple[list[tuple[str, str | None]], bool]:
    """ENV/ARG/LABEL arguments as (key, value) pairs, quotes removed; the flag says
    whether the legacy ``KEY value`` form (no ``=``) was used. ARG keys may have no value."""
    words = split_words(args, escape)
    if not words:
        return [], False
    if allow_legacy and "=" not in words[0]:
        stripped = args.strip()
        rest = stripped[len(stripped.split(None, 1)[0]):].strip()
        if rest:
            return [(words[0], rest)], True
    pairs: list[tuple[str, str | None]] = []
    for w in words:
        key, eq, value = w.partition("=")
        pairs.append((key, value if eq else None))
    return pairs, False


# The ARGs BuildKit defines before the first FROM, usable there without declaring.
PLATFORM_ARGS = frozenset({
    "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
    "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
})
_ARCH = {"x86_64": ("amd64", ""), "x86-64": ("amd64", ""), "amd64": ("amd64", ""),
         "aarch64": ("arm64", ""), "arm64": ("arm64", ""), "armhf": ("arm", "v7"),
         "armel": ("arm", "v6"), "arm": ("arm", "v7"), "armv7l": ("arm", "v7"),
         "armv6l": ("arm", "v6"), "i386": ("386", ""), "i686": ("386", ""), "386": ("386", "")}


def local_platform() -> str:
    """This machine's platform in BuildKit's spelling (the engine's when it is local)."""
    arch, variant = _ARCH.get(_platform.machine().lower(), (_platform.machine().lower(), ""))
    return "/".join(p for p in ("linux", arch, variant) if p)


def _split_platform(value: str) -> tuple[str, str, str]:
    parts = [p.strip().lower() for p in value.split("/")]
    os_ = parts[0] if parts and parts[0] else "linux"
    arch, variant = _ARCH.get(parts[1], (parts[1], "")) if len(parts) > 1 else _ARCH["x86_64"]
    if len(parts) > 2:
        variant = parts[2]
    if (arch, variant) in (("arm64", "v8"), ("amd64", "v1")):  # the defaults are not written
        variant = ""
    return os_, arch, variant


def platform_args(target: str | None = None, build: str | None = None) -> dict[str, str]:
    """BuildKit's automatic platform ARGs: ``target`` is the build's ``--platform``
    (default: the build platform), ``build`` the engine's platform (default: this
    machine's). The one default every part of the app uses."""
    out: dict[str, str] = {}
    build = build or local_platform()
    for prefix, value in (("BUILD", build), ("TARGET", target or build)):
        os_, arch, variant = _split_platform(value)
        out.update({f"{prefix}PLATFORM": "/".join(p for p in (os_, arch, variant) if p),
                    f"{prefix}OS": os_, f"{prefix}ARCH": arch, f"{prefix}VARIANT": variant})
    return out


def resolve_meta_args(declared: list[tuple[str, str | None]], build_args: Mapping[str, str] | None,
                      platform: str | None = None, escape: str = "\\",
                      errors: list[tuple[str, str]] | None = None) -> dict[str, str | None]:
    """Values of the meta ARGs (declared before the first FROM), in order: a build arg
    wins; a default is expanded with the ARGs before it; an ARG with neither is set and
    empty, as BuildKit passes it to FROM. ``errors`` collects (name, message) of defaults
    that fail to expand."""
    values: dict[str, str | None] = dict(platform_args(platform))
    build_args = build_args or {}
    for name, default in declared:
        if name in build_args:
            values[name] = build_args[name]
        elif default is not None:
            lexed = lex(default, values, escape)
            if lexed.error and errors is not None:
                errors.append((name, lexed.error))
            values[name] = lexed.text
        else:
            values.setdefault(name, "")
    return values
