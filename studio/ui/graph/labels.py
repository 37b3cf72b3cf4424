"""What the graph calls a stage: its identity for the scene (a key that stays unique
when names repeat) and the text of its base line. Plain functions over core stages,
shared by the scene and the edit controller (which resolves the keys intents carry)."""
from __future__ import annotations

from studio.core.model import Stage


def base_text(stage: Stage, stages: list[Stage]) -> tuple[str, str]:
    """What the base line shows and, when it differs, what was written."""
    if stage.base_kind == "scratch":
        return "scratch", ""
    if stage.base_kind == "stage" and stage.base_stage is not None and stage.base_stage < len(stages):
        shown = stages[stage.base_stage].label
    else:
        shown = stage.base_resolved or stage.base
    written = stage.base if stage.base != shown else ""
    return shown, (f"{written} → {shown}" if written else "")


def stage_keys(stages: list[Stage]) -> list[str]:
    """Identity of each stage: its key, made unique when names repeat (a diagnosed error)."""
    keys, seen = [], set()
    for st in stages:
        key = st.key
        if key in seen:
            key = f"{key}#{st.index}"
        seen.add(key)
        keys.append(key)
    return keys
