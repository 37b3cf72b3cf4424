"""Saving never destroys what is at the path: a FIFO or a device is written through (or the
save is refused), hard links are reported, and a killed save leaves nothing that lingers.

Device nodes are made with mknod in a temporary folder, never the system's."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time

import pytest

from studio.core.files import TEMP_SUFFIX, atomic_write_bytes, is_save_temp, remove_stale_temps

SVG_DOCKERFILE = "FROM busybox AS a\nFROM a\n"


def _mknod(path, kind: int, major: int, minor: int):
    try:
        os.mknod(path, kind | 0o666, os.makedev(major, minor))
    except PermissionError:
        pytest.skip("making a device node needs CAP_MKNOD")
    return path


def _read_fifo_in_background(path) -> tuple[threading.Thread, list[bytes]]:
    got: list[bytes] = []

    def reader() -> None:
        with open(path, "rb") as fh:
            got.append(fh.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread, got


def _cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studio", *args], capture_output=True, text=True,
                          timeout=120, **kw)


def test_fifo_is_written_through_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    thread, got = _read_fifo_in_background(fifo)
    assert atomic_write_bytes(fifo, b"through the pipe\n") is None
    thread.join(10)
    assert got == [b"through the pipe\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["pipe"]


def test_pieces_are_saved_as_they_come_and_a_failed_piece_keeps_the_old_file(tmp_path):
    target = tmp_path / "graph.svg"
    assert atomic_write_bytes(target, (piece for piece in (b"<svg>", b"", b"</svg>\n"))) is None
    assert target.read_bytes() == b"<svg></svg>\n"

    def failing():
        yield b"<svg>half"
        raise ValueError("the drawing failed")

    with pytest.raises(ValueError):
        atomic_write_bytes(target, failing())
    assert target.read_bytes() == b"<svg></svg>\n" and os.listdir(tmp_path) == ["graph.svg"]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    thread, got = _read_fifo_in_background(fifo)
    atomic_write_bytes(fifo, iter([b"a", b"b"]))
    thread.join(10)
    assert got == [b"ab"]


def test_character_device_is_written_through_not_replaced(tmp_path):
    null = _mknod(tmp_path / "null", stat.S_IFCHR, 1, 3)  # what /dev/null is
    atomic_write_bytes(null, b"gone\n")
    st = os.lstat(null)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)
    full = _mknod(tmp_path / "full", stat.S_IFCHR, 1, 7)  # what /dev/full is
    with pytest.raises(OSError) as info:
        atomic_write_bytes(full, b"x")
    assert info.value.strerror == os.strerror(28)  # ENOSPC, as `echo x > /dev/full` says
    assert stat.S_ISCHR(os.lstat(full).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["full", "null"]


def test_block_device_folder_and_socket_are_refused(tmp_path):
    import socket

    block = _mknod(tmp_path / "disk", stat.S_IFBLK, 7, 250)  # an unused loop minor: never opened
    with pytest.raises(OSError, match="block device"):
        atomic_write_bytes(block, b"x")
    assert stat.S_ISBLK(os.lstat(block).st_mode)
    (tmp_path / "folder").mkdir()
    with pytest.raises(IsADirectoryError):
        atomic_write_bytes(tmp_path / "folder", b"x")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock"))
    try:
        with pytest.raises(OSError, match="socket"):
            atomic_write_bytes(tmp_path / "sock", b"x")
    finally:
        sock.close()
    assert sorted(os.listdir(tmp_path)) == ["disk", "folder", "sock"]


def test_symlink_to_a_device_is_written_through(tmp_path):
    null = _mknod(tmp_path / "null", stat.S_IFCHR, 1, 3)
    os.symlink(null, tmp_path / "out.svg")
    atomic_write_bytes(tmp_path / "out.svg", b"<svg/>")
    assert os.path.islink(tmp_path / "out.svg") and stat.S_ISCHR(os.lstat(null).st_mode)


def test_export_edit_and_lint_fix_write_through_a_device_and_a_fifo(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(SVG_DOCKERFILE)
    null = _mknod(tmp_path / "null", stat.S_IFCHR, 1, 3)
    proc = _cli("export", str(dockerfile), "--svg", str(null))
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    thread, got = _read_fifo_in_background(fifo)
    proc = _cli("export", str(dockerfile), "--svg", str(fifo))
    thread.join(30)
    assert proc.returncode == 0, proc.stderr
    assert got and got[0].startswith(b"<?xml") and b"</svg>" in got[0]
    assert "wrote" in proc.stderr and proc.stdout == ""  # the message never mixes into the picture
    assert sorted(os.listdir(tmp_path)) == ["Dockerfile", "null", "pipe"]


def test_edit_in_place_refuses_a_fifo_without_reading_it(tmp_path):
    """As sed -i: reading a FIFO and writing the result back into it blocked until some other
    reader came (tests/core/test_in_place.py has the other kinds and lint --fix)."""
    fifo = tmp_path / "Dockerfile"
    os.mkfifo(fifo)

    def writer() -> None:  # blocks in open() until someone reads
        with open(fifo, "wb") as fh:
            fh.write(SVG_DOCKERFILE.encode())

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    proc = _cli("edit", str(fifo), "--rename-stage", "a=b", "--in-place")
    assert proc.returncode == 2 and "is a FIFO, not a regular file" in proc.stderr
    with open(fifo, "rb") as fh:  # the text is still all there: the edit never read it
        assert fh.read() == SVG_DOCKERFILE.encode()
    thread.join(30)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and os.listdir(tmp_path) == ["Dockerfile"]


def test_stdout_as_a_path_is_written_through():
    code = ("from studio.core.files import atomic_write_bytes; "
            "atomic_write_bytes('/dev/stdout', b'via stdout\\n')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == b"via stdout\n"


def test_hard_links_are_reported_when_the_save_splits_them(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(SVG_DOCKERFILE)
    os.link(path, tmp_path / "other-name")
    proc = _cli("edit", str(path), "--rename-stage", "a=b", "--in-place")
    assert proc.returncode == 0, proc.stderr
    assert "had 1 other hard link" in proc.stderr and "keeps the old content" in proc.stderr
    assert "AS b" in path.read_text() and (tmp_path / "other-name").read_text() == SVG_DOCKERFILE
    # no note when there is nothing to split
    proc = _cli("edit", str(path), "--rename-stage", "b=c", "--in-place")
    assert proc.returncode == 0 and "hard link" not in proc.stderr


# ---- temporary files ----------------------------------------------------------------------
def test_a_killed_save_leaves_a_temp_the_next_save_removes(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text("FROM old\n")
    code = ("import os, signal, sys\nfrom studio.core import files\n"
            "def die(*a):\n    os.kill(os.getpid(), signal.SIGKILL)\n"
            "files.os.replace = die\nfiles.atomic_write_bytes(sys.argv[1], b'FROM new\\n')\n")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], timeout=60)
    assert proc.returncode == -9
    left = [n for n in os.listdir(tmp_path) if n != "Dockerfile"]
    assert len(left) == 1 and is_save_temp(left[0]), left
    assert path.read_text() == "FROM old\n"
    # our context scan never sends it, and the usual "*~" .dockerignore line leaves it out too
    from studio.engine.context import scan
    from studio.engine.dockerignore import IgnoreMatcher

    assert [e.name for e in scan(tmp_path, "FROM scratch\n", "x.Dockerfile").entries] == ["Dockerfile", "x.Dockerfile"]
    assert IgnoreMatcher.from_text("*~\n").ignored(left[0])
    atomic_write_bytes(path, b"FROM newer\n")
    assert os.listdir(tmp_path) == ["Dockerfile"] and path.read_text() == "FROM newer\n"


def test_stale_temp_cleanup_spares_live_saves_and_other_files(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text("FROM x\n")
    live = tmp_path / f".Dockerfile.{os.getppid()}.abcdefgh{TEMP_SUFFIX}"  # a running process's save
    live_other = tmp_path / f".Other.{os.getppid()}.abcdefgh{TEMP_SUFFIX}"  # ... of another file
    legacy_old = tmp_path / ".Dockerfile.k2j4_x9z.tmp"  # what older versions left (mode 0600)
    legacy_new = tmp_path / ".Dockerfile.q1w2e3r4.tmp"  # too fresh to be sure it is abandoned
    legacy_other = tmp_path / ".Other.k2j4_x9z.tmp"  # an old-style name of another file: it says too little
    user_file = tmp_path / ".Dockerfile.notes.tmp"  # not our name pattern
    for p in (live, live_other, legacy_old, legacy_new, legacy_other, user_file):
        p.write_text("x")
        p.chmod(0o600)
    old = time.time() - 3600
    os.utime(legacy_old, (old, old))
    os.utime(legacy_other, (old, old))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".Dockerfile.{int(dead.stdout)}.zyxwvuts{TEMP_SUFFIX}"
    stale_other = tmp_path / f".graph.svg.{int(dead.stdout)}.abcdefgh{TEMP_SUFFIX}"  # a killed save of another file
    stale.write_text("x")
    stale_other.write_text("x")
    removed = remove_stale_temps(path)
    assert sorted(removed) == sorted([stale.name, stale_other.name, legacy_old.name])
    assert live.exists() and live_other.exists() and legacy_new.exists() and legacy_other.exists() and user_file.exists()


def test_a_link_into_a_read_only_folder_names_that_folder(tmp_path):
    """The save replaces the file the link points to, so the folder that refuses it is
    the target's, not the link's: the message names it (it said "its folder")."""
    import shutil

    drop = []
    if os.geteuid() == 0:  # root writes anywhere: drop that power, as a normal user has none
        if not shutil.which("setpriv"):
            pytest.skip("needs setpriv to drop root's file-writing capability")
        drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    locked = tmp_path / "locked"
    locked.mkdir()
    (tmp_path / "out.svg").symlink_to(locked / "out.svg")
    (tmp_path / "Dockerfile").write_text(SVG_DOCKERFILE)
    locked.chmod(0o555)
    try:
        proc = subprocess.run([*drop, sys.executable, "-m", "studio", "export", str(tmp_path / "Dockerfile"),
                               "--svg", str(tmp_path / "out.svg")], capture_output=True, text=True, timeout=60)
    finally:
        locked.chmod(0o755)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip() == (f"stage-studio export: could not write {tmp_path / 'out.svg'}: "
                                   f"cannot create a file in {locked} (Permission denied)")
