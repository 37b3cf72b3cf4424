#!/usr/bin/env python3
"""The layered layout on the 200/400/800-stage files: its time against the core
parse + graph of the same file (measured in this run), and what the drawing looks like,
for the classic layout (a dummy per column a long edge crosses) and the segment one
(each long edge one unit, what big graphs get).

For each file it takes the exact call GraphScene.place makes (box sizes, anchors, entry
ports, routes wanted) by laying the file out once in an offscreen scene, then times
``layered_layout`` on it alone. Quality: edge crossings (counted as the classic layering
counts them) and bends (each change of height along an edge: leaving its source, at each
column it crosses, entering its target), with the total height the edges travel.
Each time is the fastest of N runs (load only ever adds time).
Run: .venv/bin/python bench/bench_layout.py [--repeat N] [--stages 200,400,800]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import best_ms, big_text  # noqa: E402


def place_call(graph) -> tuple:
    """The arguments GraphScene.place passes to layered_layout for this graph."""
    import studio.ui.graph.scene as scene_module
    from studio.ui.graph.png_export import build_scene

    calls = []
    real = scene_module.layered_layout

    def record(*args):
        calls.append(args)
        return real(*args)

    scene_module.layered_layout = record
    try:
        build_scene(graph)
    finally:
        scene_module.layered_layout = real
    nodes, edges, sizes, fixed, anchors, options, _ = calls[0]
    assert not fixed
    return nodes, edges, sizes, anchors, options


def bends(nodes, edges, sizes, anchors, pos, routes) -> tuple[int, float]:
    """(bends, height travelled) over every kept edge, from source anchor to target port."""
    from studio.ui.graph.layering import clean_edges

    count, travel = 0, 0.0
    for u, v, dy in clean_edges(nodes, edges):
        ys = [pos[u][1] + anchors.get(u, sizes[u][1] / 2)]
        ys += [y for _, y in routes.get((u, v), [])]
        ys.append(pos[v][1] + anchors.get(v, sizes[v][1] / 2) + dy)
        for a, b in zip(ys, ys[1:]):
            if abs(a - b) > 0.5:
                count += 1
                travel += abs(a - b)
    return count, travel


def bench_file(stages: int, repeat: int) -> None:
    from studio.core import parse
    from studio.ui.graph.layering import build_layering
    from studio.ui.graph.layout import LayoutOptions, layered_layout
    from studio.ui.graph.segments import build_segment_layering

    text = big_text(stages)
    reference = best_ms(lambda: parse(text).graph(), repeat) / 1000
    nodes, edges, sizes, anchors, options = place_call(parse(text).graph())
    print(f"{stages} stages ({len(nodes)} boxes, {len(edges)} edges): parse + graph {reference * 1000:.0f} ms")
    for name, segments in (("classic", False), ("segments", True)):
        opts = LayoutOptions(**{**options.__dict__, "segments": segments})
        routes: dict = {}
        pos = layered_layout(nodes, edges, sizes, None, anchors, opts, routes)
        took = best_ms(lambda opts=opts: layered_layout(nodes, edges, sizes, None, anchors, opts, {}), repeat) / 1000
        build = build_segment_layering if segments else build_layering
        crossings = build(nodes, edges, opts.sweeps).crossings
        bent, travel = bends(nodes, edges, sizes, anchors, pos, routes)
        height = max(p[1] + sizes[n][1] for n, p in pos.items()) - min(p[1] for p in pos.values())
        print(f"  {name:8}: layout {took * 1000:6.0f} ms = {took / reference:5.2f}x parse+graph; "
              f"crossings {crossings:7d}; bends {bent:6d}; height travelled {travel / 1000:6.0f} kpx; "
              f"drawing {height / 1000:4.0f} kpx tall")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stages", default="200,400,800")
    args = parser.parse_args()
    from studio.ui.graph.png_export import ensure_app

    ensure_app()
    for stages in (int(s) for s in args.stages.split(",")):
        bench_file(stages, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
