"""Just enough of BuildKit's word expansion for lint: find ``$VAR`` references, expand
``FROM`` words with ARG values, and split ENV/ARG/LABEL key-value words."""
from __future__ import annotations

import re
from dataclasses import dataclass

from dockerfile_parse.util import WordSplitter

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class VarRef:
    name: str
    offset: int  # of the ``$`` in the scanned string
    modifier: str  # "" for $X / ${X}; else ":-", "-", ":+", "+", ":?", "?", "%", "#", "/"


def _scan(s: str, env: dict[str, str] | None, escape: str = "\\"):
    """Walk ``s`` like BuildKit's lexer; yield (VarRef, expansion-or-None) pairs and
    build the expanded text. Returns (refs, result)."""
    refs: list[tuple[VarRef, str | None]] = []
    out: list[str] = []
    i, n, quote = 0, len(s), None
    while i < n:
        ch = s[i]
        if quote == "'":
            if ch == "'":
                quote = None
            out.append(ch)
            i += 1
            continue
        if ch == escape and i + 1 < n:
            out.append(s[i:i + 2])
            i += 2
            continue
        if ch in "'\"":
            quote = None if quote == ch else (ch if quote is None else quote)
            out.append(ch)
            i += 1
            continue
        if ch != "$":
            out.append(ch)
            i += 1
            continue
        ref, value, i = _dollar(s, i, env)
        if ref is not None:
            refs.append((ref, value))
        out.append(value if value is not None else "")
    return refs, "".join(out)


def _dollar(s: str, i: int, env: dict[str, str] | None):
    start = i
    i += 1
    if i < len(s) and s[i] != "{":
        m = _NAME.match(s, i)
        if not m:
            return None, "$", i
        name = m.group()
        return VarRef(name, start, ""), _get(env, name), m.end()
    if i >= len(s):
        return None, "$", i
    m = _NAME.match(s, i + 1)
    if not m:
        close = s.find("}", i)
        return None, s[start:close + 1 if close >= 0 else len(s)], close + 1 if close >= 0 else len(s)
    name = m.group()
    j = m.end()
    close = _matching_brace(s, j)
    body = s[j:close]
    value = _get(env, name)
    modifier = ""
    if body:
        for mod in (":-", ":+", ":?", "-", "+", "?", "%", "#", "/"):
            if body.startswith(mod):
                modifier = mod
                break
        word = body[len(modifier):]
        unset = value is None or (modifier.startswith(":") and value == "")
        if modifier in (":-", "-"):
            value = word if unset else value
        elif modifier in (":+", "+"):
            value = "" if unset else word
        elif value is not None and modifier in ("%", "#", "/"):
            value = value  # pattern edits are rare in FROM; keep the value unchanged
    return VarRef(name, start, modifier), value, close + 1


def _matching_brace(s: str, j: int) -> int:
    depth = 1
    while j < len(s):
        if s[j] == "{":
            depth += 1
        elif s[j] == "}":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return len(s)


def _get(env: dict[str, str] | None, name: str) -> str | None:
    if env is None:
        return None
    return env.get(name)


def var_refs(s: str, escape: str = "\\") -> list[VarRef]:
    """Every variable reference BuildKit would expand in ``s`` (not in single quotes)."""
    return [r for r, _ in _scan(s, None, escape)[0]]


def expand(s: str, env: dict[str, str], escape: str = "\\") -> tuple[str, set[str], set[str]]:
    """Expand ``s`` with ``env``; return (result, matched names, unmatched names).
    Quotes are kept (callers of image references have none)."""
    refs, result = _scan(s, env, escape)
    matched = {r.name for r, _ in refs if r.name in env}
    unmatched = {r.name for r, _ in refs if r.name not in env}
    return result, matched, unmatched


def split_words(s: str) -> list[str]:
    """Shell-like words with quotes removed; an unbalanced quote keeps the raw rest."""
    try:
        return list(WordSplitter(s).split())
    except Exception:
        return s.split()


def key_values(args: str, allow_legacy: bool = True) -> tuple[list[tuple[str, str | None]], bool]:
    """Split ENV/ARG/LABEL arguments into (key, value) pairs; the flag says whether the
    legacy ``KEY value`` form (no ``=``) was used. ARG keys may have no value (None)."""
    words = split_words(args)
    if not words:
        return [], False
    if allow_legacy and "=" not in words[0]:
        rest = args.strip()[len(args.strip().split(None, 1)[0]):].strip()
        if rest:
            return [(words[0], rest)], True
    pairs: list[tuple[str, str | None]] = []
    for w in words:
        key, eq, value = w.partition("=")
        pairs.append((key, value if eq else None))
    return pairs, False
