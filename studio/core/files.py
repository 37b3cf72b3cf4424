"""Reading a Dockerfile from disk with clear errors (shared by every command)."""
from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterable
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
        return decode_dockerfile(read_stdin(), "standard input")
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


def check_in_place(path: str | os.PathLike[str]) -> None:
    """Refuse, before anything is read, to rewrite what is not a regular file (or a symlink
    to one), as ``sed -i`` does: a FIFO would be read, then block the write-back waiting for
    a second writer's reader; a device or a folder has no text to put back. A missing or
    unreadable file is left for the reading to report."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if not stat.S_ISREG(mode):
        kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise DockerfileReadError(f"{os.fspath(path)}: is {kind}, not a regular file; only a file can be "
                                  "rewritten in place")


def read_stdin() -> bytes:
    """All of standard input; DockerfileReadError when there is none to read (closed with
    ``<&-``, or opened for writing only)."""
    import sys

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise DockerfileReadError("standard input is closed; give a file, or pipe the Dockerfile into '-'")
    try:
        return stream.read()
    except OSError as exc:
        raise DockerfileReadError(f"standard input: cannot read it ({exc.strerror or exc})") from None


def shell_word(name: str) -> str:
    """``name`` as one word a POSIX shell reads back as that name, for a command the user
    may paste: quoted as ``shlex.quote`` quotes (``'my file'"'"'s $HOME;rm.df'``), and a
    name with control or format characters (or bytes that are not UTF-8) in bash's
    ``$'...'`` form, every such character escaped (``$'e\\x1b]0;T\\x07.df'``): pasted, the
    command names the file; printed, it cannot drive the terminal."""
    import shlex

    if name.isprintable():
        return shlex.quote(name)
    import unicodedata

    out = []
    for ch in name:
        code = ord(ch)
        if ch in "\\'":
            out.append("\\" + ch)
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): that byte
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch.isprintable() or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            out.append(ch)
        else:  # a character: \\u for one past ASCII (bash's \\x80..\\xff would be a raw byte)
            out.append(f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "$'" + "".join(out) + "'"


def decode_dockerfile(data: bytes, name: str) -> str:
    """``data`` as Dockerfile text, or DockerfileReadError naming ``name`` (binary, not UTF-8).
    A name with a newline or another control character is shown escaped (``$'a\\x0ab'``), so
    the message stays one line."""
    shown = name if name.isprintable() else shell_word(name)
    if b"\x00" in data:
        utf16 = utf16_kind(data)
        if utf16:
            word = f"./{name}" if name.startswith("-") else name  # '-x' would be an option of iconv's
            how = ("pipe it through `iconv -f UTF-16 -t UTF-8` first" if name == "standard input"
                   else f"convert it, for example with `iconv -f UTF-16 -t UTF-8 {shell_word(word)} > "
                   f"{shell_word(word + '.utf8')}`")
            raise DockerfileReadError(
                f"{shown}: is UTF-16 text ({utf16}), not UTF-8; {how}, or save it as UTF-8 in your editor")
        raise DockerfileReadError(f"{shown}: looks like a binary file (it contains NUL bytes), not a Dockerfile")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DockerfileReadError(
            f"{shown}: is not UTF-8 text (invalid byte 0x{data[exc.start]:02x} on line {line}); "
            "save it as UTF-8") from None


TEMP_SUFFIX = ".stage-studio~"  # "*~" (editors' backup files) in .dockerignore leaves these out
_LEGACY_TEMP = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")  # what older versions left behind
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + "$")
STALE_AFTER = 60.0  # seconds: an older temporary file of a dead process is a leftover


def is_save_temp(name: str) -> bool:
    """Whether ``name`` is exactly what our saves name their temporary files
    (``.NAME.PID.XXXXXXXX.stage-studio~``, see atomic_write_bytes): build contexts never send
    those. A user's ``.notes.stage-studio~`` is not one."""
    return _TEMP.match(name) is not None


def save_temps_note(paths: list[str]) -> str | None:
    """The warning for the save temps a build context left out (None for none): docker
    build would send them, so the user is told, never left to wonder."""
    if not paths:
        return None
    from studio.core.units import visible

    # every name (each is missing from the image, so the user must be able to find it), each as
    # text output shows a file name: a byte that is not UTF-8, or a control character, as \xNN,
    # one form in the text and in --json (a raw surrogate there is not valid JSON)
    shown = ", ".join(visible(p) for p in paths)
    it = "it" if len(paths) == 1 else "them"
    return (f"left out of the build context: {shown} (named like Stage Studio's temporary save "
            f"files, which are never sent; docker build would send {it}: rename {it} to build with {it})")


def utf16_kind(data: bytes) -> str | None:
    """"little-endian" or "big-endian" when ``data`` reads as UTF-16 (a BOM, or ASCII text
    with every other byte NUL, as Windows tools write it), else None."""
    if data[:2] == b"\xff\xfe":
        return "little-endian, with a byte order mark"
    if data[:2] == b"\xfe\xff":
        return "big-endian, with a byte order mark"
    sample = data[:4096]
    if len(sample) >= 4 and len(sample) % 2 == 0:
        odd, even = sample[1::2], sample[0::2]
        if odd.count(0) == len(odd) and even.count(0) == 0:
            return "little-endian"
        if even.count(0) == len(even) and odd.count(0) == 0:
            return "big-endian"
    return None


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes | Iterable[bytes]) -> str | None:
    """Save ``data`` (or its pieces, written as they come) as ``path`` without ever
    leaving half a file: if making a piece fails, the old file stays as it was.

    A regular file (or a symlink to one; the link stays) is replaced atomically: a temporary
    file beside it is written, fsynced and renamed over it, keeping permission bits and owner.
    A read-only file is refused (PermissionError). A FIFO or a character device (``/dev/null``,
    a terminal, ``/dev/stdout``) is written through, never replaced; anything else that is not
    a regular file (a folder, a block device, a socket) is refused with OSError.

    Returns a note for the user, or None: the rename gives a file with several hard links a
    new inode, so its other names keep the old content, and the note says so.
    """
    given = Path(path)
    try:
        seen = os.stat(given)  # follows symlinks, including /dev/stdout -> /proc/self/fd/1
    except FileNotFoundError:
        seen = None
    if seen is not None and not stat.S_ISREG(seen.st_mode):
        _write_through(given, seen, data)
        return None
    target = Path(os.path.realpath(given))
    try:
        old = target.stat()
    except FileNotFoundError:
        old = None
    if old is not None and (not old.st_mode & 0o222 or not os.access(target, os.W_OK)):
        # a rename needs only the folder to be writable: the file's own protection is ours to keep
        raise PermissionError(errno.EACCES, "the file is read-only", str(target))
    remove_stale_temps(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=target.parent)
    except OSError as exc:  # say so about the folder (the real one, through any symlink), not the temporary name
        raise OSError(exc.errno, f"cannot create a file in {target.parent} ({exc.strerror})", str(target.parent)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            for piece in _pieces(data):
                fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
        _copy_ownership(tmp, old)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _sync_folder(target.parent)
    return _links_note(given, old)


def hard_link_note(path: str | os.PathLike[str]) -> str | None:
    """The note atomic_write_bytes will return for ``path`` (for callers that write through
    another layer), or None."""
    try:
        seen = os.stat(path)
    except OSError:
        return None
    return _links_note(Path(path), seen if stat.S_ISREG(seen.st_mode) else None)


def _links_note(given: Path, old: os.stat_result | None) -> str | None:
    if old is None or old.st_nlink < 2:
        return None
    others = old.st_nlink - 1
    return (f"{given} had {others} other hard link{'s' if others > 1 else ''}; the save wrote a new "
            f"file, so {'those names keep' if others > 1 else 'that name keeps'} the old content")


def _write_through(path: Path, seen: os.stat_result, data: bytes | Iterable[bytes]) -> None:
    """Write into a FIFO or a character device as ``cat > path`` would; refuse the rest."""
    mode = seen.st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
    if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        kind = "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a regular file"
        raise OSError(errno.EINVAL, f"it is {kind}; only a regular file, a FIFO or a character device "
                                    "can be written", str(path))
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))  # a FIFO waits for its reader, as cat does
    try:
        for piece in _pieces(data):
            view = memoryview(piece)
            while view:
                written = os.write(fd, view)
                view = view[written:]
    finally:
        os.close(fd)


def _pieces(data: bytes | Iterable[bytes]) -> Iterable[bytes]:
    return (data,) if isinstance(data, (bytes, bytearray, memoryview)) else data


def _copy_ownership(tmp: str, old: os.stat_result | None) -> None:
    if old is None:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        return
    os.chmod(tmp, old.st_mode & 0o7777)
    if (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
        try:  # keep the owner (possible as root, or for a group we are in)
            os.chown(tmp, old.st_uid, old.st_gid)
        except PermissionError:
            pass


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def remove_stale_temps(target: Path) -> list[str]:
    """Delete the temporary files killed saves left in ``target``'s folder: ours, of any
    file there (named after a process that no longer runs), and older versions'
    ``.NAME.XXXXXXXX.tmp`` of ``target`` (private, at least a minute old; that name says
    less, so only the file being saved). Returns the names removed."""
    import time

    removed = []
    try:
        names = os.listdir(target.parent)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        m = _TEMP.match(name)
        if m is None:
            m = _LEGACY_TEMP.match(name)
            if m is None or m.group("name") != target.name:
                continue
        path = target.parent / name
        try:
            st = path.lstat()
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
            continue
        if "pid" in m.groupdict():
            if pid_alive(int(m.group("pid"))):
                continue  # another save is under way right now
        elif stat.S_IMODE(st.st_mode) != 0o600 or now - st.st_mtime < STALE_AFTER:
            continue
        try:
            path.unlink()
            removed.append(name)
        except OSError:
            pass
    return removed


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (ours counts); a process we may not signal exists too."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
