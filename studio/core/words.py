"""Shell-like words: split with quotes kept, and remove quotes and escapes.

One helper for the three places that need it, each with BuildKit's rule: heredoc
delimiters (backslash escapes), flag values (backslash escapes even inside single
quotes, as in extractBuilderFlags), and COPY paths in ``# escape=`` ` `` files (backtick
escapes, backslashes are plain characters).
"""
from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=8)
def _patterns(escape: str, single_quote_escapes: bool) -> tuple[re.Pattern[str], re.Pattern[str]]:
    e = re.escape(escape)
    double = rf'"((?:[^"{e}]|{e}[\s\S]?)*)"?'
    single = rf"'((?:[^'{e}]|{e}[\s\S]?)*)'?" if single_quote_escapes else r"'([^']*)'?"
    word = re.compile(rf"""(?:[^\s"'{e}]|{e}[\s\S]?|{double}|{single})+""")
    piece = re.compile(rf"{e}([\s\S]?)|{double}|{single}")
    return word, piece


def raw_words(text: str, escape: str = "\\") -> list[str]:
    """The words of ``text`` split at unquoted whitespace, quotes and escapes kept."""
    return [m.group() for m in _patterns(escape, False)[0].finditer(text)]


def unquote(word: str, escape: str = "\\", single_quote_escapes: bool = False) -> str:
    """``word`` with its quotes and escape characters removed (no variable expansion)."""
    if '"' not in word and "'" not in word and escape not in word:
        return word
    inner = re.compile(re.escape(escape) + r"([\s\S]?)")

    def piece(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return m.group(1)
        if m.group(2) is not None:
            return inner.sub(r"\1", m.group(2))
        content = m.group(3) or ""
        return inner.sub(r"\1", content) if single_quote_escapes else content

    return _patterns(escape, single_quote_escapes)[1].sub(piece, word)
