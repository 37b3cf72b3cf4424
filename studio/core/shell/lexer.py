"""BuildKit's shell lexer (``frontend/dockerfile/shell``), facts only and our own code:
quotes, the file's escape character, ``$VAR`` expansion with every form BuildKit knows,
and splitting into words after expansion.

Errors (``${V:?msg}`` with V unset, ``${}``) are reported in :class:`Lexed`, never
raised, with the text expanded as far as it goes. Forms older engines reject are named
with the release that added them (:func:`newer_form`; Debian's Docker 20.10, checked,
fails on them with "missing ':' in substitution").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections.abc import Mapping

_SPECIAL_PARAMS = frozenset("@*#?-$!0")


@dataclass(frozen=True)
class VarRef:
    """One ``$NAME`` / ``${NAME...}`` in a word: ``modifier`` is "" for the plain forms,
    else as written: ":-", "-", ":+", "+", ":?", "?", "#", "##", "%", "%%", "/", "//"."""

    name: str
    offset: int  # of the ``$`` in the lexed string
    end: int
    modifier: str = ""


@dataclass
class Lexed:
    """What lexing one string gave: the expanded text (quotes and escapes removed), the
    words BuildKit would split it into, the references seen and the first error."""

    text: str
    words: list[str]
    refs: list[VarRef] = field(default_factory=list)
    matched: set[str] = field(default_factory=set)
    unmatched: set[str] = field(default_factory=set)
    error: str | None = None


class _Words:
    """Words split at unquoted, unescaped blanks, as BuildKit's wordsStruct does."""

    def __init__(self) -> None:
        self.word, self.words, self.in_word = "", [], False

    def char(self, ch: str) -> None:
        if ch.isspace():
            if self.in_word and self.word:
                self.words.append(self.word)
                self.word, self.in_word = "", False
        else:
            self.raw(ch)

    def string(self, text: str) -> None:
        for ch in text:
            self.char(ch)

    def raw(self, text: str) -> None:
        self.word += text
        self.in_word = True

    def done(self) -> list[str]:
        if self.word:
            self.words.append(self.word)
            self.word, self.in_word = "", False
        return self.words


class _Lexer:
    """One pass over a string. ``env`` None keeps every reference as written (splitting
    and finding references without expanding)."""

    def __init__(self, s: str, env: Mapping[str, str | None] | None, escape: str) -> None:
        self.s, self.i, self.env, self.esc = s, 0, env, escape
        self.raw_escapes = False
        self.result = Lexed("", [])

    def fail(self, message: str) -> None:
        if self.result.error is None:
            self.result.error = message

    def word(self, stop: str | None = None, raw_escapes: bool = False) -> tuple[str, list[str], bool]:
        """Text up to ``stop`` (consumed) or the end: (text, words, stop found)."""
        saved, self.raw_escapes = self.raw_escapes, raw_escapes
        try:
            return self._word(stop)
        finally:
            self.raw_escapes = saved

    def _word(self, stop: str | None) -> tuple[str, list[str], bool]:
        s, n = self.s, len(self.s)
        out: list[str] = []
        words = _Words()
        while self.i < n:
            ch = s[self.i]
            if stop is not None and ch == stop:
                self.i += 1
                return "".join(out), words.done(), True
            if ch == "$":
                text = self.dollar()
                words.string(text)
            elif ch == "'":
                text = self.single()
                words.raw(text)
            elif ch == '"':
                text = self.double()
                words.raw(text)
            else:
                self.i += 1
                if ch == self.esc:
                    if self.raw_escapes:
                        words.raw(ch)
                        out.append(ch)
                    if self.i >= n:
                        break
                    ch = s[self.i]
                    self.i += 1
                    words.raw(ch)
                else:
                    words.char(ch)
                text = ch
            out.append(text)
        return "".join(out), words.done(), stop is None

    def single(self) -> str:
        end = self.s.find("'", self.i + 1)
        if end < 0:
            self.fail("unexpected end of statement while looking for matching single-quote")
            text, self.i = self.s[self.i + 1:], len(self.s)
            return text
        text, self.i = self.s[self.i + 1:end], end + 1
        return text

    def double(self) -> str:
        s, n = self.s, len(self.s)
        self.i += 1
        out: list[str] = []
        while self.i < n:
            ch = s[self.i]
            if ch == '"':
                self.i += 1
                return "".join(out)
            if ch == "$":
                out.append(self.dollar())
                continue
            self.i += 1
            if ch == self.esc:
                if self.raw_escapes:
                    out.append(ch)
                if self.i >= n:
                    continue
                if s[self.i] in ('"', "$", self.esc):
                    ch = s[self.i]
                    self.i += 1
            out.append(ch)
        self.fail("unexpected end of statement while looking for matching double-quote")
        return "".join(out)

    def name(self) -> str:
        s, n, start = self.s, len(self.s), self.i
        if start < n and s[start].isdigit():
            while self.i < n and s[self.i].isdigit():
                self.i += 1
            return s[start:self.i]
        if start < n and s[start] in _SPECIAL_PARAMS:
            self.i += 1
            return s[start]
        while self.i < n and (s[self.i].isalnum() or s[self.i] == "_"):
            self.i += 1
        return s[start:self.i]

    def lookup(self, name: str) -> tuple[str, bool]:
        env = self.env or {}
        value = env.get(name)
        if value is None:
            self.result.unmatched.add(name)
            return "", False
        self.result.matched.add(name)
        return value, True

    def dollar(self) -> str:
        s, n, start = self.s, len(self.s), self.i
        self.i += 1
        if self.i >= n or s[self.i] != "{":
            name = self.name()
            if not name:
                return "$"
            return self._ref(VarRef(name, start, self.i), lambda: self.lookup(name)[0])
        self.i += 1
        if self.i >= n:
            self.fail("syntax error: missing '}'")
            return ""
        if s[self.i] in "{}:":
            self.fail("syntax error: bad substitution")
            self.i += 1
            return ""
        name = self.name()
        if self.i >= n:
            self.fail("syntax error: missing '}'")
            return ""
        ch = s[self.i]
        self.i += 1
        if ch == "}":
            return self._ref(VarRef(name, start, self.i), lambda: self.lookup(name)[0])
        modifier, null_is_unset = ch, False
        if ch == ":":
            if self.i >= n:
                self.fail("syntax error: missing '}'")
                return ""
            null_is_unset, ch = True, s[self.i]
            self.i += 1
            modifier = ":" + ch
        if ch == "/" and not null_is_unset:
            return self._replace(name, start)
        word, _, closed = self.word("}", raw_escapes=ch in "#%")
        if not closed:
            self.fail("syntax error: missing '}'")
            return ""
        if ch in "#%" and word.startswith(ch):
            modifier, word = modifier + ch, word[1:]
        ref = VarRef(name, start, self.i, modifier)
        return self._ref(ref, lambda: self._modify(name, ch, null_is_unset, modifier, word))

    def _ref(self, ref: VarRef, value) -> str:
        self.result.refs.append(ref)
        if self.env is None:
            return self.s[ref.offset:ref.end]
        return value()

    def _modify(self, name: str, ch: str, null_is_unset: bool, modifier: str, word: str) -> str:
        value, is_set = self.lookup(name)
        unset = not is_set or (null_is_unset and value == "")
        if ch == "-":
            return word if unset else value
        if ch == "+":
            return "" if unset else word
        if ch == "?":
            if not is_set:
                self.fail(f"{name}: {word or 'is not allowed to be unset'}")
            elif null_is_unset and value == "":
                self.fail(f"{name}: {word or 'is not allowed to be empty'}")
            return value
        if ch in "#%":
            try:
                if ch == "#":
                    return _trim_prefix(word, value, greedy=len(modifier.lstrip(":")) == 2)
                return _trim_suffix(word, value, greedy=len(modifier.lstrip(":")) == 2)
            except ValueError as exc:
                self.fail(f"invalid pattern ({word}) in substitution: {exc}")
                return value
        self.fail(f"unsupported modifier ({modifier}) in substitution")
        return ""

    def _replace(self, name: str, start: int) -> str:
        replace_all = self.i < len(self.s) and self.s[self.i] == "/"
        if replace_all:
            self.i += 1
        pattern, _, closed = self.word("/", raw_escapes=True)
        if not closed:
            self.fail("syntax error: missing '/' in ${}")
            return ""
        replacement, _, closed = self.word("}", raw_escapes=True)
        if not closed:
            self.fail("syntax error: missing '}'")
            return ""
        ref = VarRef(name, start, self.i, "//" if replace_all else "/")

        def value() -> str:
            text = self.lookup(name)[0]
            try:
                regex = _glob(pattern, greedy=True, anchored=False)
            except ValueError as exc:
                self.fail(f"invalid pattern ({pattern}) in substitution: {exc}")
                return text
            if replace_all:
                return regex.sub(lambda m: _go_template(replacement, m), text)
            m = regex.search(text)
            return text if m is None else text[:m.start()] + replacement + text[m.end():]

        return self._ref(ref, value)


def _glob(pattern: str, greedy: bool, anchored: bool) -> re.Pattern[str]:
    """A shell pattern as a regular expression: ``*`` any run (shortest unless greedy),
    ``?`` one character, ``\\`` escapes ``*``, ``?``, ``\\`` (before ``}`` or ``/`` it is
    dropped); no bracket expressions, as in BuildKit."""
    out = ["^"] if anchored else []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        i += 1
        if c == "*":
            out.append(".*" if greedy else ".*?")
        elif c == "?":
            out.append(".")
        elif c == "\\":
            if i < n and pattern[i] in "}/":
                continue
            if i >= n or pattern[i] not in "*?\\":
                raise ValueError(f"invalid escape '\\{pattern[i] if i < n else ''}'")
            out.append(re.escape(pattern[i]))
            i += 1
        else:
            out.append(re.escape(c))
    return re.compile("".join(out))


def _trim_prefix(pattern: str, value: str, greedy: bool) -> str:
    m = _glob(pattern, greedy, anchored=True).search(value)
    return value if m is None else value[m.end():]


def _trim_suffix(pattern: str, value: str, greedy: bool) -> str:
    """The shortest (or longest) matching suffix removed: reverse pattern and value and
    trim a prefix, keeping each escape before the character it escapes."""
    pieces, i = [], 0
    while i < len(pattern):
        step = 2 if pattern[i] == "\\" and i + 1 < len(pattern) else 1
        pieces.append(pattern[i:i + step])
        i += step
    return _trim_prefix("".join(reversed(pieces)), value[::-1], greedy)[::-1]


_TEMPLATE_REF = re.compile(r"\$(?:\$|\{(\w+)\}|(\w+))")


def _go_template(template: str, m: re.Match[str]) -> str:
    """A replacement as Go's ReplaceAllString reads it: ``$$`` is ``$``, ``$0`` the
    match, any other ``$name`` empty (the pattern has no groups)."""
    if "$" not in template:
        return template

    def one(ref: re.Match[str]) -> str:
        if ref.group() == "$$":
            return "$"
        return m.group() if (ref.group(1) or ref.group(2)) == "0" else ""

    return _TEMPLATE_REF.sub(one, template)


def lex(s: str, env: Mapping[str, str | None] | None = None, escape: str = "\\") -> Lexed:
    """Lex ``s`` as BuildKit does: with ``env`` (None values are unset) references are
    expanded; without, they are kept as written. Never raises."""
    lexer = _Lexer(s, env, escape)
    text, words, _ = lexer.word()
    lexer.result.text, lexer.result.words = text, words
    return lexer.result


def expand(word: str, env: Mapping[str, str | None], escape: str = "\\") -> str:
    """``word`` expanded, quotes and escapes removed (errors: see :func:`lex`)."""
    if "$" not in word and "'" not in word and '"' not in word and escape not in word:
        return word
    return lex(word, env, escape).text


def var_refs(s: str, escape: str = "\\") -> list[VarRef]:
    """Every reference BuildKit would expand in ``s`` (none inside single quotes)."""
    if "$" not in s:
        return []
    return lex(s, None, escape).refs


def split_words(s: str, escape: str = "\\") -> list[str]:
    """Words with quotes and escapes removed, references kept as written."""
    return lex(s, None, escape).words


def dequote(word: str, escape: str = "\\") -> str:
    """Quotes and escapes removed, references kept as written."""
    return lex(word, None, escape).text


# Forms a Dockerfile frontend learnt late: (syntax, BuildKit, Docker Engine) that added them.
_NO_COLON = ("1.6", "0.12", "25.0")
_PATTERNS = ("1.7", "0.13", "26.0")


def newer_form(ref: VarRef) -> tuple[str, str, str] | None:
    """(Dockerfile syntax, BuildKit, Docker Engine) versions that first accept ``ref``'s
    form, when older engines (Docker 20.10 and 24) reject it; else None."""
    mod = ref.modifier.lstrip(":")
    if mod[:1] in ("#", "%", "/"):
        return _PATTERNS
    if ref.modifier in ("-", "+"):
        return _NO_COLON
    return None
