"""Turn a lexed node into model objects: keyword, flags, arguments, heredocs, mounts."""
from __future__ import annotations

from studio.core.flags import extract_flags, parse_mount
from studio.core.logical import GO_SPACE, logical_line, split_json_args, split_keyword, to_offset
from studio.core.model import Flag, Heredoc, Instruction, Mount, Node
from studio.core.syntax import RawNode

KEYWORDS = frozenset((
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
))
JSON_KEYWORDS = frozenset(("RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"))


def build_node(text: str, raw: RawNode, escape: str) -> Node:
    kind, start, end, line, end_line, content_end, raw_docs = raw
    if kind != "instruction":
        return Node(kind, start, end, line, end_line)
    joined, segments = logical_line(text, start, content_end, escape)
    ins = _instruction(joined, segments, 0, start, end, line, end_line, content_end)
    if raw_docs:
        heredocs = [Heredoc(*h) for h in raw_docs]
        ins.heredocs = heredocs
        if ins.onbuild is not None:
            ins.onbuild.heredocs = heredocs
    return ins


def _instruction(joined: str, segments: list[tuple[int, int]], at: int, start: int, end: int,
                 line: int, end_line: int, content_end: int) -> Instruction:
    """Build an Instruction from the joined line, starting at index ``at`` (ONBUILD's inner)."""
    keyword, rest_at = split_keyword(joined, at)
    single = len(segments) == 1
    base = segments[0][1] - segments[0][0]
    kw_start = base + at if single else to_offset(segments, at)
    upper = keyword.upper()
    raw_flags, args_at = extract_flags(joined, rest_at)
    flags = []
    for name, value, fs, fe, vs, ve in raw_flags:
        if single:
            flags.append(Flag(name, value, base + fs, base + fe,
                              None if vs is None else base + vs, None if ve is None else base + ve))
        else:
            flags.append(Flag(name, value, to_offset(segments, fs), _end_offset(segments, fe),
                              None if vs is None else to_offset(segments, vs),
                              None if ve is None else _end_offset(segments, ve)))
    args = joined[args_at:].strip(GO_SPACE)
    lead = len(joined) - args_at - len(joined[args_at:].lstrip(GO_SPACE))
    args_start = (base + args_at + lead) if single else to_offset(segments, args_at + lead)
    if not args:
        args_start = min(args_start, content_end)
    json_args = split_json_args(args) if upper in JSON_KEYWORDS and args.startswith("[") else None
    ins = Instruction.__new__(Instruction)
    ins.__dict__.update(
        kind="instruction", start=start, end=end, line=line, end_line=end_line,
        keyword=upper, keyword_as_written=keyword, keyword_start=kw_start, flags=flags,
        args=args, args_start=args_start, json_form=json_args is not None, json_args=json_args,
        heredocs=[], mounts=[], onbuild=None, stage=None, content_end=content_end,
    )
    if upper == "RUN":
        for flag in flags:
            if flag.name == "mount" and flag.value is not None:
                mount_type, options, _ = parse_mount(flag.value)
                ins.mounts.append(Mount(mount_type, options, flag, options.get("from")))
    elif upper == "ONBUILD" and args:
        inner_at = args_at + lead
        ins.onbuild = _instruction(joined, segments, inner_at, args_start, end, line, end_line, content_end)
    return ins


def _end_offset(segments: list[tuple[int, int]], index: int) -> int:
    """Offset just after character ``index - 1`` (an exclusive end)."""
    return to_offset(segments, index - 1) + 1 if index > 0 else to_offset(segments, 0)


def mount_problems(flag: Flag) -> list[str]:
    return parse_mount(flag.value or "")[2]
