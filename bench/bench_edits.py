#!/usr/bin/env python3
"""How long each graph edit takes to compute on a big Dockerfile, excluding the parse.

usage: bench_edits.py [STAGES] [--repeat N]

The file is the shared generator's (../shared/bench/gen_big_dockerfile.py: 200 stages, ~6,800 lines).
Each operation runs on one parsed Document (its graph built once, as the GUI has it)
and we print the median time in ms and its ratio to a reference measured in this same
run: one full parse (lex + syntax tree + stage graph) of the same text. The budget is
5 ms per operation. A second table adds applying the edits and getting the new graph
(incremental ``reparse`` for a single edit), which is what a graph gesture costs.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.core import apply_edits, parse, reparse  # noqa: E402
from studio.core import edits as ops  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from benchlib import big_text as big_dockerfile  # noqa: E402
from benchlib import median_ms as _median_ms  # noqa: E402


def median_ms(fn, repeat: int) -> float:
    """Median of ``repeat`` runs after one warm-up (the operation warms its own caches)."""
    return _median_ms(fn, repeat, warmup=1)

BUDGET_MS = 5.0





def full_parse(text: str):
    doc = parse(text)
    doc.stages, doc.edges, doc.nodes  # noqa: B018 - force the lazy model
    return doc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stages", nargs="?", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=25)
    args = ap.parse_args()
    text = big_dockerfile(args.stages)
    doc = full_parse(text)
    n = len(doc.stages)
    mid, late = doc.stages[n // 2], doc.stages[n - 1]
    copy_line = next(e.line for e in doc.edges if e.kind == "copy" and e.target == n // 2)
    run_line = mid.instructions[2].line
    cases = {
        "rename_stage (middle stage)": lambda: ops.rename_stage(doc, mid.name, "renamed"),
        "add_stage (after first)": lambda: ops.add_stage(doc, "added", "alpine:3.20", after=0),
        "add_stage (at end)": lambda: ops.add_stage(doc, "added", "alpine:3.20"),
        "remove_stage (last)": lambda: ops.remove_stage(doc, late.index),
        "remove_stage (middle, cascade)": lambda: ops.remove_stage(doc, mid.index, cascade=True),
        "add_copy": lambda: ops.add_copy(doc, 3, mid.index, ["/out/3"], "/deps/3"),
        "remove_edge (COPY)": lambda: ops.remove_edge(doc, copy_line),
        "set_base": lambda: ops.set_base(doc, mid.index, "busybox:1.36"),
        "move_instruction (to another stage)": lambda: ops.move_instruction(doc, run_line, n - 1, 0),
    }
    for fn in cases.values():  # every case must really apply
        assert apply_edits(text, fn()) != text
    reference = median_ms(lambda: full_parse(text), max(5, args.repeat // 3))
    print(f"file: {args.stages} stages, {text.count(chr(10))} lines, {len(text)} chars")
    print(f"reference: one full parse = {reference:.2f} ms")
    print(f"{'operation':40} {'median ms':>10} {'x parse':>9}  budget {BUDGET_MS:g} ms")
    worst = 0.0
    for name, fn in cases.items():
        ms = median_ms(fn, args.repeat)
        worst = max(worst, ms)
        flag = "ok" if ms <= BUDGET_MS else "OVER"
        print(f"{name:40} {ms:10.3f} {ms / reference:9.3f}  {flag}")
    print(f"worst: {worst:.3f} ms ({worst / reference:.3f} x one parse)")
    print()
    print("end to end, as the GUI does it: compute the edits, apply them, get the new graph")
    print(f"{'operation':40} {'median ms':>10} {'x parse':>9}  how")
    for name, fn in cases.items():
        ms = median_ms(lambda fn=fn: _apply_and_reparse(doc, fn()), max(5, args.repeat // 3))
        how = "reparse" if len(fn()) == 1 else "full parse"
        print(f"{name:40} {ms:10.3f} {ms / reference:9.3f}  {how}")
    return 0


def _apply_and_reparse(doc, edits):
    """One edit goes through the incremental ``reparse``; several through a full parse."""
    if len(edits) == 1:
        new = reparse(doc, edits[0])
    else:
        new = parse(apply_edits(doc.text, edits))
    return new.stages, new.edges


if __name__ == "__main__":
    sys.exit(main())
