"""Instruction details cached by text, and quick ways to read common one-line shapes.

Typing moves every instruction after the edit: their details (flags, arguments, JSON
form, mounts) are kept here relative to the instruction's start, so a moved instruction
gets them back with a dict lookup (``materialize_details``). One-line instructions with
plain flags (no quotes, no escapes) are read with one regex (``quick_details``), and the
stage graph decides from the first line alone whether a RUN/COPY can matter to it
(``quiet_first_line``). Tests check both against the full work in ``instruction.py``.
"""
from __future__ import annotations

import re
from functools import lru_cache

from studio.core.flags import SESSION_MOUNT_TYPES, parse_mount
from studio.core.logical import GO_SPACE, split_json_args
from studio.core.model import Flag, Mount

_LEAD = "[" + re.escape(GO_SPACE.replace("\n", "")) + "]*"

LONGEST_KEY = 4096  # longer instruction texts are not cached (rare; worked out each time)


class DetailCache:
    """Instruction details by instruction text, with offsets relative to the instruction's
    start, shared by a Document and the Documents reparsed from it.

    After an edit, the instructions after it only moved: their details come from here
    (a dict lookup and a few small objects) instead of being worked out again. Holds one
    escape character's results (a change of escape re-parses from scratch).
    """

    __slots__ = ("__weakref__", "eager", "froms", "lazy", "limit", "quiet_lines", "results", "stage_chars",
                 "stages", "texts")

    def __init__(self) -> None:
        self.texts: dict[str, tuple] = {}
        self.quiet_lines: dict[str, bool] = {}  # RUN/COPY first line -> no edge, no diagnostic
        self.stages: dict[str, tuple] = {}  # stage text -> which lines the graph must look at
        self.stage_chars = 0  # the size of those keys
        self.froms: dict[str, tuple] = {}  # FROM text -> (base, name, well formed)
        # meta ARG values -> stage index -> the stage's part of the last graph built
        self.results: dict[tuple, dict[int, tuple]] = {}
        self.limit = 4096
        # Whether whoever reads these Documents reads every instruction's details (an
        # editor showing every line): then the graph fills them all at once, inside its GC
        # pause, instead of one by one afterwards (which set the collector off many times).
        self.eager = 0  # reparses left in eager mode (see document.reparse)
        self.lazy = False  # never eager (Document.keep_details_lazy)

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


def relative_details(d: dict, start: int) -> tuple:
    """A cache entry for filled details: offsets relative to the instruction's start."""
    flags, json_args = d["flags"], d["json_args"]
    rel_flags = mounts = ()
    if flags:
        rel_flags = tuple((f.name, f.value, f.start - start, f.end - start,
                           None if f.value_start is None else f.value_start - start,
                           None if f.value_end is None else f.value_end - start) for f in flags)
        mounts = tuple((next(i for i, f in enumerate(flags) if f is m.flag), m.type, dict(m.options), tuple(m.problems))
                       for m in d["mounts"])
    return (rel_flags, d["args"], d["args_start"] - start, None if json_args is None else tuple(json_args), mounts)


def materialize_details(d: dict, entry: tuple, start: int) -> None:
    """Fill details from a cache entry for an instruction starting at ``start``."""
    rel_flags, args, args_at, json_args, rel_mounts = entry
    flags = []
    new = object.__new__
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
def _quick_line(escape: str) -> re.Pattern[str]:
    """A first line that is a keyword and plain flags (no quotes, no escapes), then
    something that is not a flag; group 1 holds the flags."""
    e = re.escape(escape)
    flag = rf"""--([^\s"'\\{e}=]+)(?:=([^\s"'\\{e}]*))?(?=[ \t]|\r?\Z)"""
    return re.compile(_LEAD + rf"[A-Za-z]++(?=[ \t\v\f\r]|\Z)((?:[ \t]+{flag})*+)[ \t\v\f\r]*+(?!--)")


_QUICK_LINE = {"\\": _quick_line("\\"), "`": _quick_line("`")}


def _plain_flags(line: str, start: int, end: int) -> tuple:
    """(name, value, start, end, value start, value end) of each flag in ``line[start:end]``,
    which ``_quick_line`` found to be plain flags after spaces or tabs."""
    flags = ()
    pos = start
    for token in line[start:end].split():  # (a plain flag holds no white space)
        at = line.index(token, pos)
        pos = at + len(token)
        name, eq, value = token[2:].partition("=")
        if eq:
            flags += ((name.lower(), value, at, pos, pos - len(value), pos),)
        else:
            flags += ((name.lower(), None, at, pos, None, None),)
    return flags


def quick_details(key: str, escape: str, keyword: str, exec_form: bool) -> tuple | None:
    """A cache entry for a one-line instruction with only plain flags, read with one
    regex; None when the line is anything else (the full work is needed then).
    ``exec_form``: the keyword takes a JSON list (``RUN ["a"]``)."""
    nl = key.find("\n")
    if 0 <= nl < len(key) - 1:  # more than one line
        return None
    line = key[:-1] if nl >= 0 else key
    line = line.removesuffix("\r")
    if line.rstrip(" \t").endswith(escape):  # (a continuation at the end of the file)
        return None
    read = quick_flags(line, escape)
    if read is None:
        return None
    flags, flags_end = read
    tail = line[flags_end:]
    stripped = tail.lstrip(GO_SPACE)
    args = stripped.rstrip(GO_SPACE)
    args_at = flags_end + len(tail) - len(stripped)
    if not args:
        args_at = min(args_at, len(key))
    json_args = split_json_args(args) if exec_form and args.startswith("[") else None
    mounts = ()
    if keyword == "RUN":
        for i, (name, value, *_) in enumerate(flags):
            if name == "mount" and value is not None:
                mount_type, options, problems = parse_mount(value)
                mounts += ((i, mount_type, options, tuple(problems)),)
    return flags, args, args_at, None if json_args is None else tuple(json_args), mounts


def quick_flags(line: str, escape: str) -> tuple[tuple, int] | None:
    """The flags of ``line`` (``_plain_flags``') and where they end, when it is a keyword
    and plain flags followed by something that is not a flag (``_quick_line``); None for
    any other line (the full reading is needed then)."""
    m = _QUICK_LINE[escape].match(line)
    if m is None:
        return None
    fs, fe = m.span(1)
    return (_plain_flags(line, fs, fe) if fe > fs else ()), m.end()


def quiet_first_line(line: str, escape: str, keyword: str) -> bool:
    """True when ``line``, the first line of a RUN/COPY that holds all its flags, has only
    plain flags naming no stage or image and no mount that is odd (``surely_quiet``)."""
    m = _QUICK_LINE[escape].match(line)
    if m is None:
        return False
    for name, value, *_ in _plain_flags(line, *m.span(1)):
        if keyword == "COPY" and name == "from":
            return False
        if keyword == "RUN" and name == "mount" and value is not None:
            mount_type, options, problems = parse_mount(value)
            if problems or mount_type in SESSION_MOUNT_TYPES or "from" in options:
                return False
    return keyword in ("RUN", "COPY")
