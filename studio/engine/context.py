"""The build context as a streamed GNU tar: measured before upload, never held in memory.

What reaches the engine is what the docker CLI sends, so ``COPY .`` sees the same files:
a Dockerfile inside the context travels as its own entry (unsaved text takes the place of
the file, as a save would), and for the classic builder one from elsewhere goes under a
name that the context's .dockerignore then lists, as the CLI does (the engine drops it).
BuildKit given a tar reads the Dockerfile from it and applies no .dockerignore (checked on
20.10 and 26.1): every entry reaches ``COPY .``, so a Dockerfile docker build would not
send there cannot go that way at all (``buildkit_refusal``). The user's files are never
written.
"""
from __future__ import annotations

import os
import stat
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from studio.core.files import is_save_temp
from studio.engine.dockerignore import IgnoreMatcher, load

BLOCK = 512
CHUNK = 256 * 1024
LARGE_CONTEXT = 100 * 1024 * 1024


class ContextError(Exception):
    """The context cannot be sent (missing directory, bad .dockerignore)."""


@dataclass
class Entry:
    name: str  # slash path inside the tar
    path: Path | None  # file on disk; None for generated content
    info: tarfile.TarInfo
    data: bytes | None = None  # generated content
    header: bytes = b""

    @property
    def tar_size(self) -> int:
        return len(self.header) + _padded(self.info.size if self.info.isreg() else 0)


@dataclass
class BuildContext:
    """Files to send, in walk order; ``size`` is exactly the number of bytes ``chunks()`` yields."""

    context_dir: Path
    entries: list[Entry] = field(default_factory=list)
    ignore_file: Path | None = None
    size: int = 0
    dockerfile: str = ""  # the Dockerfile's name in the context (the build's dockerfile=)
    # the Dockerfile entry is not a file docker build's context would hold (it comes from
    # elsewhere, or .dockerignore leaves it out): only the classic builder drops it again
    dockerfile_added: bool = False
    dockerfile_path: Path | None = None  # where the text lives; None: standard input or unsaved
    skipped_temps: list[str] = field(default_factory=list)  # our save temps left out (see temps_note)
    dockerfile_outside: bool = False  # not inside the context (or no file at all)

    @property
    def files(self) -> int:
        return sum(1 for e in self.entries if e.info.isreg())

    @property
    def warning(self) -> str | None:
        if self.size <= LARGE_CONTEXT:
            return None
        hint = "" if self.ignore_file else " (there is no .dockerignore)"
        return (f"the build context is {self.size / 1e6:.0f} MB{hint}: every build uploads it; "
                "exclude what the build does not need in .dockerignore")

    digest: str | None = None  # sha256 of the last complete stream (identifies the content)

    def buildkit_refusal(self, session_off: bool = True) -> str | None:
        """Why BuildKit cannot take this context as a tar (None: it can). BuildKit reads the
        Dockerfile from the tar and applies no .dockerignore to it, so ``COPY .`` would copy
        a Dockerfile that docker build's context never holds; no build may ship that.
        ``session_off``: the build turned the session off (else the engine has none)."""
        if not self.dockerfile_added:
            return None
        if self.dockerfile_path is None:
            what, remedy = "a Dockerfile from standard input", "save it inside the context"
        elif self.dockerfile_outside:
            what, remedy = f"{self.dockerfile_path} (outside the context)", "move it into the context"
        else:
            ignore = self.ignore_file.name if self.ignore_file is not None else ".dockerignore"
            what, remedy = (f"{self.dockerfile_path}, which {ignore} leaves out,",
                            f"stop excluding it in {ignore}")
        way = "build with a session (without --no-session), or " if session_off else "this engine offers no session: "
        return (f"{what} cannot be built without a BuildKit session: the engine would read it from the "
                "uploaded context, where COPY . copies it too (docker build's context would not hold it); "
                f"{way}{remedy}")

    def chunks(self, cancelled=None) -> Iterator[bytes]:
        """The tar stream; stops with ``InterruptedError`` once ``cancelled()`` is true.
        Sets ``digest`` once the whole stream has been produced."""
        import hashlib

        hasher = hashlib.sha256()
        for chunk in self._chunks(cancelled):
            hasher.update(chunk)
            yield chunk
        self.digest = hasher.hexdigest()

    def _chunks(self, cancelled) -> Iterator[bytes]:
        for entry in self.entries:
            if cancelled is not None and cancelled():
                raise InterruptedError("build cancelled while sending the context")
            yield entry.header
            if not entry.info.isreg():
                continue
            if entry.data is not None:
                yield entry.data
            else:
                yield from _file_chunks(entry.path, entry.info.size, cancelled)
            pad = _padded(entry.info.size) - entry.info.size
            if pad:
                yield bytes(pad)
        yield bytes(2 * BLOCK)


def _file_chunks(path: Path | None, size: int, cancelled) -> Iterator[bytes]:
    """The file's bytes, exactly ``size`` of them: a file that cannot be opened, is no
    longer a regular file or changed size since the scan stops the upload (ContextError),
    so the engine never receives bytes the file does not hold."""
    try:
        # O_NONBLOCK: a file replaced by a FIFO since the scan must not hang the upload
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # type: ignore[arg-type]
    except OSError as exc:
        raise ContextError(_unreadable(path, exc)) from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ContextError(f"cannot send the build context: {path} is no longer a regular file")
        expected = size
        try:
            while size > 0:
                if cancelled is not None and cancelled():
                    raise InterruptedError("build cancelled while sending the context")
                data = fh.read(min(CHUNK, size))
                if not data:
                    break
                size -= len(data)
                yield data
            grew = not size and fh.read(1)
        except OSError as exc:
            if isinstance(exc, InterruptedError):
                raise
            raise ContextError(_unreadable(path, exc)) from None
    if size or grew:
        raise ContextError(
            f"cannot send the build context: {path} changed size while it was being sent "
            f"({expected} bytes when the context was scanned); build again once nothing writes to it")
    return 0


def _unreadable(path, exc: OSError) -> str:
    """The CLI's wording ("error from sender: open ctx/locked: permission denied")."""
    reason = (exc.strerror or str(exc)).lower()
    return f"cannot send the build context: open {path}: {reason}"


def _padded(n: int) -> int:
    return (n + BLOCK - 1) // BLOCK * BLOCK


def _info(name: str, st: os.stat_result) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.mode = stat.S_IMODE(st.st_mode)
    info.mtime = int(st.st_mtime)
    info.uid = info.gid = 0  # as the CLI sends contexts: owned by root
    info.uname = info.gname = ""
    return info


def _special(info: tarfile.TarInfo, st: os.stat_result) -> bool:
    """Make ``info`` a FIFO or device entry, as the classic CLI's tar writes them (pkg/archive:
    type, permission bits, the device's major and minor); False for anything else."""
    if stat.S_ISFIFO(st.st_mode):
        info.type = tarfile.FIFOTYPE
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        info.type = tarfile.CHRTYPE if stat.S_ISCHR(st.st_mode) else tarfile.BLKTYPE
        info.devmajor, info.devminor = os.major(st.st_rdev), os.minor(st.st_rdev)
    else:
        return False
    return True


def _header(info: tarfile.TarInfo) -> bytes:
    return info.tobuf(format=tarfile.GNU_FORMAT, encoding="utf-8", errors="surrogateescape")


def scan(context_dir: str | os.PathLike, dockerfile_text: str, dockerfile_name: str,
         dockerfile_path: str | os.PathLike | None = None, files: bool = True,
         hide_outside: bool = False, backend: str = "buildkit") -> BuildContext:
    """Walk the context honouring .dockerignore the way ``backend``'s client does ("buildkit"
    or "classic"). A Dockerfile at ``dockerfile_path`` inside the context is sent as its own
    entry, carrying ``dockerfile_text``; any other goes in as ``dockerfile_name``, which
    ``hide_outside`` adds to .dockerignore (the CLI's way).
    ``files=False`` sends the Dockerfile alone (for builds that read nothing from the context)."""
    root = Path(context_dir)
    if not files:
        return _finish(BuildContext(root), dockerfile_text, dockerfile_name)
    if not root.is_dir():
        raise ContextError(f"the build context {str(root)!r} is not a directory")
    try:
        matcher, ignore_file = load(root, dockerfile_path, backend)
    except ValueError as exc:
        raise ContextError(str(exc)) from exc
    ctx = BuildContext(root, ignore_file=ignore_file)
    own = place_in_context(root, dockerfile_path)
    ctx.dockerfile_path = Path(dockerfile_path) if dockerfile_path is not None else None
    ctx.dockerfile_outside = own is None
    data = dockerfile_text.encode("utf-8")
    first_names: dict[tuple[int, int], str] = {}  # a file with several names: the first one sent
    for name, path, st in _walk(root, matcher, backend != "classic", ctx.skipped_temps):
        if name == own:  # (a Dockerfile read from a FIFO travels as its text, not as the FIFO)
            if stat.S_ISREG(st.st_mode):
                ctx.entries.append(_own_entry(name, path, st, data))
            continue
        if name == dockerfile_name and own is None:
            continue
        info = _info(name, st)
        if stat.S_ISDIR(st.st_mode):
            info.type = tarfile.DIRTYPE
        elif stat.S_ISLNK(st.st_mode):
            info.type = tarfile.SYMTYPE
            info.linkname = os.readlink(path)
        elif stat.S_ISREG(st.st_mode) and st.st_nlink > 1 and (st.st_dev, st.st_ino) in first_names:
            # a later name of a file already sent: a hard link to the first, as the classic
            # CLI's tar (pkg/archive) and buildx's file sync send it; the image then holds
            # one file with two names, not two copies (compared with both on both engines)
            info.type = tarfile.LNKTYPE
            info.linkname = first_names[st.st_dev, st.st_ino]
        elif stat.S_ISREG(st.st_mode):
            _check_readable(path)
            info.size = st.st_size
            if st.st_nlink > 1:
                first_names[st.st_dev, st.st_ino] = name
        elif _special(info, st):
            pass  # FIFOs and devices travel as they are; each engine makes of them what it
            # makes of docker build's (classic and 26.1 keep them; 20.10's BuildKit turns a
            # device into an empty file and drops a FIFO), checked on both engines
        elif backend == "classic":
            continue  # a socket: the classic CLI skips it
        else:
            # a socket: buildx sends it as an empty file (checked on 20.10 and 26.1); it is
            # never opened here
            ctx.entries.append(Entry(name, path, info, b""))
            continue
        ctx.entries.append(Entry(name, path, info))
    if own is not None:
        if not any(e.name == own for e in ctx.entries):  # .dockerignore leaves it out: the engine still needs it
            ctx.entries.append(_own_entry(own, Path(root, own), None, data))
            ctx.dockerfile_added = True
        return _finish(ctx, None, own)
    if hide_outside:
        _list_in_dockerignore(ctx, dockerfile_name)
    ctx.dockerfile_added = True
    return _finish(ctx, dockerfile_text, dockerfile_name)


def place_in_context(root: Path, dockerfile_path: str | os.PathLike | None) -> str | None:
    """The Dockerfile's slash path inside the context, or None when it lies elsewhere
    (symbolic links resolved, as the CLI resolves them)."""
    if dockerfile_path is None:
        return None
    real_root, real_file = os.path.realpath(root), os.path.realpath(dockerfile_path)
    rel = os.path.relpath(real_file, real_root)
    if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return None
    return rel.replace(os.sep, "/")


def _own_entry(name: str, path: Path, st: os.stat_result | None, data: bytes) -> Entry:
    """The Dockerfile's own entry: the file itself when the text is what it holds, else the
    text in its place, with the file's mode, as a save would leave it."""
    try:
        st = st or path.stat()
        same = False
        if stat.S_ISREG(st.st_mode):  # (never open a FIFO: it would wait for a writer)
            with open(path, "rb") as fh:
                same = fh.read(len(data) + 1) == data
    except OSError:
        st, same = None, False
    if st is not None and same and stat.S_ISREG(st.st_mode):
        info = _info(name, st)
        info.size = st.st_size
        return Entry(name, path, info)
    info = tarfile.TarInfo(name)
    info.mode = stat.S_IMODE(st.st_mode) if st is not None else 0o644
    info.mtime = int(st.st_mtime) if st is not None else 0  # stable: the same text, the same stream
    info.size = len(data)
    return Entry(name, None, info, data)


def _list_in_dockerignore(ctx: BuildContext, name: str) -> None:
    """Add ``name`` to the context's .dockerignore, creating one that also lists itself if
    there is none: what the docker CLI does with a Dockerfile from outside the context."""
    for index, entry in enumerate(ctx.entries):
        if entry.name == ".dockerignore" and entry.info.isreg():
            try:
                old = entry.path.read_bytes() if entry.path is not None else (entry.data or b"")
            except OSError as exc:
                raise ContextError(_unreadable(entry.path, exc)) from None
            content = old + b"\n" + name.encode() + b"\n"
            info = entry.info
            info.size = len(content)
            ctx.entries[index] = Entry(entry.name, None, info, content)
            return
    content = b".dockerignore\n" + name.encode() + b"\n"
    info = tarfile.TarInfo(".dockerignore")
    info.size, info.mode, info.mtime = len(content), 0o600, int(time.time())
    ctx.entries.append(Entry(".dockerignore", None, info, content))


def _check_readable(path: Path) -> None:
    """Fail now, as the CLI does, on a file we may not read (never send zeros for it)."""
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
    except OSError as exc:
        raise ContextError(_unreadable(path, exc)) from None


def _finish(ctx: BuildContext, dockerfile_text: str | None, dockerfile_name: str) -> BuildContext:
    """Add the Dockerfile text as ``dockerfile_name`` (unless it is already an entry: None)."""
    if dockerfile_text is not None:
        data = dockerfile_text.encode("utf-8")
        info = tarfile.TarInfo(dockerfile_name)
        info.size, info.mode, info.mtime = len(data), 0o600, 0  # fixed: same text, same stream
        ctx.entries.append(Entry(dockerfile_name, None, info, data))
    ctx.dockerfile = dockerfile_name
    for entry in ctx.entries:
        entry.header = _header(entry.info)
    ctx.size = sum(e.tar_size for e in ctx.entries) + 2 * BLOCK
    return ctx


def _walk(root: Path, matcher: IgnoreMatcher, buildkit: bool,
          skipped_temps: list[str]) -> Iterator[tuple[str, Path, os.stat_result]]:
    """Depth-first in name order, applying .dockerignore as the builder's client does (see
    studio.engine.dockerignore); our own temporary save files are never sent: each one
    .dockerignore would have let through is listed in ``skipped_temps``."""
    # each folder to read: (its path in the tar, on disk, BuildKit's per-pattern results,
    # its excluded ancestors not sent yet: sent once something inside them is)
    stack: list[tuple[str, Path, tuple[bool, ...] | None, list[list]]] = [("", root, None, [])]
    while stack:
        rel_dir, directory, results, unsent = stack.pop()
        try:
            names = sorted(os.listdir(directory))
        except PermissionError as exc:
            if buildkit and unsent and unsent[-1][0] == rel_dir:
                continue  # an excluded folder BuildKit only looked into: it skips it too
            raise ContextError(_unreadable(directory, exc)) from None
        except OSError as exc:  # the CLI fails too: an unreadable folder is never sent empty
            raise ContextError(_unreadable(directory, exc)) from None
        subdirs = []
        for entry_name in names:
            rel = f"{rel_dir}/{entry_name}" if rel_dir else entry_name
            path = directory / entry_name
            try:
                st = path.lstat()
            except FileNotFoundError:
                continue  # deleted while we looked: it is simply not there
            except OSError as exc:
                raise ContextError(_unreadable(path, exc)) from None
            is_dir = stat.S_ISDIR(st.st_mode)
            temp = stat.S_ISREG(st.st_mode) and is_save_temp(entry_name)  # a save under way, or killed
            if buildkit:
                excluded, mine = matcher.ignored_buildkit(rel, results)
                if excluded:
                    if is_dir and matcher.buildkit_enters(rel):
                        subdirs.append((rel, path, mine, [*unsent, [rel, path, st, False]]))
                    continue
                if temp:
                    skipped_temps.append(rel)
                    continue
                for ancestor in unsent:
                    if not ancestor[3]:
                        ancestor[3] = True
                        yield ancestor[0], ancestor[1], ancestor[2]
                yield rel, path, st
                if is_dir:
                    subdirs.append((rel, path, mine, []))
                continue
            if matcher.ignored_classic(rel) and rel != ".dockerignore":
                if is_dir and matcher.may_reinclude_below(rel):
                    subdirs.append((rel, path, None, []))
                continue
            if temp:
                skipped_temps.append(rel)
                continue
            yield rel, path, st
            if is_dir:
                subdirs.append((rel, path, None, []))
        stack.extend(reversed(subdirs))  # depth-first, keeping name order
