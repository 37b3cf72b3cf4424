#!/usr/bin/env python3
"""Benchmark lint on the 200-stage file (about 6,800 lines).

usage: python bench/bench_lint.py [STAGES]

Prints the median time of ``lint(parse(text))`` next to the median ``parse`` time of the
same text (the reference, measured in this run) and their ratio: lint runs on every
keystroke in the editor, so it should stay a small multiple of parsing. Also times
``fix_all`` on the gallery's worst example for a feel of the quick-fix loop.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studio.core import parse  # noqa: E402
from studio.core.lint import fix_all, lint  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import big_text, median_ms  # noqa: E402




def main() -> None:
    stages = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    text = big_text(stages)
    parse_ms = median_ms(lambda: parse(text).stages, 7)
    lint_ms = median_ms(lambda: lint(parse(text)), 7)
    found = len(lint(parse(text)))
    print(f"{len(text.splitlines())} lines, {stages} stages, {found} findings")
    print(f"parse:        {parse_ms:8.1f} ms (reference)")
    print(f"parse + lint: {lint_ms:8.1f} ms  ratio {lint_ms / parse_ms:5.2f}x parse")
    small = "FROM alpine:3 as Build\nrun apk add make\nMAINTAINER me\nFROM alpine:3\n" \
            "COPY --from=0 /x /x\nEXPOSE 80/TCP\nCMD run --now\n"
    small_parse = median_ms(lambda: parse(small).stages, 21)
    fix_ms = median_ms(lambda: fix_all(small), 21)
    print(f"fix_all on a 7-line file: {fix_ms:.2f} ms = {fix_ms / small_parse:.1f}x its parse")


if __name__ == "__main__":
    main()
