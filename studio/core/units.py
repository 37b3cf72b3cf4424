"""Human units for sizes and times, as the docker CLI shows them (decimal: 1 kB = 1000 B).

Why decimal: users compare our numbers with ``docker images``, which uses these units.
"""
from __future__ import annotations

_UNITS = ("kB", "MB", "GB", "TB")


def human_size(n: int | float | None) -> str:
    """``1980000`` -> ``"1.98 MB"``; three significant digits; ``None`` -> ``"—"``."""
    if n is None:
        return "—"
    value = float(abs(n))
    sign = "-" if n < 0 else ""
    if value < 1000:
        return f"{sign}{value:.0f} B"
    for unit in _UNITS:
        value /= 1000
        if value < 999.5 or unit == _UNITS[-1]:
            digits = 2 if value < 9.995 else 1 if value < 99.95 else 0
            return f"{sign}{value:.{digits}f} {unit}"
    return f"{sign}{value:.0f} TB"  # pragma: no cover - the loop always returns


def delta_size(n: int | None) -> str | None:
    """Signed change: ``"+100 kB"``, ``"−1.20 MB"``, ``"±0 B"``; ``None`` when unknown."""
    if n is None:
        return None
    if n == 0:
        return "±0 B"
    text = human_size(abs(n))
    return ("+" if n > 0 else "−") + text


def human_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = max(0.0, float(seconds))
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def delta_duration(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    if abs(seconds) < 0.05:
        return "±0.0 s"
    return ("+" if seconds > 0 else "−") + human_duration(abs(seconds))


def percent(fraction: float, digits: int = 1) -> str:
    """``0.9996`` -> ``"99.96 %"``: as many digits as it takes (up to ``digits`` + 2) never to
    round a fraction below 1 up to 100 % or one above 0 down to 0 %; past that ``"99.999+ %"``
    (a 16-byte waste in a 4 MB image once read "efficiency 100.0 %")."""
    value = fraction * 100
    for places in range(digits, digits + 3):
        text = f"{value:.{places}f}"
        if (float(text) >= 100) == (fraction >= 1) and (float(text) <= 0) == (fraction <= 0):
            return f"{text} %"
    if fraction < 1 and value > 50:
        return f"{100 - 10 ** -(digits + 2):.{digits + 2}f}+ %"
    return f"<{10 ** -(digits + 2):.{digits + 2}f} %"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 file', '2 files': a count with its noun in the right number."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def visible(text: str) -> str:
    """``text`` safe to print on a terminal: control and format characters (escape
    sequences, a newline that would fake a line, right-to-left overrides) as ``\\xNN`` /
    ``\\uNNNN``, the way Python writes them. File names in an image are anybody's bytes:
    a byte that is not UTF-8 (read with surrogate escapes) shows as ``\\xNN``, that byte."""
    if text.isprintable():
        return text
    import unicodedata

    out = []
    for ch in text:
        if ch.isprintable() or (ch == " ") or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            out.append(ch)
        else:
            code = ord(ch)
            if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
                code -= 0xDC00
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return "".join(out)


_CONTROLS = frozenset(range(0x20)) | {0x7F}


def plain_ascii(text: str, allowed: str = "") -> bool:
    """Whether ``text`` is ASCII without a control character, but those in ``allowed``: one
    pass in C over its bytes (str.isprintable takes four times as long on a build log's
    1 MB chunk, and a 50 MB log is fifty of them)."""
    if not text.isascii():
        return False
    raw = text.encode("ascii")
    return len(raw.translate(None, _DELETE.get(allowed) or _deletions(allowed))) == len(raw)


_DELETE: dict[str, bytes] = {}


def _deletions(allowed: str) -> bytes:
    _DELETE[allowed] = bytes(sorted(_CONTROLS - {ord(ch) for ch in allowed}))
    return _DELETE[allowed]


def terminal_text(text: str) -> str:
    """``visible`` for text of several lines, as a command's text output prints it: newlines
    and tabs kept, every other control or format character (an OSC that sets the terminal's
    title, a clear-screen CSI, a BEL, an 8-bit CSI, a right-to-left override) escaped. A name
    from a Dockerfile or a file name then can never drive the user's terminal."""
    if plain_ascii(text, "\n\t") or text.replace("\n", "").replace("\t", "").isprintable():
        return text
    return "\n".join("\t".join(visible(part) for part in line.split("\t")) for line in text.split("\n"))


class TerminalWriter:
    """A text stream whose writes go through ``terminal_text``: standard error of every
    command, and a command's text output. (Everything else is the stream's own.)"""

    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(terminal_text(text))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)
