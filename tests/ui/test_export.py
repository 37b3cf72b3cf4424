"""Export to PNG and SVG, in the GUI process and through ``stage-studio export``."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
import xml.etree.ElementTree as ET

import pytest

from PySide6.QtGui import QImage

from studio.cli import main
from graph_samples import BUILD_ESSENTIAL, GO
from studio.core import parse
from studio.ui.graph.export import export_svg
from studio.ui.graph.png_export import export_png, picture_size
from studio.ui.graph.view import GraphView



@pytest.fixture
def files(tmp_path):
    """The two sample Dockerfiles written to disk, for the CLI."""
    go, be = tmp_path / "go.Dockerfile", tmp_path / "be.Dockerfile"
    go.write_text(GO)
    be.write_text(BUILD_ESSENTIAL)
    return go, be


def _svg_text(path) -> str:
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    return " ".join(t.strip() for t in root.itertext())


def test_png_has_the_expected_size_and_is_not_blank(qapp, tmp_path):
    graph = parse(BUILD_ESSENTIAL).graph()
    out = tmp_path / "g.png"
    assert export_png(graph, out, scale=1.5)
    image = QImage(str(out))
    expected = picture_size(graph, 1.5)
    assert (image.width(), image.height()) == (expected.width(), expected.height())
    assert image.width() > 800 and image.height() > 200
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 20  # boxes, text and curves, not a flat fill
    half = tmp_path / "half.png"
    export_png(graph, half, scale=0.75)
    assert abs(QImage(str(half)).width() * 2 - image.width()) <= 2


def test_svg_is_valid_xml_with_the_stage_names(qapp, tmp_path):
    out = tmp_path / "g.svg"
    assert export_svg(parse(BUILD_ESSENTIAL).graph(), out)
    text = _svg_text(out)
    for name in ("build-essential", "foo", "bar", "#3 (unnamed)", "alpine:3.20", "TARGET"):
        assert name in text


def test_view_exports_keep_the_users_arrangement(qtbot, tmp_path):
    view = GraphView()
    qtbot.addWidget(view)
    view.set_graph(parse(GO).graph())
    default = tmp_path / "default.png"
    view.export("png", str(default), scale=1.0)
    node = view.stage_nodes()[1]
    node.setPos(node.pos().x(), node.pos().y() + 600)  # the user moved the final stage far down
    moved = tmp_path / "moved.png"
    assert view.export("png", str(moved), scale=1.0)
    assert QImage(str(moved)).height() >= QImage(str(default)).height() + 400
    assert view.export("svg", str(tmp_path / "moved.svg"))
    assert "build-env" in _svg_text(tmp_path / "moved.svg")


def test_cli_export_png_and_svg(qapp, tmp_path, capsys, files):
    go, _ = files
    png, svg = tmp_path / "go.png", tmp_path / "go.svg"
    assert main(["export", str(go), "--png", str(png)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert not QImage(str(png)).isNull()
    assert main(["export", str(go), "--svg", str(svg), "--target", "build-env"]) == 0
    assert "build-env" in _svg_text(svg) and "skipped" in _svg_text(svg)


def test_cli_export_errors_are_clear(qapp, tmp_path, capsys, files):
    go, _ = files
    assert main(["export", str(tmp_path / "missing"), "--png", str(tmp_path / "x.png")]) == 2
    assert "no such file" in capsys.readouterr().err
    empty = tmp_path / "Dockerfile"
    empty.write_text("# only a comment\n")
    assert main(["export", str(empty), "--png", str(tmp_path / "x.png")]) == 1
    assert "no build stages" in capsys.readouterr().err
    assert main(["export", str(go), "--png", str(tmp_path / "x.png"), "--target", "nope"]) == 2
    assert "no stage 'nope'" in capsys.readouterr().err
    assert main(["export", str(go), "--png", str(tmp_path / "no" / "dir" / "x.png")]) == 1
    assert "could not write" in capsys.readouterr().err


@pytest.mark.parametrize("kind, name", [("png", "g.jpg"), ("png", "g.SVG"), ("svg", "g.png"), ("svg", "g.pdf")])
def test_cli_export_refuses_a_name_of_another_format(qapp, tmp_path, capsys, files, kind, name):
    """`--png g.jpg` once wrote PNG bytes under a JPEG name; now nothing is written and the
    message says which format the flag writes."""
    go, _ = files
    out = tmp_path / name
    assert main(["export", str(go), f"--{kind}", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"--{kind} writes {kind.upper()} data" in err and not out.exists()
    assert main(["export", str(go), f"--{kind}", str(tmp_path / f"plain.{kind}")]) == 0


def test_cli_export_runs_headless_in_a_fresh_process(tmp_path, files):
    _, be = files
    out = tmp_path / "be.png"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}  # no DISPLAY, no QT_QPA_PLATFORM
    proc = subprocess.run([sys.executable, "-m", "studio", "export", str(be), "--png", str(out)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert QImage(str(out)).width() > 500


def test_view_export_without_a_graph_writes_an_empty_picture(qtbot, tmp_path):
    view = GraphView()
    qtbot.addWidget(view)
    assert view.export("png", str(tmp_path / "empty.png"))
    assert not QImage(str(tmp_path / "empty.png")).isNull()
    assert view.export("svg", str(tmp_path / "empty.svg"))
    ET.parse(tmp_path / "empty.svg")


def test_a_failed_export_leaves_the_existing_file_alone(qapp, tmp_path, capsys):
    """A picture too large for PNG is refused with advice, before memory is spent, and the
    file already at the path keeps its content (every export replaces it atomically)."""
    chain = "FROM busybox AS s0\n" + "".join(f"FROM s{i - 1} AS s{i}\nCOPY --from=s{i - 1} /a /a\n"
                                               for i in range(1, 300))
    src = tmp_path / "Dockerfile"
    src.write_text(chain)
    out = tmp_path / "existing.png"
    out.write_bytes(b"precious")
    assert picture_size(parse(chain).graph(), 3.0).width() > 32_000
    assert main(["export", str(src), "--png", str(out), "--scale", "3"]) == 1
    err = capsys.readouterr().err
    assert "too large for a PNG" in err and "export an SVG" in err
    assert out.read_bytes() == b"precious"
    svg = tmp_path / "existing.svg"
    svg.write_bytes(b"precious too")
    assert main(["export", str(src), "--svg", str(svg)]) == 0  # the SVG of the same graph is fine
    assert svg.read_bytes().startswith(b"<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile", "existing.png", "existing.svg"]  # no temporary left


@pytest.mark.parametrize("kind", ["--svg", "--png"])
@pytest.mark.parametrize("name", ["same", "symlink", "hardlink", "stdin"])
def test_cli_export_never_writes_over_the_dockerfile_it_draws(tmp_path, files, kind, name):
    go = files[0]
    out = {"same": go, "symlink": tmp_path / "link", "hardlink": tmp_path / "hard", "stdin": go}[name]
    if name == "symlink":
        out.symlink_to(go.name)
    elif name == "hardlink":
        out.hardlink_to(go)
    with open(go, "rb") as stdin:
        proc = subprocess.run([sys.executable, "-m", "studio", "export", "-" if name == "stdin" else str(go),
                               kind, str(out)], stdin=stdin, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith(f"stage-studio export: {out} is the Dockerfile being drawn")
    assert proc.stderr.endswith("; writing the picture there would replace it\n") and proc.stderr.count("\n") == 1
    assert go.read_text() == GO


@pytest.mark.parametrize("kind", ["--svg", "--png"])
@pytest.mark.parametrize("how", ["append", "read-write", "stdin append", "hard link append"])
def test_cli_export_to_standard_output_that_is_the_dockerfile_is_refused(tmp_path, files, kind, how):
    """``export F --svg - >> F`` or ``1<> F``: standard output is the input file (``> F`` has
    emptied it before the command starts, so only these two can be caught)."""
    go = files[0]
    target = go
    if how == "hard link append":
        target = tmp_path / "hard"
        target.hardlink_to(go)
    flags = os.O_WRONLY | os.O_APPEND if "append" in how else os.O_RDWR
    fd = os.open(target, flags)
    try:
        with open(go, "rb") as stdin:
            proc = subprocess.run([sys.executable, "-m", "studio", "export", "-" if "stdin" in how else str(go),
                                   kind, "-"], stdin=stdin, stdout=fd, stderr=subprocess.PIPE, text=True,
                                  timeout=120)
    finally:
        os.close(fd)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    what = "standard input" if "stdin" in how else str(go)
    assert proc.stderr.startswith(f"stage-studio export: standard output is the Dockerfile being drawn ({what})")
    assert go.read_text() == GO


def test_cli_export_to_standard_output_that_is_another_file_is_fine(tmp_path, files):
    out = tmp_path / "picture.svg"
    with open(out, "ab") as stdout:
        proc = subprocess.run([sys.executable, "-m", "studio", "export", str(files[0]), "--svg", "-"],
                              stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"<?xml") and files[0].read_text() == GO


@pytest.mark.parametrize("kind, magic", [("--svg", b"<?xml"), ("--png", b"\x89PNG\r\n")])
def test_cli_export_dash_writes_to_standard_output(tmp_path, files, kind, magic):
    go = files[0]
    root = str(Path(__file__).resolve().parents[2])  # this checkout, from another working folder too
    proc = subprocess.run([sys.executable, "-m", "studio", "export", str(go), kind, "-"], cwd=tmp_path,
                          capture_output=True, timeout=120, env={**os.environ, "PYTHONPATH": root})
    assert proc.returncode == 0 and proc.stdout.startswith(magic)
    assert proc.stderr == b"wrote standard output (2 stages)\n"
    assert not (tmp_path / "-").exists()
    if kind == "--svg":
        assert main(["export", str(go), "--svg", str(tmp_path / "g.svg")]) == 0
        assert proc.stdout == (tmp_path / "g.svg").read_bytes()


def test_cli_export_png_to_a_terminal_is_refused(tmp_path, files):
    leader, follower = os.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "studio", "export", str(files[0]), "--png", "-"],
                              stdout=follower, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(follower)
        os.close(leader)
    assert proc.returncode == 2
    assert proc.stderr == ("stage-studio export: --png - would print a binary picture on the terminal; "
                           "redirect it or give a file name\n")


def test_cli_export_counts_one_stage_as_one_stage(tmp_path):
    one = tmp_path / "Dockerfile"
    one.write_text("FROM busybox:1\nRUN true\n")
    root = str(Path(__file__).resolve().parents[2])
    run = [sys.executable, "-m", "studio", "export", str(one), "--svg"]
    proc = subprocess.run([*run, "-"], capture_output=True, timeout=120, env={**os.environ, "PYTHONPATH": root})
    assert proc.returncode == 0 and proc.stderr == b"wrote standard output (1 stage)\n"
    out = tmp_path / "g.svg"
    proc = subprocess.run([*run, str(out)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": root})
    assert proc.returncode == 0 and proc.stdout == f"wrote {out} (1 stage)\n"
