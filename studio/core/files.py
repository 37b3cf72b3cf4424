"""Reading a Dockerfile from disk with clear errors (shared by every command)."""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


class DockerfileReadError(Exception):
    """The file cannot be used as a Dockerfile; the message says why, in plain words."""


def read_dockerfile(path: str | os.PathLike[str]) -> str:
    """The file's text, exactly (a BOM stays as character 0, line endings untouched);
    ``-`` reads standard input, as the docker CLI does.

    Raises DockerfileReadError when the file is missing, unreadable, binary or not UTF-8.
    """
    name = os.fspath(path)
    if name == "-":
        import sys

        return decode_dockerfile(sys.stdin.buffer.read(), "standard input")
    try:
        with open(name, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise DockerfileReadError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise DockerfileReadError(f"{name}: is a directory, not a Dockerfile") from None
    except OSError as exc:
        raise DockerfileReadError(f"{name}: cannot read it ({exc.strerror or exc})") from None
    return decode_dockerfile(data, name)


def decode_dockerfile(data: bytes, name: str) -> str:
    """``data`` as Dockerfile text, or DockerfileReadError naming ``name`` (binary, not UTF-8)."""
    if b"\x00" in data:
        raise DockerfileReadError(f"{name}: looks like a binary file (it contains NUL bytes), not a Dockerfile")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DockerfileReadError(
            f"{name}: is not UTF-8 text (invalid byte 0x{data[exc.start]:02x} on line {line}); "
            "save it as UTF-8") from None


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, fsync, then rename it over: never half a
    file, and the file keeps its permission bits and owner. A symlink is followed (its
    target is replaced, the link stays). A read-only file is refused (PermissionError)."""
    path = Path(os.path.realpath(path))
    try:
        old = path.stat()
    except FileNotFoundError:
        old = None
    if old is not None and (not old.st_mode & 0o222 or not os.access(path, os.W_OK)):
        # a rename needs only the folder to be writable: the file's own protection is ours to keep
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # say so about the folder, not the temporary name
        raise OSError(exc.errno, f"cannot create a file in its folder ({exc.strerror})", str(path.parent)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if old is not None:
            os.chmod(tmp, old.st_mode & 0o7777)
            if (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
                try:  # keep the owner (possible as root, or for a group we are in)
                    os.chown(tmp, old.st_uid, old.st_gid)
                except PermissionError:
                    pass
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass
