"""Files and safety: decoding with line-ending memory, atomic saves, recent files,
crash recovery and a watcher for changes made on disk under the editor.

The editor always holds LF text without a BOM (QTextDocument's own convention). What the
file looked like on disk (its newline, its BOM) is kept in a ``FileFormat`` so an
unchanged document saves back to the very same bytes.

Mixed line endings (some CRLF, some LF, a lone CR, or U+2029, which QTextDocument turns
into a line break) cannot survive that round trip. Such a file opens normally with a
warning banner; nothing is written unless the user saves, and saving writes the file's
majority ending on every line. Text that is not UTF-8 (or holds NUL bytes) opens
read-only, shown with replacement characters, and cannot be saved at all.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from studio.core.files import atomic_write_bytes  # noqa: F401  (re-exported for the window)
from studio.core.files import pid_alive, utf16_kind

from PySide6.QtCore import QFileSystemWatcher, QObject, QSettings, QStandardPaths, QTimer, Signal

BOM = "\ufeff"
MAX_RECENT = 10
SETTLE_MS = 120  # a change on disk is looked at once the writer has been quiet this long


@dataclass
class FileFormat:
    """How a file's text was stored on disk, to write it back the same way."""

    newline: str = "\n"
    has_bom: bool = False
    mixed_newlines: bool = False  # saved with ``newline`` everywhere: told to the user on open
    read_only_reason: str = ""  # non-empty: the text shown is not the file's (not UTF-8, binary)
    legacy_encoding: str = ""  # not UTF-8 but reads as this (offered: reopen, convert on save)
    converted_from: str = ""  # read as this encoding; saving writes UTF-8

    @property
    def read_only(self) -> bool:
        return bool(self.read_only_reason)

    def describe(self) -> str:
        ending = {"\n": "LF", "\r\n": "CRLF", "\r": "CR"}.get(self.newline, "LF")
        encoding = "not UTF-8" if self.read_only else ("UTF-8 with BOM" if self.has_bom else "UTF-8")
        if self.converted_from:
            encoding = f"{ENCODING_NAMES.get(self.converted_from, self.converted_from)} → UTF-8 on save"
        return f"{encoding} · {ending}" + (" (mixed)" if self.mixed_newlines else "")


ENCODING_NAMES = {"cp1252": "Windows-1252 (Western European)", "latin-1": "ISO-8859-1 (Latin-1)",
                  "utf-16": "UTF-16", "utf-16-le": "UTF-16 (little-endian)", "utf-16-be": "UTF-16 (big-endian)"}
BINARY = "it looks like a binary file (it contains NUL bytes), not a Dockerfile"


def legacy_encoding(data: bytes) -> str:
    """The encoding a non-UTF-8 text most likely uses: UTF-16 (as Windows tools write it),
    else an 8-bit one; "" for binary data."""
    if b"\x00" in data:
        kind = utf16_kind(data)
        if kind is None:
            return ""
        has_bom = data[:2] in (b"\xff\xfe", b"\xfe\xff")
        return "utf-16" if has_bom else ("utf-16-le" if kind == "little-endian" else "utf-16-be")
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:  # one of the five bytes Windows-1252 leaves undefined
        return "latin-1"


def decode_file(data: bytes, encoding: str = "") -> tuple[str, FileFormat]:
    """Turn a file's bytes into editor text (LF, no BOM) and the format to save it back.

    Text that is not UTF-8 (or holds NUL bytes) is shown with replacement characters and
    marked read-only: saving it would silently change bytes the user never saw. With
    ``encoding`` (the user chose to convert) it is read as that and saved as UTF-8.
    """
    fmt = FileFormat()
    try:
        text = data.decode(encoding or "utf-8")
        fmt.converted_from = encoding
        if "\x00" in text:
            raise UnicodeDecodeError("utf-8", data, data.index(b"\x00"), data.index(b"\x00") + 1, "NUL byte")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        fmt.legacy_encoding = legacy_encoding(data)
        if fmt.legacy_encoding.startswith("utf-16"):
            fmt.read_only_reason = f"it is UTF-16 text ({utf16_kind(data)}), not UTF-8"
        elif b"\x00" in data:
            fmt.read_only_reason = BINARY
        else:
            fmt.read_only_reason = f"it is not valid UTF-8 (first bad byte at offset {exc.start})"
    text = text.replace("\x00", "\ufffd")
    if text.startswith(BOM):
        fmt.has_bom = True
        text = text[1:]
    crlf = text.count("\r\n")
    lone_cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [(crlf, "\r\n"), (lf, "\n"), (lone_cr, "\r")]
    used = [k for k in kinds if k[0]]
    if used:
        fmt.newline = max(used, key=lambda k: k[0])[1]
    # U+2029 is a paragraph break to QTextDocument: it would come back as a newline.
    fmt.mixed_newlines = len(used) > 1 or "\u2029" in text
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2029", "\n")
    return text, fmt


def encode_text(text: str, fmt: FileFormat) -> bytes:
    """Editor text back to file bytes in the file's own newline and BOM."""
    if fmt.newline != "\n":
        text = text.replace("\n", fmt.newline)
    if fmt.has_bom:
        text = BOM + text
    return text.encode("utf-8")


class RecentFiles:
    """The Open Recent list, most recent first, kept in QSettings."""

    KEY = "recentFiles"

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings or QSettings()

    def paths(self) -> list[str]:
        value = self.settings.value(self.KEY, [])
        if isinstance(value, str):
            value = [value]
        return [str(p) for p in (value or [])]

    def add(self, path: str | os.PathLike) -> None:
        path = str(Path(path).resolve())
        paths = [p for p in self.paths() if p != path]
        self.settings.setValue(self.KEY, [path, *paths][:MAX_RECENT])

    def remove(self, path: str) -> None:
        self.settings.setValue(self.KEY, [p for p in self.paths() if p != path])

    def clear(self) -> None:
        self.settings.setValue(self.KEY, [])


def recovery_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or tempfile.gettempdir()) / "recovery"


OLD_ORGANIZATION = "Stage Studio"  # where earlier versions kept settings: the app's own name


def adopt_old_places() -> list[Path]:
    """Move the settings file and recovery files from where earlier versions kept them
    (under "Stage Studio/Stage Studio") to where this one looks, so nothing is left
    behind; never over something already there. Returns the new paths of what moved."""
    import shutil

    from PySide6.QtCore import QCoreApplication

    moved: list[Path] = []
    app = QCoreApplication.applicationName()
    old = Path(QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, OLD_ORGANIZATION, app).fileName())
    new = Path(QSettings().fileName())
    if old != new and old.is_file() and not new.exists():
        new.parent.mkdir(parents=True, exist_ok=True)
        moved.append(Path(shutil.move(old, new)))
    data = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    old_recovery, new_recovery = Path(data) / OLD_ORGANIZATION / app / "recovery", recovery_dir()
    if data and old_recovery != new_recovery and old_recovery.is_dir():
        new_recovery.mkdir(parents=True, exist_ok=True)
        for file in sorted(old_recovery.iterdir()):
            if not (new_recovery / file.name).exists():
                moved.append(Path(shutil.move(file, new_recovery / file.name)))
    return moved


@dataclass
class RecoveryEntry:
    file: Path  # the recovery file itself
    path: str | None  # the document's path, None for an untitled document
    text: str
    saved_at: float
    pid: int


class RecoveryStore:
    """Unsaved text written aside every few seconds, keyed by a hash of the document's
    path (or a per-window id for untitled documents). Removed on save and clean close."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory else recovery_dir()

    @staticmethod
    def key_for(path: str | os.PathLike | None, untitled_id: str) -> str:
        ident = str(Path(path).resolve()) if path else f"untitled:{untitled_id}"
        return hashlib.sha256(ident.encode("utf-8")).hexdigest()[:32]

    def file_for(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def write(self, key: str, path: str | os.PathLike | None, text: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        payload = {"path": str(Path(path).resolve()) if path else None, "text": text,
                   "saved_at": time.time(), "pid": os.getpid()}
        atomic_write_bytes(self.file_for(key), json.dumps(payload).encode("utf-8"))

    def read(self, key: str) -> RecoveryEntry | None:
        return self._load(self.file_for(key))

    def remove(self, key: str) -> None:
        try:
            self.file_for(key).unlink()
        except FileNotFoundError:
            pass

    def orphans(self) -> list[RecoveryEntry]:
        """Entries whose writer is gone (it crashed): offered back on the next start."""
        if not self.directory.is_dir():
            return []
        entries = [self._load(f) for f in sorted(self.directory.glob("*.json"))]
        return [e for e in entries if e and (e.pid == os.getpid() or not pid_alive(e.pid))]

    @staticmethod
    def _load(file: Path) -> RecoveryEntry | None:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            return RecoveryEntry(file, data.get("path"), str(data["text"]),
                                 float(data.get("saved_at", 0)), int(data.get("pid", 0)))
        except (OSError, ValueError, KeyError, TypeError):
            return None


class FileWatcher(QObject):
    """Tells when the open file changes on disk, ignoring the editor's own saves."""

    sig_changed = Signal(str)  # the file's bytes differ from what the editor knows
    sig_removed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._on_changed)
        # Writers often truncate then write, or delete then create: look once it settles.
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._on_settled)
        self.path: Path | None = None
        self.known: bytes | None = None  # bytes last read or written by the editor
        self.paused = False
        self.changes_handled = 0  # changes on disk looked at once settled (tests wait on it)

    def watch(self, path: Path | None, known: bytes | None) -> None:
        if self._watcher.files():
            self._watcher.removePaths(self._watcher.files())
        self.path, self.known = path, known
        if path is not None and path.exists():
            self._watcher.addPath(str(path))

    def rewatch(self) -> None:
        """An atomic save replaces the inode: watch the new file."""
        if self.path is not None and self.path.exists() and str(self.path) not in self._watcher.files():
            self._watcher.addPath(str(self.path))

    def check(self) -> None:
        """Compare the disk with what the editor knows; emit when they differ."""
        if self.path is None or self.paused:
            return
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            self.sig_removed.emit(str(self.path))
            return
        except OSError:
            return
        if data != self.known:
            self.known = data
            self.sig_changed.emit(str(self.path))

    def _on_changed(self, _path: str) -> None:
        self._settle.start()

    def _on_settled(self) -> None:
        self.rewatch()
        self.check()
        self.changes_handled += 1
