"""Two stages FROM one image share one BuildKit vertex, named after the first stage; each
stage's step must carry its own label (no ``[builder 1/2]`` on the second stage's FROM)."""
from __future__ import annotations

import re

from helpers import by_kind

BB = "stage-studio-test/busybox:latest"


def test_a_shared_from_is_named_for_each_stage(run_build):
    text = (f"FROM {BB} AS builder\nRUN echo a > /a\n"
            f"FROM {BB} AS second\nRUN echo b > /b\nCOPY --from=builder /a /a\n")
    events, result, _ = run_build(text, backend="buildkit")
    assert result.ok, result.error
    names = {(e.stage, e.line): e.name for e in by_kind(events, "step_started")}
    assert (1, 3) in names and "FROM" in names[(1, 3)]  # the shared vertex reached both stages
    keys = {0: "builder", 1: "second"}
    for (stage, _line), name in names.items():  # a label, when the engine gives one, is the step's own
        label = re.match(r"\[(?:\S+/\S+ )?(\S+) +\d+/\d+\]", name)
        assert label is None or label.group(1) == keys[stage], names
