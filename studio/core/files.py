"""Reading a Dockerfile from disk with clear errors (shared by every command)."""
from __future__ import annotations

import os


class DockerfileReadError(Exception):
    """The file cannot be used as a Dockerfile; the message says why, in plain words."""


def read_dockerfile(path: str | os.PathLike[str]) -> str:
    """The file's text, exactly (a BOM stays as character 0, line endings untouched).

    Raises DockerfileReadError when the file is missing, unreadable, binary or not UTF-8.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise DockerfileReadError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise DockerfileReadError(f"{name}: is a directory, not a Dockerfile") from None
    except OSError as exc:
        raise DockerfileReadError(f"{name}: cannot read it ({exc.strerror or exc})") from None
    if b"\x00" in data:
        raise DockerfileReadError(f"{name}: looks like a binary file (it contains NUL bytes), not a Dockerfile")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DockerfileReadError(
            f"{name}: is not UTF-8 text (invalid byte 0x{data[exc.start]:02x} on line {line}); "
            "save it as UTF-8") from None
