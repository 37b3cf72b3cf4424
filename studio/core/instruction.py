"""Turn a lexed node into model objects: keyword, flags, arguments, heredocs, mounts.

The keyword is found at once (the stage graph needs every one); flags, arguments,
JSON form, mounts and ONBUILD's inner instruction are worked out the first time any
of them is read (``ParsedInstruction``), so opening a big file stays fast.
"""
from __future__ import annotations

import re
from functools import lru_cache

from studio.core.flags import SESSION_MOUNT_TYPES, extract_flags, parse_mount
from studio.core.logical import (GO_SPACE, keyword_index, logical_line, split_json_args, split_keyword,
                                 to_offset)
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


class _Lazy:
    """A field computed with the others on first read, then stored on the instance."""

    def __init__(self, name: str):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        obj._fill_details()
        return obj.__dict__[self.name]


LONGEST_KEY = 4096  # longer instruction texts are not cached (rare; worked out each time)


class DetailCache:
    """Instruction details by instruction text, with offsets relative to the instruction's
    start, shared by a Document and the Documents reparsed from it.

    After an edit, the instructions after it only moved: their details come from here
    (a dict lookup and a few small objects) instead of being worked out again. Holds one
    escape character's results (a change of escape re-parses from scratch).
    """

    __slots__ = ("texts", "quiet_lines", "stages", "stage_chars", "froms", "results", "limit")

    def __init__(self) -> None:
        self.texts: dict[str, tuple] = {}
        self.quiet_lines: dict[str, bool] = {}  # RUN/COPY first line -> no edge, no diagnostic
        self.stages: dict[str, tuple] = {}  # stage text -> which lines the graph must look at
        self.stage_chars = 0  # the size of those keys
        self.froms: dict[str, tuple] = {}  # FROM text -> (base, name, well formed)
        # meta ARG values -> stage index -> the stage's part of the last graph built
        self.results: dict[tuple, dict[int, tuple]] = {}
        self.limit = 4096

    def store(self, key: str, entry: tuple) -> None:
        if len(key) > LONGEST_KEY:  # (typing in a huge instruction must not pile up copies)
            return
        texts = self.texts
        if len(texts) >= self.limit:  # stale entries from many edits: start afresh
            texts.clear()
        texts[key] = entry

    def remember(self, table: dict, key: str, value) -> None:
        """Store in one of the small tables (first lines, FROM lines), bounded."""
        if len(key) <= LONGEST_KEY:
            if len(table) >= self.limit:
                table.clear()
            table[key] = value

    def remember_stage(self, key: str, found: tuple, text_size: int) -> None:
        """Keys are whole stages: bounded by their total size (a few copies of the file),
        so typing in a huge stage does not pile up copies of it."""
        if self.stage_chars + len(key) > 4 * text_size + 65536:
            self.stages.clear()
            self.stage_chars = 0
        self.stages[key] = found
        self.stage_chars += len(key)

    def results_for(self, values: tuple) -> dict[int, tuple]:
        """Stage results kept for one set of meta ARG values (the default graph and a
        graph for chosen build args, both redrawn per keystroke, do not evict each other)."""
        kept = self.results.get(values)
        if kept is None:
            if len(self.results) >= 4:
                self.results.pop(next(iter(self.results)), None)
            kept = self.results[values] = {}
        return kept

    def grow(self, instructions: int) -> None:
        """Room for every instruction of a file (plus the edits to come)."""
        self.limit = max(self.limit, 2 * instructions + 1024)


class ParsedInstruction(Instruction):
    """An Instruction from the parser. Same fields; some computed on first access."""

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
        text, escape, cache = source
        start = self.start
        key = text[start:self.content_end]
        entry = cache.texts.get(key)
        if entry is None and self.keyword not in _NO_QUICK_DETAILS:
            entry = _quick_details(key, escape, self.keyword)
            if entry is not None:
                cache.store(key, entry)
        if entry is not None:
            _materialize(d, entry, start)
        else:
            joined, segments = logical_line(text, start, self.content_end, escape)
            _details(self, joined, segments, 0)
            if d["onbuild"] is not None:
                d["onbuild"].heredocs = self.heredocs
            else:
                cache.store(key, _relative(d, start))
        d.pop("_source", None)

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
        text, escape, cache = source
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
            quiet = _quiet_first_line(key, escape, self.keyword)
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
            last = text.rfind("--", start, end)
            if last < 0:
                continue
            eol = text.find("\n", start, end)
            if eol < 0:
                eol = end
            elif last > eol - 2:  # a "--" past the first line: flags may go on
                look.append(r)
                continue
            quiet = source[2].quiet_lines.get(text[start:eol])
            if not (ins.surely_quiet() if quiet is None else quiet):
                look.append(r)
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
    source = (text, escape, DetailCache() if cache is None else cache)
    new = _new
    for kind, start, end, line, end_line, content_end, raw_docs, kw in raws:
        if kind != "instruction":
            node = new(Node)
            node.__dict__ = {"kind": kind, "start": start, "end": end, "line": line, "end_line": end_line}
            append(node)
            continue
        if kw:  # the lexer saw a plain keyword at the start of the line
            keyword, kw_start = text[start:start + kw], start
        else:
            m = match(text, start, content_end)
            if m is None:  # an unusual first line (the keyword split by a continuation, odd spaces)
                ins = _unusual_instruction(text, start, end, line, end_line, content_end, raw_docs, escape)
                if ins.keyword == "FROM":
                    stage += 1
                ins.stage = stage if stage >= 0 else None
                append(ins)
                continue
            keyword, kw_start = m.group(1), m.start(1)
        upper = keyword.upper()
        if upper == "FROM":
            stage += 1
        ins = new(ParsedInstruction)
        ins.__dict__ = {"kind": "instruction", "start": start, "end": end, "line": line, "end_line": end_line,
                        "keyword": upper, "keyword_as_written": keyword, "keyword_start": kw_start,
                        "heredocs": [Heredoc(*h) for h in raw_docs] if raw_docs else [],
                        "stage": stage if stage >= 0 else None, "content_end": content_end, "_source": source}
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


def _relative(d: dict, start: int) -> tuple:
    """A cache entry for filled details: offsets relative to the instruction's start."""
    flags = d["flags"]
    rel_flags = tuple((f.name, f.value, f.start - start, f.end - start,
                       None if f.value_start is None else f.value_start - start,
                       None if f.value_end is None else f.value_end - start) for f in flags)
    mounts = tuple((next(i for i, f in enumerate(flags) if f is m.flag), m.type, dict(m.options), tuple(m.problems))
                   for m in d["mounts"])
    json_args = d["json_args"]
    return (rel_flags, d["args"], d["args_start"] - start, None if json_args is None else tuple(json_args), mounts)


def _materialize(d: dict, entry: tuple, start: int) -> None:
    """Fill details from a cache entry for an instruction starting at ``start``."""
    rel_flags, args, args_at, json_args, rel_mounts = entry
    flags = []
    new = _new
    for name, value, s, e, vs, ve in rel_flags:
        flag = new(Flag)
        flag.__dict__ = {"name": name, "value": value, "start": start + s, "end": start + e,
                         "value_start": None if vs is None else start + vs,
                         "value_end": None if ve is None else start + ve}
        flags.append(flag)
    mounts = []
    for i, mount_type, options, problems in rel_mounts:
        mount = new(Mount)
        mount.__dict__ = {"type": mount_type, "options": dict(options), "flag": flags[i],
                          "source_from": options.get("from"), "problems": list(problems)}
        mounts.append(mount)
    d.update(flags=flags, args=args, args_start=start + args_at, json_form=json_args is not None,
             json_args=None if json_args is None else list(json_args), mounts=mounts, onbuild=None)


@lru_cache(maxsize=4)
def _quick_flags(escape: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A first line that is a keyword and plain flags (no quotes, no escapes), then
    something that is not a flag; and one such flag."""
    e = re.escape(escape)
    flag = rf"""--([^\s"'\\{e}=]+)(?:=([^\s"'\\{e}]*))?(?=[ \t]|\r?\Z)"""
    line = re.compile(_LEAD + rf"[A-Za-z]++(?=[ \t\v\f\r]|\Z)((?:[ \t]+{flag})*+)[ \t\v\f\r]*+(?!--)")
    return line, re.compile(flag)


_NO_QUICK_DETAILS = frozenset(("ONBUILD", "HEALTHCHECK"))


def _quick_details(key: str, escape: str, keyword: str) -> tuple | None:
    """A cache entry for a one-line instruction with only plain flags, read with one
    regex; None when the line is anything else (``_details`` then does the full work)."""
    nl = key.find("\n")
    if 0 <= nl < len(key) - 1:  # more than one line
        return None
    line = key[:-1] if nl >= 0 else key
    if line.endswith("\r"):
        line = line[:-1]
    if line.rstrip(" \t").endswith(escape):  # (a continuation at the end of the file)
        return None
    whole, one = _quick_flags(escape)
    m = whole.match(line)
    if m is None:
        return None
    flags = tuple((f.group(1).lower(), f.group(2), f.start(), f.end(),
                   None if f.group(2) is None else f.start(2), None if f.group(2) is None else f.end())
                  for f in one.finditer(line, m.start(1), m.end(1)))
    tail = line[m.end():]
    stripped = tail.lstrip(GO_SPACE)
    args = stripped.rstrip(GO_SPACE)
    args_at = m.end() + len(tail) - len(stripped)
    if not args:
        args_at = min(args_at, len(key))
    json_args = split_json_args(args) if args.startswith("[") and keyword in JSON_KEYWORDS else None
    mounts = ()
    if keyword == "RUN":
        for i, (name, value, *_) in enumerate(flags):
            if name == "mount" and value is not None:
                mount_type, options, problems = parse_mount(value)
                mounts += ((i, mount_type, options, tuple(problems)),)
    return flags, args, args_at, None if json_args is None else tuple(json_args), mounts


def _quiet_first_line(line: str, escape: str, keyword: str) -> bool:
    """See ``ParsedInstruction.surely_quiet``; ``line`` holds every flag of the instruction."""
    whole, one = _quick_flags(escape)
    m = whole.match(line)
    if m is None:
        return False
    for f in one.finditer(line, m.start(1), m.end(1)):
        name, value = f.group(1).lower(), f.group(2)
        if keyword == "COPY" and name == "from":
            return False
        if keyword == "RUN" and name == "mount" and value is not None:
            mount_type, options, problems = parse_mount(value)
            if problems or mount_type in SESSION_MOUNT_TYPES or "from" in options:
                return False
    return keyword in ("RUN", "COPY")


def _end_offset(segments: list[tuple[int, int]], index: int) -> int:
    """Offset just after character ``index - 1`` (an exclusive end)."""
    return to_offset(segments, index - 1) + 1 if index > 0 else to_offset(segments, 0)
