"""What every benchmark here shares: the large benchmark Dockerfile and timing helpers.

The large file comes from the project's shared generator, found beside the checkout at
``../shared/bench/gen_big_dockerfile.py`` (or wherever STAGE_STUDIO_BENCH_GENERATOR
points). Without it, a similar stand-in is generated and a note says so, so numbers
are never silently taken on a different file.
"""
from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from collections.abc import Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def installed_env() -> dict[str, str]:
    """The environment a timed command runs in: Python keeps its bytecode caches, as it
    does for an installed app (pip compiles them at install time). Where the shell sets
    PYTHONDONTWRITEBYTECODE (this workplace does), every run would compile each module
    changed since the checkout's caches were written, from source, and a command that
    loads more new modules would pay for the compiler, not for its work. The caches go
    to a folder of the bench's own (PYTHONPYCACHEPREFIX), not into the checkout; the
    first run of each command writes them, and the benches keep the fastest run."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "stage-studio-bench-pycache")
    return env


def generator_path() -> Path:
    return Path(os.environ.get("STAGE_STUDIO_BENCH_GENERATOR")
                or ROOT.parent / "shared" / "bench" / "gen_big_dockerfile.py")


def big_text(stages: int = 200) -> str:
    """The shared benchmark Dockerfile with ``stages`` stages (200: about 6,800 lines)."""
    path = generator_path()
    if path.exists():
        spec = importlib.util.spec_from_file_location("gen_big_dockerfile", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.generate(stages)
    print(f"note: {path} not found; using a similar stand-in file", file=sys.stderr)
    out = ["# syntax=docker/dockerfile:1", "ARG BASE=alpine:3.20", ""]
    for i in range(stages):
        out.append(f"FROM {'${BASE}' if i < 5 else f's{i - 1}'} AS s{i}")
        out += [f"RUN --mount=type=cache,target=/c \\\n    echo {i} {j} && \\\n    true" for j in range(8)]
        out += [f"COPY --from=s{max(0, i - 1)} /out /deps/{i}", 'CMD ["app"]', ""]
    return "\n".join(out) + "\n"


def samples_ms(fn: Callable[[], object], runs: int, warmup: int = 0) -> list[float]:
    """Wall times of ``runs`` calls of ``fn``, in milliseconds, after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def median_ms(fn: Callable[[], object], runs: int, warmup: int = 0) -> float:
    return statistics.median(samples_ms(fn, runs, warmup))


def best_ms(fn: Callable[[], object], runs: int, warmup: int = 0) -> float:
    """The fastest run: on a shared, noisy machine, load only ever adds time."""
    return min(samples_ms(fn, runs, warmup))
