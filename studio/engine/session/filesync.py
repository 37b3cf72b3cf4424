"""The session's file sync (``moby.filesync.v1.FileSync/DiffCopy``): the engine pulls the
build context and the Dockerfile from us, and asks only for files it does not already
hold from the last build with the same shared key. That is what makes a rebuild after a
one-file change send one file instead of the whole context.

The packet stream (fsutil's ``Send``, read from its public source): we send one STAT
packet per entry in walk order (each folder's names sorted bytewise, a folder before what
it holds), then an empty STAT; the engine answers with REQ packets naming entries by
their number in that walk; for each we send the file's bytes in DATA packets and an empty
DATA; a FIN from the engine is answered with FIN and the call ends. An ERR packet carries
an error to the other side ("error from sender: ...").

Which files: the engine sends the patterns in the call's metadata (``exclude-patterns``
from .dockerignore, ``include-patterns`` and ``followpaths`` when it wants only some
files, ``dir-name`` for which folder); we apply them on our side with the same matcher the
tar upload uses, so nothing excluded ever leaves the machine.
"""
from __future__ import annotations

import fnmatch
import hashlib
import os
import stat as st
from collections.abc import Callable, Iterator
from typing import Any
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_plus

from studio.engine.dockerignore import IgnoreMatcher, clean
from studio.engine.protowire import field_bytes, field_varint, read_message, varint
from studio.core.units import visible
from studio.engine.session.grpc_server import INTERNAL, NOT_FOUND, Call, GrpcError

PACKET_STAT, PACKET_REQ, PACKET_DATA, PACKET_FIN, PACKET_ERR = range(5)
CHUNK = 32 * 1024  # bytes per DATA packet, as fsutil sends them

# Go's os.FileMode bits (fsutil sends Go modes, not Unix st_mode).
GO_DIR, GO_SYMLINK, GO_DEVICE, GO_PIPE, GO_SOCKET = 1 << 31, 1 << 27, 1 << 26, 1 << 25, 1 << 24
GO_SETUID, GO_SETGID, GO_CHARDEV, GO_STICKY = 1 << 23, 1 << 22, 1 << 21, 1 << 20
GO_IRREGULAR = 1 << 19
GO_TYPE = GO_DIR | GO_SYMLINK | GO_PIPE | GO_SOCKET | GO_DEVICE | GO_CHARDEV | GO_IRREGULAR  # os.ModeType


def go_mode(mode: int) -> int:
    """A Unix ``st_mode`` as fsutil sends it: Go's ``os.FileMode`` less the socket bit,
    which fsutil clears, so a socket goes as a regular file of its size (0)."""
    out = mode & 0o777
    kind = st.S_IFMT(mode)
    if kind == st.S_IFDIR:
        out |= GO_DIR
    elif kind == st.S_IFLNK:
        out |= GO_SYMLINK
    elif kind == st.S_IFBLK:
        out |= GO_DEVICE
    elif kind == st.S_IFCHR:
        out |= GO_DEVICE | GO_CHARDEV
    elif kind == st.S_IFIFO:
        out |= GO_PIPE
    if mode & st.S_ISUID:
        out |= GO_SETUID
    if mode & st.S_ISGID:
        out |= GO_SETGID
    if mode & st.S_ISVTX:
        out |= GO_STICKY
    return out


def encode_stat(path: str, mode: int, size: int, mtime_ns: int, linkname: str = "", uid: int = 0,
                gid: int = 0, rdev: int = 0) -> bytes:
    # One call per context entry (10,000 for a large context), so the common fields are
    # written inline: path (1) and mode (2) are never empty; zero varints are left out.
    # A name is sent as the bytes the file system holds (as the Go client does): one that
    # is not UTF-8 came from os.scandir with surrogate escapes and goes back to its bytes.
    name = path.encode("utf-8", "surrogateescape")
    out = b"\x0a" + varint(len(name)) + name + b"\x10" + varint(mode)
    if uid:
        out += b"\x18" + varint(uid)
    if gid:
        out += b"\x20" + varint(gid)
    if size:
        out += b"\x28" + varint(size)
    if mtime_ns:
        out += b"\x30" + varint(mtime_ns)
    if linkname:
        out += field_bytes(7, linkname.encode("utf-8", "surrogateescape"))
    if rdev:
        # devmajor (8) and devminor (9), split as fsutil splits them: a 12-bit major, a
        # 20-bit minor (bits past those are dropped, as the Go client drops them).
        major, minor = (rdev >> 8) & 0xFFF, (rdev & 0xFF) | ((rdev >> 12) & 0xFFF00)
        out += field_varint(8, major) + field_varint(9, minor)
    return out


def packet(kind: int, stat: bytes | None = None, ident: int = 0, data: bytes = b"") -> bytes:
    out = field_varint(1, kind)
    if stat is not None:
        out += field_bytes(2, stat, keep_empty=True)
    return out + field_varint(3, ident) + field_bytes(4, data)


@dataclass(slots=True)
class Entry:
    rel: str  # slash path inside the synced folder
    source: str | None  # the file on disk (None: held in memory)
    stat: os.stat_result | None
    content: bytes | None = None  # for an entry held in memory (unsaved Dockerfile text)
    hardlink: str = ""  # another name of the same file, listed before this one

    def encoded(self) -> bytes:
        if self.content is not None:
            # A time made from the content: the same text is not sent again, a changed one is.
            stamp = int.from_bytes(hashlib.sha256(self.content).digest()[:7], "big")
            return encode_stat(self.rel, 0o644, len(self.content), stamp)
        s = self.stat
        assert s is not None
        is_dir = st.S_ISDIR(s.st_mode)
        link = os.readlink(self.source) if st.S_ISLNK(s.st_mode) and self.source is not None else self.hardlink
        # uid and gid 0: the docker CLI resets them too, so the image does not carry ours.
        # Device numbers: fsutil reads them for any entry whose st_mode shares a bit with
        # S_IFBLK (so for devices; links and sockets have none).
        rdev = s.st_rdev if not is_dir and s.st_mode & st.S_IFBLK else 0
        return encode_stat(self.rel, go_mode(s.st_mode), 0 if is_dir else s.st_size, s.st_mtime_ns, link,
                           rdev=rdev)

    @property
    def requestable(self) -> bool:
        """Whether the engine may ask for this entry's bytes: its Go mode has no type bits
        (fsutil's fileCanRequestData). That holds for a regular file and for a socket,
        whose socket bit fsutil clears; FIFOs, devices, links and folders are never asked for."""
        return self.content is not None or (self.stat is not None and go_mode(self.stat.st_mode) & GO_TYPE == 0)

    @property
    def socket(self) -> bool:
        return self.content is None and self.stat is not None and st.S_ISSOCK(self.stat.st_mode)


@dataclass
class SyncedDir:
    """A folder the engine may ask for by name (``context``, ``dockerfile``), with files
    that replace or add to what is on disk (the editor's unsaved text)."""

    root: Path | None  # None: a folder that exists only in memory (a Dockerfile from stdin)
    overrides: dict[str, bytes] = field(default_factory=dict)
    skip: Callable[[str], bool] | None = None  # our own leave-outs (temporary save files)


@dataclass
class SyncStats:
    """What one build sent through the session (for the build's events and the bench)."""

    files_listed: int = 0
    files_sent: int = 0
    bytes_sent: int = 0
    by_dir: dict[str, int] = field(default_factory=dict)  # bytes sent per folder name
    files_by_dir: dict[str, int] = field(default_factory=dict)
    listings: dict[str, Any] = field(default_factory=dict)  # folder -> hash of what was listed

    def digest(self, name: str) -> str | None:
        """A digest of a folder's listing (paths, modes, sizes, times): what the engine also
        relies on to tell that nothing changed. None when the engine did not ask for it."""
        listing = self.listings.get(name)
        return listing.hexdigest() if listing is not None else None


class _Filter:
    """The engine's include/exclude/follow patterns for one call, as fsutil applies them."""

    def __init__(self, includes: list[str], excludes: list[str], follow: list[str]) -> None:
        self.excludes = IgnoreMatcher(excludes) if excludes else None
        wanted = [clean(p).lstrip("/") for p in [*includes, *follow] if p]
        self.includes = IgnoreMatcher(wanted) if wanted else None
        self.include_texts = wanted

    def excluded(self, rel: str, parent: tuple[bool, ...] | None = None) -> tuple[bool, tuple[bool, ...] | None]:
        """BuildKit's answer for ``rel`` given its folder's per-pattern results, and the
        results for its children (see dockerignore.IgnoreMatcher.ignored_buildkit)."""
        if self.excludes is None:
            return False, None
        return self.excludes.ignored_buildkit(rel, parent)

    def included(self, rel: str) -> bool:
        return self.includes is None or self.includes.ignored(rel)  # "ignored" = matched

    def may_hold(self, rel_dir: str, excluded: bool) -> bool:
        """Could something below this folder be included or re-included?"""
        if self.includes is not None and not self.included(rel_dir):
            if not any(_could_match_below(p, rel_dir) for p in self.include_texts):
                return False
        if excluded:
            return self.excludes is not None and self.excludes.buildkit_enters(rel_dir)
        return True


def _could_match_below(pattern: str, rel_dir: str) -> bool:
    parts, dirs = pattern.split("/"), rel_dir.split("/")
    for i, name in enumerate(dirs):
        if i >= len(parts):
            return False
        if parts[i] == "**":
            return True
        if not fnmatch.fnmatchcase(name, parts[i]):
            return False
    return len(parts) > len(dirs)


def walk(synced: SyncedDir, filt: _Filter) -> Iterator[Entry]:
    """Entries in fsutil's order; a folder is listed only when it is included itself or
    holds something that is (so a re-included file brings its parent folders)."""
    overrides = dict(synced.overrides)

    def visit(folder: str | None, rel_dir: str, results: tuple[bool, ...] | None) -> Iterator[Entry]:
        names: dict[str, str | None] = {}
        if folder is not None:
            try:
                with os.scandir(folder) as it:
                    for item in it:
                        names[item.name] = item.path
            except OSError as exc:
                raise GrpcError(NOT_FOUND, f"open {visible(folder)}: {(exc.strerror or str(exc)).lower()}") from None
        prefix = f"{rel_dir}/" if rel_dir else ""
        for rel in list(overrides):
            head, _, rest = rel[len(prefix):].partition("/") if rel.startswith(prefix) else ("", "", "")
            if head and head not in names:
                names[head] = None
        for name in sorted(names, key=lambda n: n.encode("utf-8", "surrogateescape")):
            rel = prefix + name
            if synced.skip is not None and synced.skip(rel):
                continue
            path = names[name]
            excluded, mine = filt.excluded(rel, results)
            if rel in overrides:
                if filt.included(rel) and not excluded:
                    yield Entry(rel, path, None, overrides[rel])
                continue
            if path is None:  # a folder that only holds overrides
                below = list(visit(None, rel, mine))
                if below:
                    yield Entry(rel, None, os.stat_result((st.S_IFDIR | 0o755, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
                    yield from below
                continue
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                continue  # gone since the folder was read
            if st.S_ISDIR(info.st_mode):
                wanted = filt.included(rel) and not excluded
                if not wanted and not filt.may_hold(rel, excluded):
                    continue
                below = visit(path, rel, mine)
                if wanted:
                    yield Entry(rel, path, info)
                    yield from below
                else:
                    first = next(below, None)
                    if first is not None:
                        yield Entry(rel, path, info)
                        yield first
                        yield from below
            elif filt.included(rel) and not excluded:
                yield linked(Entry(rel, path, info))

    def linked(entry: Entry) -> Entry:
        # A file with more than one name goes once; each later name goes as a link to the
        # first one listed (fsutil's linkname, with the file's size), so the image holds
        # hard links as with docker build. "First" is among what is sent: a name that
        # .dockerignore leaves out is no original (as fsutil's hardlink reset does).
        # fsutil keys by inode alone; we add the device, so a mount inside the context is
        # never linked to a file that merely shares an inode number.
        info = entry.stat
        if info is not None and info.st_nlink > 1 and not st.S_ISLNK(info.st_mode):
            first = originals.setdefault((info.st_dev, info.st_ino), entry.rel)
            if first != entry.rel:
                entry.hardlink = first
        return entry

    originals: dict[tuple[int, int], str] = {}
    yield from visit(None if synced.root is None else str(synced.root), "", None)


class DiffCopyHandler:
    """One DiffCopy call: list the folder, then send what the engine asks for."""

    def __init__(self, call: Call, dirs: dict[str, SyncedDir], stats: SyncStats) -> None:
        meta = _decoded(call.metadata)
        name = (meta.get("dir-name") or [""])[0]
        synced = dirs.get(name)
        if synced is None:
            raise GrpcError(NOT_FOUND, f'no access allowed to dir "{name}"')
        self.name = name
        self.stats = stats
        self.filter = _Filter(meta.get("include-patterns", []), meta.get("exclude-patterns", []),
                              meta.get("followpaths", []))
        self.files: dict[int, Entry] = {}
        call.send_all(self._listing(call, synced))

    def _listing(self, call: Call, synced: SyncedDir) -> Iterator[bytes]:
        listing = self.stats.listings[self.name] = hashlib.sha256()
        rel, where = "", "after"  # where a fault happened: inside the walk, or at an entry
        try:
            for number, entry in enumerate(walk(synced, self.filter)):
                rel, where = entry.rel, ""
                if entry.requestable:
                    self.files[number] = entry
                self.stats.files_listed += 1
                encoded = entry.encoded()
                where = "after"
                listing.update(len(encoded).to_bytes(4, "big") + encoded)
                yield packet(PACKET_STAT, encoded)
        except GrpcError as exc:  # an unreadable folder: the engine reports "error from sender: ..."
            yield packet(PACKET_ERR, data=exc.message.encode())
            call.finish(exc.code, exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - any fault ends this call with the file's name
            message = _fault(self.name, rel, exc, where)
            yield packet(PACKET_ERR, data=message.encode())
            call.finish(INTERNAL, message)
            return
        yield packet(PACKET_STAT)

    def on_message(self, call: Call, payload: bytes) -> None:
        msg = read_message(payload)
        kind = int(msg.get(1, [0])[0])
        if kind == PACKET_REQ:
            ident = int(msg.get(3, [0])[0])
            entry = self.files.pop(ident, None)
            if entry is None:
                call.send(packet(PACKET_ERR, data=f"invalid file id {ident}".encode()))
                call.finish(NOT_FOUND, f"invalid file id {ident}")
                return
            call.send_all(self._content(call, ident, entry))
        elif kind == PACKET_FIN:
            call.send(packet(PACKET_FIN))
            call.finish()
        elif kind == PACKET_ERR:
            data = msg.get(4, [b""])[0]
            text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
            call.finish(NOT_FOUND, f"error from receiver: {text}")

    def _content(self, call: Call, ident: int, entry: Entry) -> Iterator[bytes]:
        self.stats.files_sent += 1
        self.stats.files_by_dir[self.name] = self.stats.files_by_dir.get(self.name, 0) + 1
        if entry.content is not None:
            for start in range(0, len(entry.content), CHUNK):
                yield self._data(ident, entry.content[start:start + CHUNK])
            yield packet(PACKET_DATA, ident=ident)
            return
        assert entry.source is not None and entry.stat is not None
        if entry.socket:
            # fsutil cannot open a socket (ENXIO) and then sends no bytes: an empty file.
            yield packet(PACKET_DATA, ident=ident)
            return
        expected = entry.stat.st_size
        sent = 0
        try:
            with open(entry.source, "rb") as handle:
                while True:
                    chunk = handle.read(CHUNK)
                    if not chunk:
                        break
                    sent += len(chunk)
                    if sent > expected:
                        break
                    yield self._data(ident, chunk)
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            message = f"open {visible(str(entry.source))}: {reason}"
            call.send(packet(PACKET_ERR, data=message.encode()))
            call.finish(NOT_FOUND, message)
            return
        except Exception as exc:  # noqa: BLE001 - any fault ends this call with the file's name
            message = _fault(self.name, entry.rel, exc)
            call.send(packet(PACKET_ERR, data=message.encode()))
            call.finish(INTERNAL, message)
            return
        if sent != expected:
            message = (f"{visible(str(entry.source))} changed size while it was being sent "
                       f"({expected} bytes listed, {sent} read)")
            call.send(packet(PACKET_ERR, data=message.encode()))
            call.finish(NOT_FOUND, message)
            return
        yield packet(PACKET_DATA, ident=ident)

    def _data(self, ident: int, chunk: bytes) -> bytes:
        self.stats.bytes_sent += len(chunk)
        self.stats.by_dir[self.name] = self.stats.by_dir.get(self.name, 0) + len(chunk)
        return packet(PACKET_DATA, ident=ident, data=chunk)

    def on_half_close(self, call: Call) -> None:
        pass

    def on_cancel(self, call: Call) -> None:
        self.files.clear()


def _fault(folder: str, rel: str, exc: BaseException, where: str = "") -> str:
    """One line for a fault while sending ``rel``: the engine shows it as the build's error
    ("error from sender: ..."), so it names the file, never only the exception."""
    what = visible(rel) if not where else f"the entry after {visible(rel)}" if rel else "the first entry"
    return f"cannot send {what} from the {folder} folder: {type(exc).__name__}: {visible(str(exc))}"


def _decoded(metadata: dict[str, list[str]]) -> dict[str, list[str]]:
    """BuildKit percent-encodes non-ASCII values and says so with ``KEY-encoded: 1``; each
    value of a repeated key arrives as its own header field."""
    out: dict[str, list[str]] = {}
    for key, values in metadata.items():
        flag = metadata.get(f"{key}-encoded")
        encoded = bool(flag) and flag[0].lower() in ("1", "true")
        out[key] = [unquote_plus(v) if encoded else v for v in values]
    return out
