"""The ``docker build`` options users reach for, read as the docker CLI reads them and
checked before anything is sent: ``--network``, ``--add-host``, ``--ulimit``,
``--shm-size``. A value the CLI would refuse gets a message that says what is accepted,
instead of an engine error later (or, worse, a build that quietly ignores it).
"""
from __future__ import annotations

import ipaddress
import re

NETWORK_MODES = ("default", "none", "host")
# the resource names docker's --ulimit knows (go-units' ulimitNameMapping)
ULIMIT_NAMES = ("core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile",
                "nproc", "rss", "rtprio", "rttime", "sigpending", "stack")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3, "t": 1024 ** 4, "p": 1024 ** 5}
_HOSTNAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")  # (fullmatched: $ would let a final newline by)


class OptionError(ValueError):
    """A build option with a value docker build would not take."""


def parse_network(value: str) -> str:
    if value not in NETWORK_MODES:
        raise OptionError(f"--network {value!r} is not a network a build can use "
                          f"(use {', '.join(NETWORK_MODES[:-1])} or {NETWORK_MODES[-1]})")
    return value


def parse_add_host(value: str) -> str:
    """``name:ip`` (or ``name=ip``) as the engine wants it: ``name:ip``. The address may be
    ``host-gateway``, which the engine replaces with its own."""
    sep = "=" if "=" in value else ":"
    name, found, address = value.partition(sep)
    address = address.strip("[]")
    if not found or not name or not address:
        raise OptionError(f"--add-host {value!r} is not HOST:IP")
    if not _HOSTNAME.fullmatch(name):
        raise OptionError(f"--add-host {value!r}: {name!r} is not a host name")
    if address != "host-gateway":
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise OptionError(f"--add-host {value!r}: {address!r} is not an IP address (or host-gateway)") from None
    return f"{name}:{address}"


def parse_ulimit(value: str) -> dict[str, object]:
    """``name=soft[:hard]`` as the Engine API's ``{"Name", "Soft", "Hard"}``."""
    name, found, limits = value.partition("=")
    if not found:
        raise OptionError(f"--ulimit {value!r} is not NAME=SOFT[:HARD]")
    if name not in ULIMIT_NAMES:
        raise OptionError(f"--ulimit {value!r}: unknown limit {name!r} (known: {', '.join(ULIMIT_NAMES)})")
    soft_text, _, hard_text = limits.partition(":")
    try:
        soft = int(soft_text)
        hard = int(hard_text) if hard_text else soft
    except ValueError:
        raise OptionError(f"--ulimit {value!r}: the limits must be whole numbers") from None
    if soft > hard:
        raise OptionError(f"--ulimit {value!r}: the soft limit {soft} is above the hard limit {hard}")
    return {"Name": name, "Soft": soft, "Hard": hard}


def parse_size(value: str, what: str = "--shm-size") -> int:
    """A size as docker reads it (``64m``, ``1g``, ``512k``, plain bytes): units of 1024."""
    match = _SIZE.match(value)
    if not match:
        raise OptionError(f"{what} {value!r} is not a size (for example 64m, 1g or 65536)")
    size = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    if size <= 0:
        raise OptionError(f"{what} {value!r} must be more than 0")
    return size
