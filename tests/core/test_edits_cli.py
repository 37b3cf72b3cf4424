"""``stage-studio edit``: bytes out, atomic in-place writes, refusals change nothing."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from studio.cli import main
from studio.core.edits_base import EditError
from studio.core.edits_ops import Operation, apply_operations

CRLF_BOM = "\ufeffFROM alpine AS build\r\nRUN make\r\n\r\nFROM scratch\r\nCOPY --from=build /a /a"


@pytest.fixture
def dockerfile(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_bytes(CRLF_BOM.encode("utf-8"))
    path.chmod(0o640)
    return path


def test_prints_exact_bytes_keeping_bom_crlf_and_missing_newline(dockerfile, capsysbinary):
    rc = main(["edit", str(dockerfile), "--rename-stage", "build=compile",
               "--add-copy", "compile:1:/out/app:/app"])
    out = capsysbinary.readouterr()
    assert rc == 0, out.err
    assert out.out == (
        b"\xef\xbb\xbfFROM alpine AS compile\r\nRUN make\r\n\r\nFROM scratch\r\n"
        b"COPY --from=compile /a /a\r\nCOPY --from=compile /out/app /app"
    )
    assert dockerfile.read_bytes() == CRLF_BOM.encode("utf-8")


def test_operations_apply_in_order_with_reparse(dockerfile, capsysbinary):
    rc = main(["edit", str(dockerfile), "--add-stage", "tools=busybox@build",
               "--set-base", "tools=alpine:3.20", "--add-copy", "tools:2:/bin/tool",
               "--move", "2=tools"])
    out = capsysbinary.readouterr()
    assert rc == 0, out.err
    assert out.out.decode("utf-8") == (
        "\ufeffFROM alpine AS build\r\n\r\nFROM alpine:3.20 AS tools\r\nRUN make\r\n\r\n"
        "FROM scratch\r\nCOPY --from=build /a /a\r\nCOPY --from=tools /bin/tool /bin/tool"
    )


def test_in_place_writes_atomically_and_keeps_mode(dockerfile, capsysbinary):
    inode = dockerfile.stat().st_ino
    rc = main(["edit", str(dockerfile), "--remove-stage", "build", "--cascade", "--in-place"])
    out = capsysbinary.readouterr()
    assert rc == 0, out.err
    assert out.out == b""
    assert dockerfile.read_bytes() == "\ufeffFROM scratch".encode("utf-8")
    assert stat.S_IMODE(dockerfile.stat().st_mode) == 0o640
    assert dockerfile.stat().st_ino != inode  # replaced by rename, not rewritten in place
    assert os.listdir(dockerfile.parent) == ["Dockerfile"]  # no temporary file left


def test_in_place_keeps_the_owner_and_refuses_a_read_only_file(dockerfile, capsysbinary):
    name = "build"
    if os.getuid() == 0:  # only root can give the file to someone else
        os.chown(dockerfile, 1234, 5678)
        assert main(["edit", str(dockerfile), "--rename-stage", "build=b2", "--in-place"]) == 0
        assert (dockerfile.stat().st_uid, dockerfile.stat().st_gid) == (1234, 5678)
        assert b"AS b2" in dockerfile.read_bytes()
        name = "b2"
    before = dockerfile.read_bytes()
    dockerfile.chmod(0o444)
    assert main(["edit", str(dockerfile), "--rename-stage", f"{name}=b3", "--in-place"]) == 2
    err = capsysbinary.readouterr().err.decode()
    assert "cannot write" in err and "the file is read-only" in err
    assert dockerfile.read_bytes() == before and stat.S_IMODE(dockerfile.stat().st_mode) == 0o444
    assert os.listdir(dockerfile.parent) == ["Dockerfile"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--remove-stage", "build"], "still used by stage #1 (COPY --from at line 5)"),
        (["--rename-stage", "build=scratch"], "reserved"),
        (["--add-copy", "1:0:/x"], "comes after 'build'"),
        (["--remove-edge", "1"], "FROM of stage 'build'"),
        (["--remove-edge", "two"], "expected a line number"),
        (["--rename-stage", "build"], "expected OLD=NEW"),
        (["--rename-stage", "build=ok", "--remove-stage", "nope"], "--remove-stage nope: no stage named"),
    ],
)
def test_refusal_exits_non_zero_and_writes_nothing(dockerfile, capsysbinary, argv, message):
    before = dockerfile.read_bytes(), dockerfile.stat().st_mtime_ns
    rc = main(["edit", str(dockerfile), *argv, "--in-place"])
    out = capsysbinary.readouterr()
    assert rc == 1
    assert message in out.err.decode()
    assert out.out == b""
    assert (dockerfile.read_bytes(), dockerfile.stat().st_mtime_ns) == before
    assert os.listdir(dockerfile.parent) == ["Dockerfile"]


def test_unreadable_input_and_no_operation(tmp_path, capsysbinary):
    bad = tmp_path / "Dockerfile"
    bad.write_bytes(b"FROM alpine\nRUN echo \xff\n")
    assert main(["edit", str(bad), "--set-base", "0=busybox"]) == 2
    assert b"not UTF-8" in capsysbinary.readouterr().err
    assert main(["edit", str(tmp_path / "missing"), "--set-base", "0=busybox"]) == 2
    assert b"no such file" in capsysbinary.readouterr().err
    assert main(["edit", str(bad)]) == 2
    assert b"at least one operation" in capsysbinary.readouterr().err


def test_subprocess_round_trip(dockerfile):
    proc = subprocess.run(
        [sys.executable, "-m", "studio", "edit", str(dockerfile), "--set-base", "build=busybox"],
        capture_output=True, check=False, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == CRLF_BOM.replace("alpine", "busybox").encode("utf-8")


def test_operation_strings():
    text = "FROM alpine@sha256:abc AS a\nFROM scratch\nCOPY --from=a /x /x\n"
    new = apply_operations(text, [Operation("add-stage", "b=busybox@sha256:def")])
    assert new.endswith("FROM busybox@sha256:def AS b\n")
    new = apply_operations(text, [Operation("add-stage", "b=busybox@sha256:def@a")])
    assert "FROM alpine@sha256:abc AS a\nFROM busybox@sha256:def AS b\nFROM scratch" in new
    new = apply_operations(text, [Operation("remove-edge", "3@a")])
    assert new == "FROM alpine@sha256:abc AS a\nFROM scratch\n"
    images = "FROM alpine\nRUN --mount=from=nginx:1.27,target=/n --mount=from=busybox@sha256:1,target=/b x\n"
    assert apply_operations(images, [Operation("remove-edge", "2@busybox@sha256:1")]) == (
        "FROM alpine\nRUN --mount=from=nginx:1.27,target=/n x\n")
    with pytest.raises(EditError, match="--move 3=1@9: position 9 is out of range"):
        apply_operations(text, [Operation("move", "3=1@9")])


def test_standard_input_works_for_every_reading_command():
    text = "FROM busybox AS a\nFROM scratch\nCOPY --from=a /x /x\n"

    def run(*argv):
        return subprocess.run([sys.executable, "-m", "studio", *argv], input=text.encode(), capture_output=True,
                              timeout=60)

    graph = run("graph", "-", "--format", "json")
    assert graph.returncode == 0 and b'"name": "a"' in graph.stdout
    edited = run("edit", "-", "--rename-stage", "a=b")
    assert edited.returncode == 0 and edited.stdout == text.replace("AS a", "AS b").replace("=a", "=b").encode()
    refused = run("edit", "-", "--in-place", "--rename-stage", "a=b")
    assert refused.returncode == 2 and b"cannot be edited in place" in refused.stderr
    linted = run("lint", "-", "--format", "json")
    assert linted.returncode in (0, 1) and b"unpinned-base-image" in linted.stdout
