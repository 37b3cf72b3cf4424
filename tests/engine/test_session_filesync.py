"""The session's file listing follows fsutil's rules (order, filters, Go file modes) and
its wire messages decode back to what was meant; no engine needed."""
from __future__ import annotations

import os
import stat

from studio.engine.protowire import read_message
from studio.engine.session.filesync import (GO_DIR, GO_SYMLINK, PACKET_STAT, SyncedDir, _Filter, encode_stat,
                                            go_mode, packet, walk)
from studio.engine.session.grpc_server import frame


def _tree(root, paths):
    for rel in paths:
        path = root / rel
        if rel.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(rel)


def _listed(root, includes=(), excludes=(), follow=(), overrides=None, skip=None):
    synced = SyncedDir(root, dict(overrides or {}), skip)
    return [e.rel for e in walk(synced, _Filter(list(includes), list(excludes), list(follow)))]


def test_folders_come_before_what_they_hold_and_names_sort_bytewise(tmp_path):
    _tree(tmp_path, ["a.txt", "a/b", "a/B", "a-b", "Z"])
    # "a" before "a-b" before "a.txt": a folder's entries follow it at once (fsutil's walk)
    assert _listed(tmp_path) == ["Z", "a", "a/B", "a/b", "a-b", "a.txt"]


def test_exclusions_and_reinclusions_bring_parent_folders(tmp_path):
    _tree(tmp_path, ["keep/ok.txt", "keep/no.bin", "drop/x.txt", "top.txt"])
    assert _listed(tmp_path, excludes=["**", "!keep/*.txt"]) == ["keep", "keep/ok.txt"]
    assert _listed(tmp_path, excludes=["drop"]) == ["keep", "keep/no.bin", "keep/ok.txt", "top.txt"]


def test_follow_paths_list_only_those_files(tmp_path):
    _tree(tmp_path, ["Dockerfile", "Dockerfile.dockerignore", "src/main.go"])
    assert _listed(tmp_path, follow=["Dockerfile", "Dockerfile.dockerignore"]) == \
        ["Dockerfile", "Dockerfile.dockerignore"]
    assert _listed(tmp_path, includes=["src/*.go"]) == ["src", "src/main.go"]


def test_overrides_replace_files_and_exist_without_a_folder(tmp_path):
    _tree(tmp_path, ["Dockerfile", "x"])
    assert _listed(tmp_path, overrides={"Dockerfile": b"new"}) == ["Dockerfile", "x"]
    assert _listed(None, overrides={"Dockerfile": b"FROM scratch\n"}) == ["Dockerfile"]
    assert _listed(tmp_path, skip=lambda rel: rel == "x") == ["Dockerfile"]


def test_go_file_modes(tmp_path):
    (tmp_path / "f").write_text("x")
    os.chmod(tmp_path / "f", 0o4755)
    os.symlink("f", tmp_path / "l")
    assert go_mode(os.lstat(tmp_path).st_mode) & GO_DIR
    assert go_mode(os.lstat(tmp_path / "l").st_mode) & GO_SYMLINK
    mode = go_mode(os.lstat(tmp_path / "f").st_mode)
    assert mode & 0o777 == 0o755 and mode & (1 << 23) and not mode & (GO_DIR | GO_SYMLINK)
    assert stat.S_ISREG(os.lstat(tmp_path / "f").st_mode)


def test_packets_decode_to_what_was_encoded():
    stat_bytes = encode_stat("dir/file", 0o644, 1234, 1_700_000_000_123_456_789, "")
    decoded = read_message(packet(PACKET_STAT, stat_bytes, ident=0))
    assert 1 not in decoded  # type 0 (STAT) is proto3's default and left out
    inner = read_message(decoded[2][0])
    assert inner[1] == [b"dir/file"] and inner[2] == [0o644] and inner[5] == [1234]
    assert inner[6] == [1_700_000_000_123_456_789]
    assert packet(PACKET_STAT) == b"" and frame(b"") == b"\x00\x00\x00\x00\x00"
    assert frame(b"abc") == b"\x00\x00\x00\x00\x03abc"


def test_device_numbers_go_out_split_as_fsutil_splits_them():
    inner = read_message(encode_stat("dev", 1 << 26, 0, 1, rdev=os.makedev(300, 70000)))
    assert inner[8] == [300] and inner[9] == [70000]
    assert 8 not in read_message(encode_stat("f", 0o644, 1, 1))


def test_names_go_out_as_the_bytes_the_file_system_holds(tmp_path):
    raw = os.fsencode(tmp_path)
    with open(raw + b"/caf\xe9", "wb"):
        pass
    os.symlink(b"caf\xe9", raw + b"/l\xff")
    entries = list(walk(SyncedDir(tmp_path), _Filter([], [], [])))
    stats = [read_message(e.encoded()) for e in entries]
    assert [(s[1][0], s.get(7, [b""])[0]) for s in stats] == [(b"caf\xe9", b""), (b"l\xff", b"caf\xe9")]
