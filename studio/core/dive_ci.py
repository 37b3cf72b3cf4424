"""dive's three CI rules and its ``.dive-ci`` file, so a pipeline can switch tools unchanged.

Facts from dive v0.13.1 (``runtime/ci/rule.go``, ``cmd/root.go``): defaults are
lowestEfficiency 0.9, highestWastedBytes "disabled", highestUserWastedPercent 0.1; the
value "disabled" skips a rule; efficiency fails when threshold > efficiency, wasted bytes
when wasted > threshold (go-humanize's ParseBytes: "20MB" is 20,000,000, "20MiB"
20,971,520), the user percent when threshold < wasted/user. A value that does not parse
makes the configuration misconfigured, which fails. The file is YAML:
``rules:`` then ``  lowestEfficiency: 0.95`` and so on.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

DEFAULTS = {"lowestEfficiency": "0.9", "highestWastedBytes": "disabled", "highestUserWastedPercent": "0.1"}
_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "ki": 2**10, "kib": 2**10, "m": 10**6, "mb": 10**6,
          "mi": 2**20, "mib": 2**20, "g": 10**9, "gb": 10**9, "gi": 2**30, "gib": 2**30, "t": 10**12,
          "tb": 10**12, "ti": 2**40, "tib": 2**40, "p": 10**15, "pb": 10**15, "pi": 2**50, "pib": 2**50}
_BYTES = re.compile(r"^\s*([0-9][0-9,]*\.?[0-9]*|\.[0-9]+)\s*([a-zA-Z]*)\s*$")


class DiveConfigError(ValueError):
    """A ``.dive-ci`` file or threshold that cannot be read (the message says where)."""


def parse_bytes(text: str) -> int:
    """go-humanize's ParseBytes: a number, optional space, an SI or IEC unit."""
    m = _BYTES.match(text)
    if not m or m[2].lower() not in _UNITS:
        raise ValueError(f"cannot read {text!r} as a byte count")
    return int(float(m[1].replace(",", "")) * _UNITS[m[2].lower()])


def read_dive_ci(text: str, name: str = ".dive-ci") -> dict[str, str]:
    """The ``rules`` of a ``.dive-ci`` file (only the keys dive reads; others are ignored)."""
    rules: dict[str, str] = {}
    in_rules = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indented = line[:1] in (" ", "\t")
        key, sep, value = line.strip().partition(":")
        if not sep:
            raise DiveConfigError(f"{name}:{number}: expected 'key: value', got {raw.strip()!r}")
        if not indented:
            in_rules = key.strip() == "rules"
            if in_rules and value.strip():
                raise DiveConfigError(f"{name}:{number}: 'rules:' takes its values on the lines below")
            continue
        if in_rules and key.strip() in DEFAULTS:
            rules[key.strip()] = value.strip().strip("'\"")
    return rules


@dataclass
class RuleResult:
    rule: str
    status: str  # "pass" | "fail" | "skip" | "misconfigured"
    message: str = ""


def evaluate(rules: dict[str, str], efficiency: float, wasted_bytes: int, user_percent: float) -> list[RuleResult]:
    """Each rule's verdict in dive's order; ``rules`` overrides DEFAULTS."""
    values = {**DEFAULTS, **rules}
    out = []
    for key in DEFAULTS:
        value = values[key]
        if value == "disabled":
            out.append(RuleResult(key, "skip", "rule disabled"))
            continue
        try:
            limit = parse_bytes(value) if key == "highestWastedBytes" else float(value)
        except ValueError as exc:
            out.append(RuleResult(key, "misconfigured", f"invalid config value ({value!r}): {exc}"))
            continue
        if key != "highestWastedBytes" and not 0 <= limit <= 1:
            out.append(RuleResult(key, "misconfigured", f"{key} config value is outside allowed range (0-1), given {value!r}"))
            continue
        if key == "lowestEfficiency":
            failed = limit > efficiency
            message = f"image efficiency is too low (efficiency={efficiency:.4f} < threshold={limit})"
        elif key == "highestWastedBytes":
            failed = wasted_bytes > limit
            message = f"too many bytes wasted (wasted-bytes={wasted_bytes} > threshold={limit})"
        else:
            failed = not math.isnan(user_percent) and limit < user_percent
            message = (f"too many bytes wasted, relative to the user bytes added "
                       f"(%-user-wasted-bytes={user_percent:.4f} > threshold={limit})")
        out.append(RuleResult(key, "fail" if failed else "pass", message if failed else ""))
    return out


def passed(results: list[RuleResult]) -> bool:
    return all(r.status in ("pass", "skip") for r in results)
