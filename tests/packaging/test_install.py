"""An installed Stage Studio works outside the checkout: build the sdist and, from it,
the wheel; install the wheel with its dependencies into a new virtual environment; then,
from a folder that is not the checkout, run the headless commands on a bundled example and
open the window offscreen on every gallery example.

It uses pip's cache for the dependencies (the suite's own setup filled it), so it takes
seconds, not minutes, on a machine that ran ./dev setup.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import studio
from studio.paths import EXAMPLES, RESOURCES

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.packaging


def _run(cmd: list[str], cwd: Path, **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(kw.pop("env", {}))
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, **kw)
    assert done.returncode == 0, f"{cmd} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def _resource_names() -> set[str]:
    """Every file under studio/resources, as a path inside the package."""
    return {str(p.relative_to(ROOT)) for p in RESOURCES.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("packaging")
    dist = work / "dist"
    # No flags: `build` makes the sdist, then the wheel FROM the sdist, so a resource the
    # sdist forgot is missing from the wheel too.
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], cwd=work)
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=work)
    wheel = next(dist.glob("stage_studio-*.whl"))
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
          str(wheel)], cwd=work)
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    return {"dist": dist, "venv": venv, "bin": venv / "bin", "cwd": elsewhere, "wheel": wheel}


def test_wheel_and_sdist_carry_every_resource(installed):
    wanted = _resource_names()
    assert {"studio/resources/icons/stage-studio.svg", "studio/resources/examples/gallery.json"} <= wanted
    assert {f"studio/resources/examples/{p.name}" for p in EXAMPLES.glob("*.Dockerfile")} <= wanted
    in_wheel = set(zipfile.ZipFile(installed["wheel"]).namelist())
    assert wanted <= in_wheel, sorted(wanted - in_wheel)
    sdist = next(installed["dist"].glob("stage_studio-*.tar.gz"))
    with tarfile.open(sdist) as tar:
        in_sdist = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    assert wanted <= in_sdist, sorted(wanted - in_sdist)


def test_installed_commands_work_from_another_folder(installed):
    bin_, cwd = installed["bin"], installed["cwd"]
    assert (bin_ / "stage-studio-gui").is_file()
    version = _run([str(bin_ / "stage-studio"), "--version"], cwd=cwd).stdout.split()
    assert version == ["stage-studio", studio.__version__]
    where = _run([str(bin_ / "python"), "-c", "import studio.paths as p; print(p.EXAMPLES)"], cwd=cwd).stdout.strip()
    examples = Path(where)
    assert examples.is_dir() and installed["venv"] in examples.parents, f"resources found at {examples}"
    example = examples / "go.multi.Dockerfile"
    graph = json.loads(_run([str(bin_ / "stage-studio"), "graph", str(example)], cwd=cwd).stdout)
    assert [s["name"] for s in graph["stages"]] == ["build", None]
    rules = _run([str(bin_ / "stage-studio"), "lint", "--list-rules"], cwd=cwd).stdout
    assert len(rules.splitlines()) >= 10
    out = cwd / "graph.svg"
    _run([str(bin_ / "stage-studio"), "export", str(example), "--svg", str(out)], cwd=cwd,
         env={"QT_QPA_PLATFORM": "offscreen"})
    assert out.read_text().lstrip().startswith("<?xml") and "build" in out.read_text()


RENDER_EVERY_EXAMPLE = r"""
import json, sys
from PySide6.QtWidgets import QApplication
from studio.paths import EXAMPLES
from studio.ui.main_window import MainWindow
from studio.ui.selftest import _painted
app = QApplication([])
gallery = json.loads((EXAMPLES / "gallery.json").read_text())
names = sorted({f for e in gallery["examples"] for f in e["files"].values()})
window = MainWindow()
window.resize(1200, 800)
window.show()
for name in names:
    assert window.open_file(str(EXAMPLES / name)), name
    app.processEvents()
    nodes = window.graph_view.stage_nodes()
    image = window.graph_view.grab().toImage()
    assert nodes and _painted(image), name
    window.editor.document().setModified(False)
    print(name, len(nodes))
"""


def test_installed_window_opens_and_draws_every_gallery_example(installed):
    env = {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(installed["cwd"] / "config"),
           "XDG_DATA_HOME": str(installed["cwd"] / "data")}
    drawn = _run([str(installed["bin"] / "python"), "-c", RENDER_EVERY_EXAMPLE], cwd=installed["cwd"], env=env)
    gallery = json.loads((EXAMPLES / "gallery.json").read_text())
    expected = {f for e in gallery["examples"] for f in e["files"].values()}
    assert {line.split()[0] for line in drawn.stdout.splitlines()} == expected
    test = _run([str(installed["bin"] / "stage-studio"), "--self-test"], cwd=installed["cwd"], env=env)
    assert "self-test passed" in test.stdout
