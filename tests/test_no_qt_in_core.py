"""studio.core and studio.engine must never import Qt: checked statically and at run time."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import studio

PACKAGE = Path(studio.__file__).resolve().parent
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "PySide2", "shiboken6", "shiboken2", "pyqtgraph", "qtpy")
PURE = ("core", "engine")


def _pure_files() -> list[Path]:
    return sorted(p for sub in PURE for p in (PACKAGE / sub).rglob("*.py"))


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_pure_packages_have_files():
    assert _pure_files(), "studio/core and studio/engine hold no Python files?"


def test_no_qt_import_statement_in_core_or_engine():
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(_imported_roots(p) & set(QT_MODULES)) for p in _pure_files()
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert not offenders, f"Qt imported from pure packages: {offenders}"


def test_importing_core_and_engine_loads_no_qt():
    modules = [
        "studio." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
        for p in _pure_files()
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"Qt modules loaded by studio.core/engine: {out.stdout.strip()}"


def test_checker_catches_a_qt_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\nimport os\n")
    assert _imported_roots(bad) & set(QT_MODULES) == {"PySide6"}
