"""Lint settings a project keeps beside its Dockerfiles: which rules run and which
registries base images may come from.

Read from the nearest ``.stage-studio.toml`` (top-level keys) or ``pyproject.toml``
(a ``[tool.stage-studio]`` table) in the Dockerfile's folder or a folder above it::

    enable = ["all"]                      # or a list of rule codes (hadolint's DLxxxx too)
    disable = ["FinalUserRoot", "DL3059"]
    trusted-registries = ["docker.io", "ghcr.io/my-org"]

Unknown keys and rule names are reported, never silently ignored.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

CONFIG_NAME = ".stage-studio.toml"
_KEYS = {"enable", "disable", "trusted-registries"}


class LintConfigError(ValueError):
    """A config file that cannot be read or says something lint does not know."""


@dataclass
class LintConfig:
    enable: set[str] | None = None  # None: every rule
    disable: set[str] = field(default_factory=set)
    trusted_registries: list[str] = field(default_factory=list)
    path: Path | None = None  # where it was read from

    def enabled(self, codes) -> set[str] | None:
        """The rule codes to run, out of ``codes`` (None when all of them run)."""
        if self.enable is None and not self.disable:
            return None
        chosen = set(codes) if self.enable is None else set(self.enable)
        return chosen - self.disable


def resolve_names(names, rules) -> set[str]:
    """Rule codes for names that may be our codes (any case) or hadolint's DLxxxx."""
    by_lower = {code.lower(): code for code in rules}
    out: set[str] = set()
    unknown = []
    for name in names:
        key = str(name).strip()
        if key.lower() == "all":
            out.update(rules)
        elif key.lower() in by_lower:
            out.add(by_lower[key.lower()])
        else:
            aliased = {code for code, r in rules.items() if key.upper() in r.hadolint}
            if aliased:
                out.update(aliased)
            else:
                unknown.append(key)
    if unknown:
        raise LintConfigError(f"unknown rule(s): {', '.join(unknown)} (see stage-studio lint --list-rules)")
    return out


def parse_config(text: str, rules, *, table: bool = False, where: str = "config") -> LintConfig | None:
    """The settings in a TOML text; ``table``: they sit in ``[tool.stage-studio]`` (None
    if that table is absent)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LintConfigError(f"{where}: {exc}") from None
    if table:
        data = data.get("tool", {}).get("stage-studio")
        if data is None:
            return None
    unknown = set(data) - _KEYS
    if unknown:
        raise LintConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))} "
                              f"(known: {', '.join(sorted(_KEYS))})")
    config = LintConfig()
    try:
        if "enable" in data:
            config.enable = resolve_names(_strings(data, "enable"), rules)
        config.disable = resolve_names(_strings(data, "disable"), rules)
        config.trusted_registries = [r.strip().rstrip("/").lower()
                                     for r in _strings(data, "trusted-registries") if r.strip()]
    except LintConfigError as exc:
        raise LintConfigError(f"{where}: {exc}") from None
    return config


def _strings(data: dict, key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LintConfigError(f"'{key}' must be a list of strings")
    return value


def find_config(start: Path, rules) -> LintConfig:
    """The settings that apply to files in folder ``start``: the nearest config file at or
    above it (a pyproject.toml without the table does not count)."""
    folder = start.resolve()
    for candidate in [folder, *folder.parents]:
        own = candidate / CONFIG_NAME
        if own.is_file():
            return _read(own, rules, table=False)
        project = candidate / "pyproject.toml"
        if project.is_file():
            found = _read(project, rules, table=True)
            if found is not None:
                return found
    return LintConfig()


def _read(path: Path, rules, *, table: bool) -> LintConfig | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LintConfigError(f"{path}: cannot read it ({exc})") from None
    config = parse_config(text, rules, table=table, where=str(path))
    if config is not None:
        config.path = path
    return config
