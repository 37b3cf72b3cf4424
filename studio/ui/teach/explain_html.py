"""Rich-text rendering of a StageExplanation (core/explain.py) for the Explain panel and
the classroom walk-through. Pure string work: no widgets, so it is easy to test and the
two views cannot drift apart."""
from __future__ import annotations

import html
import re
from typing import Any

from studio.core.explain import StageExplanation
from studio.core.units import human_size

ACCENT = "#2f6fdf"
_CODE = re.compile(r"`([^`]*)`")


def _text(value: str) -> str:
    """Escape ``value`` for HTML, turning `backticks` into code spans."""
    parts = _CODE.split(value)
    out = []
    for i, part in enumerate(parts):
        escaped = html.escape(part)
        out.append(f"<code>{escaped}</code>" if i % 2 else escaped)
    return "".join(out)


def _badge(text: str, colour: str) -> str:
    return (f"<span style='background:{colour}; color:white; font-weight:600;'>"
            f"&nbsp;{html.escape(text)}&nbsp;</span>")


def _feed_line(feed: Any) -> str:
    who = f"<b>{html.escape(feed.label)}</b>"
    paths = ", ".join(f"<code>{html.escape(p)}</code>" for p in feed.paths)
    if feed.kind == "from":
        what = f"{who} starts from it"
    elif feed.kind == "copy":
        what = f"{who} copies {paths or 'files'} out of it"
    else:
        what = f"{who} mounts {paths or 'it'} from it while running"
    return f"{what} <span style='color:gray;'>(line {feed.line})</span>"


def _cost_rows(exp: StageExplanation, stage_size: int | None) -> list[tuple[str, str]]:
    rows = []
    if exp.cost is not None:
        rows.append(("Its own instructions added", human_size(exp.cost)))
    if exp.reaching_final is not None:
        rows.append(("The final image carries from it", human_size(exp.reaching_final)))
    if stage_size is not None:
        rows.append(("Whole stage image (base included)", human_size(stage_size)))
    return rows


def explanation_html(exp: StageExplanation, stage_size: int | None = None, step: str = "") -> str:
    """The explanation as a small rich-text document: heading with badges, then one short
    section per question a learner asks (from what? adds what? who uses it? needed? cost?)."""
    badges = []
    if exp.is_target:
        badges.append(_badge("target", "#e8590c"))
    elif exp.needed:
        badges.append(_badge("needed for the target", "#2e8b57"))
    else:
        badges.append(_badge("skipped", "#888888"))
    if exp.build_order is not None:
        badges.append(_badge(f"build step {exp.build_order + 1}", ACCENT))
    head = f"<p style='color:gray; margin:0;'>{html.escape(step)}</p>" if step else ""
    out = [head, f"<h2 style='margin-bottom:2px;'>{html.escape(exp.title)}</h2>",
           f"<p>{' '.join(badges)}</p>",
           "<h4 style='margin-bottom:0;'>Starts from</h4>", f"<p>{_text(exp.starts_from)}</p>",
           "<h4 style='margin-bottom:0;'>What it adds</h4>"]
    if exp.adds:
        out.append("<ul style='margin-top:2px;'>" + "".join(f"<li>{_text(a)}</li>" for a in exp.adds) + "</ul>")
    else:
        out.append("<p>Nothing of its own.</p>")
    out.append("<h4 style='margin-bottom:0;'>Used by</h4>")
    if exp.feeds:
        out.append("<ul style='margin-top:2px;'>" + "".join(f"<li>{_feed_line(f)}</li>" for f in exp.feeds) + "</ul>")
    else:
        out.append("<p>" + ("Nothing: it is the image you get." if exp.is_target else "No other stage uses it.") + "</p>")
    out.append("<h4 style='margin-bottom:0;'>Does the target need it?</h4>")
    out.append(f"<p>{'Yes. ' if exp.needed else 'No. '}{_text(exp.needed_reason)}</p>")
    rows = _cost_rows(exp, stage_size)
    out.append("<h4 style='margin-bottom:0;'>Cost in the last build</h4>")
    if rows:
        cells = "".join(f"<tr><td>{html.escape(k)}</td><td align='right'>&nbsp;&nbsp;<b>{html.escape(v)}</b></td></tr>"
                        for k, v in rows)
        out.append(f"<table cellspacing='2'>{cells}</table>")
    else:
        out.append("<p style='color:gray;'>Build with sizes (Build menu) to see what this stage costs "
                   "and how much of it reaches the final image.</p>")
    return "".join(out)


def placeholder_html(message: str) -> str:
    return f"<p style='color:gray;'>{html.escape(message)}</p>"
