"""Turn a lexed node into model objects: keyword, flags, arguments, heredocs, mounts.

The keyword is found at once (the stage graph needs every one); flags, arguments,
JSON form, mounts and ONBUILD's inner instruction are worked out the first time any
of them is read (``ParsedInstruction``), so opening a big file stays fast.
"""
from __future__ import annotations

import re
import weakref

from studio.core.detail_cache import (DetailCache, materialize_details, quick_details, quick_flags,
                                      quiet_first_line, relative_details)
from studio.core.flags import SESSION_MOUNT_TYPES, extract_flags, parse_mount
from studio.core.logical import (GO_SPACE, joined_line, keyword_index, logical_line, split_json_args,
                                 split_keyword, to_offset)
from studio.core.model import Flag, Heredoc, Instruction, Mount, Node
from studio.core.syntax import RawNode

KEYWORDS = frozenset((
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
))
JSON_KEYWORDS = frozenset(("RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"))
_LEAD = "[" + re.escape(GO_SPACE.replace("\n", "")) + "]*"
# Leading space, then a plain keyword followed by a space/tab (or the end of the line).
_SIMPLE_KEYWORD = re.compile(_LEAD + r"([A-Za-z]+)(?=[\t\v\f ]|\r?\n|\r?\Z)")


_new = object.__new__
# Every keyword in upper, title and lower case, so most lines need no str.upper().
_UPPER = {w: k for k in KEYWORDS for w in (k, k.title(), k.lower())}
_NO_QUICK_DETAILS = frozenset(("ONBUILD", "HEALTHCHECK"))  # (their details have more parts)


def _cache_of(cache_ref: weakref.ref, escape: str) -> DetailCache:
    """The Document's DetailCache or, once the Document is gone (its instructions may
    outlive it), one shared by such orphans (entries are by text: valid for any file
    with the same escape character)."""
    cache = cache_ref()
    if cache is None:
        cache = _ORPHANS.get(escape)
        if cache is None:
            cache = _ORPHANS[escape] = DetailCache()
    return cache


_ORPHANS: dict[str, DetailCache] = {}


class _Lazy:
    """A field computed with the others on first read, then stored on the instance."""

    def __init__(self, name: str):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        obj._fill_details()
        return obj.__dict__[self.name]


class _EmptyList:
    """A list field that is empty unless set: a new list, stored on first read (most
    instructions have no heredocs; not making thousands of lists up front is faster)."""

    def __init__(self, name: str):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return obj.__dict__.setdefault(self.name, [])


class ParsedInstruction(Instruction):
    """An Instruction from the parser. Same fields; some computed on first access."""

    heredocs = _EmptyList("heredocs")

    flags = _Lazy("flags")
    args = _Lazy("args")
    args_start = _Lazy("args_start")
    json_form = _Lazy("json_form")
    json_args = _Lazy("json_args")
    mounts = _Lazy("mounts")
    onbuild = _Lazy("onbuild")

    def _fill_details(self) -> None:
        d = self.__dict__
        source = d.get("_source")
        if source is None:  # already filled (two threads may both fill: same values)
            return
        text, escape, _ = source
        start = self.start
        cache, key, entry = self._known_entry(source)
        if entry is not None:
            materialize_details(d, entry, start)
        else:
            joined, segments = logical_line(text, start, self.content_end, escape)
            _details(self, joined, segments, 0)
            if d["onbuild"] is not None:
                d["onbuild"].heredocs = self.heredocs
            else:
                cache.store(key, relative_details(d, start))
        d.pop("_source", None)

    def _known_entry(self, source: tuple) -> tuple[DetailCache, str, tuple | None]:
        """The cache, this instruction's text (the key) and its entry: kept from an earlier
        fill of the same text, or read now by quick_details (and kept); None when only
        the full work can tell."""
        text, escape, cache_ref = source
        cache = _cache_of(cache_ref, escape)
        key = text[self.start:self.content_end]
        entry = cache.texts.get(key)
        if entry is None and self.keyword not in _NO_QUICK_DETAILS:
            entry = quick_details(key, escape, self.keyword, self.keyword in JSON_KEYWORDS)
            if entry is not None:
                cache.store(key, entry)
        return cache, key, entry

    def from_and_args(self) -> tuple[str | None, str]:
        """The first ``--from`` flag's value (None: no such flag with a value) and the
        arguments, as the filled details give them, without filling them when they are
        not known yet: a picture's rows show these two for thousands of instructions that
        nothing else reads (spans, mounts and the cache entry of the full work are skipped)."""
        source = self.__dict__.get("_source")
        if source is None:
            return super().from_and_args()
        _, _, entry = self._known_entry(source)
        if entry is not None:
            flags, args = entry[0], entry[1]
        else:  # the first steps of _details, on the same joined line
            text, escape, _ = source
            joined = joined_line(text, self.start, self.content_end, escape)
            plain = quick_flags(joined, escape)
            if plain is not None:  # a keyword and plain flags: one regex (quick_details' reading)
                flags, args_at = plain
            else:
                _, args_at = split_keyword(joined, 0)
                flags = ()
                if joined.startswith("--", args_at):
                    flags, args_at = extract_flags(joined, args_at)
            args = joined[args_at:].lstrip(GO_SPACE).rstrip(GO_SPACE)
        return next((f[1] for f in flags if f[0] == "from" and f[1] is not None), None), args

    def surely_quiet(self) -> bool:
        """True when this RUN or COPY surely makes no edge and no diagnostic in the stage
        graph: no flags, or only plain flags on its first line that name no other stage
        or image (``--mount=type=cache,target=/c``, ``--chown=1``). Found from the first
        line alone, cached, so the graph can skip the details of most lines."""
        source = self.__dict__.get("_source")
        if source is None:  # details known: the same test on them
            if self.keyword == "COPY":
                return self.flag("from") is None
            return self.keyword == "RUN" and not any(
                m.problems or m.type in SESSION_MOUNT_TYPES or "from" in m.options for m in self.mounts)
        text, escape, cache_ref = source
        cache = _cache_of(cache_ref, escape)
        start, end = self.start, self.content_end
        at = text.find("--", start, end)
        if at < 0:
            return True
        eol = text.find("\n", start, end)
        if eol < 0:
            eol = end
        elif text.find("--", eol, end) >= 0:  # flags may go on past the first line
            return False
        key = text[start:eol]
        quiet = cache.quiet_lines.get(key)
        if quiet is None:
            quiet = quiet_first_line(key, escape, self.keyword)
            cache.remember(cache.quiet_lines, key, quiet)
        return quiet

    def __getstate__(self):
        if "_source" in self.__dict__:
            self._fill_details()
        return self.__dict__


def needs_a_look(rest: list[Instruction]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Indices of the RUN/COPY lines in ``rest`` that may make an edge or a diagnostic (the
    others are ``surely_quiet``), and of the unknown instructions. ``surely_quiet`` inlined:
    this loop runs over every line of a newly opened file."""
    look: list[int] = []
    unknown: list[int] = []
    same = None  # the first line, with its line end, of the last quiet RUN/COPY here
    for r, ins in enumerate(rest):
        kw = ins.keyword
        if kw == "RUN" or kw == "COPY":
            d = ins.__dict__
            source = d.get("_source")
            if source is None:
                check = getattr(ins, "surely_quiet", None)  # (a plain Instruction has none)
                if check is None or not check():
                    look.append(r)
                continue
            text = source[0]
            start, end = d["start"], d["content_end"]
            if same is not None and text.startswith(same, start):  # lines in a row often start alike
                if text.find("--", start + len(same), end) >= 0:  # quiet unless flags may go on
                    look.append(r)
                continue
            last = text.rfind("--", start, end)
            if last < 0:
                continue
            eol = text.find("\n", start, end)
            if eol < 0:
                eol = end
            elif last > eol - 2:  # a "--" past the first line: flags may go on
                look.append(r)
                continue
            if kw == "COPY" and text.find("--from", start, eol) >= 0:  # (a look is all the test would cost)
                look.append(r)
                continue
            quiet = _cache_of(source[2], source[1]).quiet_lines.get(text[start:eol])
            if not (ins.surely_quiet() if quiet is None else quiet):
                look.append(r)
            elif eol < end:
                same = text[start:eol + 1]
        elif kw not in KEYWORDS:
            unknown.append(r)
    return tuple(look), tuple(unknown)


def build_nodes(text: str, raws: list[RawNode], escape: str, stage: int = -1,
                cache: DetailCache | None = None) -> list[Node]:
    """Model objects for lexed nodes (one tight loop: this runs on every file open).

    ``stage`` is the index of the stage the first node is in (-1: before any FROM);
    each instruction's ``stage`` is the index of the FROM above it.
    """
    out: list[Node] = []
    append = out.append
    match = _SIMPLE_KEYWORD.match
    # Shared by the instructions, which fill their details from it. The cache only weakly:
    # it holds the stage graph's parts (and so instructions), and a cycle would keep a
    # dropped Document alive until a costly full collection.
    source = (text, escape, weakref.ref(DetailCache() if cache is None else cache))
    new = _new
    upper_of = _UPPER.get
    in_stage = stage if stage >= 0 else None
    for kind, start, end, line, end_line, content_end, raw_docs, keyword in raws:
        if kind != "instruction":
            node = new(Node)
            node.__dict__ = {"kind": kind, "start": start, "end": end, "line": line, "end_line": end_line}
            append(node)
            continue
        if keyword:  # the lexer saw a plain keyword at the start of the line
            kw_start = start
        else:
            m = match(text, start, content_end)
            if m is None:  # an unusual first line (the keyword split by a continuation, odd spaces)
                ins = _unusual_instruction(text, start, end, line, end_line, content_end, raw_docs, escape)
                if ins.keyword == "FROM":
                    stage += 1
                    in_stage = stage
                ins.stage = in_stage
                append(ins)
                continue
            keyword, kw_start = m.group(1), m.start(1)
        upper = upper_of(keyword) or keyword.upper()
        if upper == "FROM":
            stage += 1
            in_stage = stage
        ins = new(ParsedInstruction)
        ins.__dict__ = {"kind": "instruction", "start": start, "end": end, "line": line, "end_line": end_line,
                        "keyword": upper, "keyword_as_written": keyword, "keyword_start": kw_start,
                        "stage": in_stage, "content_end": content_end, "_source": source}
        if raw_docs:  # (without, ``heredocs`` is a new empty list when first read)
            ins.heredocs = [Heredoc(*h) for h in raw_docs]
        append(ins)
    return out


def _unusual_instruction(text: str, start: int, end: int, line: int, end_line: int, content_end: int,
                         raw_docs, escape: str) -> Instruction:
    ins = _new(ParsedInstruction)
    joined, segments = logical_line(text, start, content_end, escape)
    keyword, _ = split_keyword(joined, 0)
    ins.__dict__ = {"kind": "instruction", "start": start, "end": end, "line": line, "end_line": end_line,
                    "keyword": keyword.upper(), "keyword_as_written": keyword,
                    "keyword_start": to_offset(segments, keyword_index(joined, 0)),
                    "heredocs": [Heredoc(*h) for h in raw_docs] if raw_docs else [],
                    "stage": None, "content_end": content_end}
    _details(ins, joined, segments, 0)
    if ins.onbuild is not None:
        ins.onbuild.heredocs = ins.heredocs
    return ins


def _details(ins: Instruction, joined: str, segments: list[tuple[int, int]], at: int) -> None:
    """Fill flags, args, JSON form, mounts and ONBUILD's inner instruction from the joined line."""
    _, rest_at = split_keyword(joined, at)
    base = segments[0][1] - segments[0][0]
    # Offsets before the second joined line map with one addition; later ones search.
    first_end = segments[1][0] if len(segments) > 1 else len(joined) + 1
    flags: list[Flag] = []
    if joined.startswith("--", rest_at):
        raw_flags, args_at = extract_flags(joined, rest_at)
        for name, value, fs, fe, vs, ve in raw_flags:
            flag = _new(Flag)
            if fe <= first_end:
                flag.__dict__ = {"name": name, "value": value, "start": base + fs, "end": base + fe,
                                 "value_start": None if vs is None else base + vs,
                                 "value_end": None if ve is None else base + ve}
            else:
                flag.__dict__ = {"name": name, "value": value, "start": to_offset(segments, fs),
                                 "end": _end_offset(segments, fe),
                                 "value_start": None if vs is None else to_offset(segments, vs),
                                 "value_end": None if ve is None else _end_offset(segments, ve)}
            flags.append(flag)
    else:
        args_at = rest_at
    tail = joined[args_at:]
    stripped = tail.lstrip(GO_SPACE)
    args = stripped.rstrip(GO_SPACE)
    at_args = args_at + len(tail) - len(stripped)
    args_start = base + at_args if at_args < first_end else to_offset(segments, at_args)
    if not args:
        args_start = min(args_start, ins.content_end)
    upper = ins.keyword
    json_args = None
    if args.startswith("[") and upper in JSON_KEYWORDS:
        json_args = split_json_args(args)
    elif upper == "HEALTHCHECK":  # HEALTHCHECK CMD ["..."] is exec form too
        sub, sub_at = split_keyword(args, 0)
        json_args = split_json_args(args[sub_at:]) if sub.upper() == "CMD" else None
    mounts: list[Mount] = []
    onbuild = None
    if upper == "RUN":
        for flag in flags:
            if flag.name == "mount" and flag.value is not None:
                mount_type, options, problems = parse_mount(flag.value)
                mount = _new(Mount)
                mount.__dict__ = {"type": mount_type, "options": options, "flag": flag,
                                  "source_from": options.get("from"), "problems": problems}
                mounts.append(mount)
    elif upper == "ONBUILD" and args:
        keyword, _ = split_keyword(joined, at_args)
        onbuild = _new(Instruction)
        onbuild.__dict__ = {
            "kind": "instruction", "start": args_start, "end": ins.end, "line": ins.line,
            "end_line": ins.end_line, "keyword": keyword.upper(), "keyword_as_written": keyword,
            "keyword_start": args_start, "heredocs": [], "stage": None, "content_end": ins.content_end}
        _details(onbuild, joined, segments, at_args)
    ins.__dict__.update(flags=flags, args=args, args_start=args_start, json_form=json_args is not None,
                        json_args=json_args, mounts=mounts, onbuild=onbuild)


def _end_offset(segments: list[tuple[int, int]], index: int) -> int:
    """Offset just after character ``index - 1`` (an exclusive end)."""
    return to_offset(segments, index - 1) + 1 if index > 0 else to_offset(segments, 0)
