"""Context sync: `stage-studio build` against Debian's docker CLI (20.10, DOCKER_BUILDKIT=1)
on a 118 MB, 10,000-file context, both syncing it through a BuildKit session.

Prints, from runs that alternate the two tools (so drift in machine load hits both):
- warm: a rebuild after one file changed (target: at most 1.1x the CLI);
- cold: a --no-cache build (target: at most 1.05x);
- the same warm rebuild with the tar upload (--no-session), the way builds went before;
- the bytes each tool sent (ours from the build's context_sent event, the CLI's from its
  "transferring context" line).

Run: .venv/bin/python bench/bench_context.py [--repeat N]. Needs a running engine and
/usr/bin/docker (Debian's docker.io); it builds from the offline busybox test image.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DOCKER = "/usr/bin/docker"
BASE = "stage-studio-test/busybox:latest"
LABEL = "io.github.stagestudio.bench=context"
FILES, FILE_BYTES = 10_000, 11_800  # 118 MB
DOCKERFILE = f"FROM {BASE}\nCOPY . /ctx/\nRUN ls /ctx/d00 | wc -l > /count\n"
_CLI_SENT = re.compile(r"transferring context: ([\d.]+)([kMG]?B)")
_UNITS = {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}


def make_context(root: Path) -> None:
    for i in range(FILES):
        folder = root / f"d{i // 500:02}"
        folder.mkdir(exist_ok=True)
        (folder / f"f{i:05}.bin").write_bytes(os.urandom(FILE_BYTES))
    (root / "Dockerfile").write_text(DOCKERFILE)


def touch_one(root: Path, n: int) -> None:
    """Change one file's content (same size), as an edit between builds does."""
    (root / f"d{n % 20:02}" / f"f{(n * 37) % FILES:05}.bin").write_bytes(os.urandom(FILE_BYTES))


def ours(root: Path, *extra: str) -> tuple[float, int]:
    cmd = [sys.executable, "-m", "studio", "build", str(root / "Dockerfile"), "--backend", "buildkit",
           "--label", LABEL, "--json", *extra]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    took = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"stage-studio build failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    sent = -1
    for line in proc.stdout.splitlines():
        event = json.loads(line)
        if event.get("event") == "context_sent":
            sent = event["bytes"]
        elif event.get("event") == "context" and "--no-session" in extra:
            sent = event["size"]
    return took, sent


def cli(root: Path, *extra: str) -> tuple[float, int]:
    cmd = [DOCKER, "build", "--progress=plain", "--label", LABEL, *extra, str(root)]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "DOCKER_BUILDKIT": "1"})
    took = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"docker build failed:\n{proc.stderr[-2000:]}")
    sizes = [float(n) * _UNITS[u] for n, u in _CLI_SENT.findall(proc.stderr)]
    return took, int(sum(sizes))


def pairs(root: Path, repeat: int, ours_extra=(), cli_extra=(), change=True) -> dict:
    a, b, sent_a, sent_b = [], [], [], []
    for i in range(repeat):
        if change:
            touch_one(root, 2 * i)
        t, s = ours(root, *ours_extra)
        a.append(t)
        sent_a.append(s)
        if change:
            touch_one(root, 2 * i + 1)
        t, s = cli(root, *cli_extra)
        b.append(t)
        sent_b.append(s)
    ratios = sorted(x / y for x, y in zip(a, b))
    return {"ours": statistics.median(a), "cli": statistics.median(b), "ratio": statistics.median(ratios),
            "ratio_min": ratios[0], "ratio_max": ratios[-1], "sent_ours": statistics.median(sent_a),
            "sent_cli": statistics.median(sent_b)}


def row(name: str, r: dict, target: float | None) -> str:
    verdict = "" if target is None else ("  met" if r["ratio"] <= target else "  NOT met")
    return (f"{name:<28} ours {r['ours']:6.2f} s  cli {r['cli']:6.2f} s  ratio {r['ratio']:.2f} "
            f"(pairs {r['ratio_min']:.2f}-{r['ratio_max']:.2f}{'' if target is None else f', target <= {target}'})"
            f"{verdict}   sent: ours {r['sent_ours'] / 1e6:8.2f} MB, cli {r['sent_cli'] / 1e6:8.2f} MB")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not Path(DOCKER).exists():
        raise SystemExit(f"{DOCKER} (Debian's docker.io) is needed as the reference")
    with tempfile.TemporaryDirectory(prefix="stage-studio-bench-context-") as tmp:
        root = Path(tmp)
        make_context(root)
        print(f"context: {FILES:,} files, {FILES * FILE_BYTES / 1e6:.0f} MB", flush=True)
        ours(root), cli(root)  # both engines' caches hold the context once
        warm = pairs(root, args.repeat)
        cold = pairs(root, max(2, args.repeat // 2), ("--no-cache",), ("--no-cache",), change=False)
        tar = pairs(root, max(2, args.repeat // 2), ("--no-session",))
    print(row("warm, one file changed", warm, 1.1))
    print(row("cold (--no-cache)", cold, 1.05))
    print(row("warm, tar upload (before)", tar, None))
    subprocess.run([DOCKER, "image", "prune", "-f", "--filter", f"label={LABEL}"], capture_output=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
