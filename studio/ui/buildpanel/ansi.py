"""ANSI escape sequences in build logs: strip them, or turn SGR colours into HTML.

Why our own: tools in RUN steps (compilers, npm, apt) colour their output; the log panel
shows those colours or plain text, and must never show raw ``\\x1b[31m`` noise.
"""
from __future__ import annotations

import html
import re

_CSI = re.compile(r"\x1b\[([0-9;?]*)([@-~])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_OTHER = re.compile(r"\x1b[\]PX^_].*?(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\x00-\x08\x0b\x0c\x0e-\x1f]", re.S)

PALETTE = ("#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5")
BRIGHT = ("#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff")


def has_ansi(text: str) -> bool:
    return "\x1b" in text


def strip_ansi(text: str) -> str:
    """The text without escape sequences or stray control characters (tabs stay)."""
    if "\x1b" not in text and _CONTROL.search(text) is None:
        return text
    return _OTHER.sub("", _CSI.sub("", text))


def _apply_sgr(params: str, state: dict) -> None:
    codes = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(codes):
        code = codes[i]
        if code == 0:
            state.clear()
        elif code == 1:
            state["bold"] = True
        elif code == 22:
            state.pop("bold", None)
        elif 30 <= code <= 37:
            state["fg"] = PALETTE[code - 30]
        elif 90 <= code <= 97:
            state["fg"] = BRIGHT[code - 90]
        elif code == 39:
            state.pop("fg", None)
        elif 40 <= code <= 47:
            state["bg"] = PALETTE[code - 40]
        elif code == 49:
            state.pop("bg", None)
        elif code in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
            state["fg" if code == 38 else "bg"] = _xterm256(codes[i + 2])
            i += 2
        elif code in (38, 48) and i + 4 < len(codes) and codes[i + 1] == 2:
            r, g, b = (max(0, min(255, c)) for c in codes[i + 2:i + 5])
            state["fg" if code == 38 else "bg"] = f"#{r:02x}{g:02x}{b:02x}"
            i += 4
        i += 1


def _xterm256(n: int) -> str:
    if n < 8:
        return PALETTE[n]
    if n < 16:
        return BRIGHT[n - 8]
    if n < 232:
        n -= 16
        levels = (0, 95, 135, 175, 215, 255)
        return f"#{levels[n // 36]:02x}{levels[(n // 6) % 6]:02x}{levels[n % 6]:02x}"
    grey = 8 + (min(n, 255) - 232) * 10
    return f"#{grey:02x}{grey:02x}{grey:02x}"


def ansi_to_html(text: str) -> str:
    """One line of text as escaped HTML with ``<span style=...>`` for SGR colours."""
    out: list[str] = []
    state: dict = {}
    pos = 0
    open_span = False
    for match in _CSI.finditer(text):
        out.append(html.escape(strip_ansi(text[pos:match.start()]), quote=False))
        pos = match.end()
        if match.group(2) != "m":
            continue
        _apply_sgr(match.group(1), state)
        if open_span:
            out.append("</span>")
            open_span = False
        style = ";".join(s for s in (f"color:{state['fg']}" if "fg" in state else "",
                                     f"background-color:{state['bg']}" if "bg" in state else "",
                                     "font-weight:bold" if state.get("bold") else "") if s)
        if style:
            out.append(f'<span style="{style}">')
            open_span = True
    out.append(html.escape(strip_ansi(text[pos:]), quote=False))
    if open_span:
        out.append("</span>")
    return "".join(out)
