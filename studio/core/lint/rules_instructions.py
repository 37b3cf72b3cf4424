"""BuildKit checks about single instructions: casing, continuations, exec form, repeats,
WORKDIR, key=value syntax, EXPOSE and MAINTAINER."""
from __future__ import annotations

import json
import re

from studio.core.lint.context import LintContext
from studio.core.lint.registry import rule
from studio.core.shell import split_words
from studio.core.lint.spans import instruction_words
from studio.core.model import Instruction, TextEdit


def _stage_instructions(ctx: LintContext) -> list[Instruction]:
    """FROM lines and the instructions inside stages, in text order (no global ARGs)."""
    return [i for i in ctx.doc.instructions if i.keyword and i.stage is not None]


def whole_lines(ctx: LintContext, ins: Instruction) -> TextEdit:
    """Delete an instruction with the indentation before it and its line ending."""
    start = ctx.text.rfind("\n", 0, ins.start) + 1
    if ctx.text[start:ins.start].strip():
        start = ins.start
    return TextEdit(start, ins.end, "")


@rule("ConsistentInstructionCasing", "Consistent instruction casing", "warning", buildkit=True,
      summary="All commands within the Dockerfile should use the same casing "
              "(either upper or lower).",
      explanation="""
      Keywords work in any case, but a file that mixes `RUN` and `run`, or writes `Copy`,
      is harder to scan. BuildKit counts upper- and lower-case keywords and flags the ones
      that differ from the majority (upper case wins a tie). The quick fix rewrites the
      keyword.""",
      before="FROM alpine\nrun echo hi\nCopy . /app",
      after="FROM alpine\nRUN echo hi\nCOPY . /app")
def consistent_instruction_casing(ctx: LintContext):
    items = _stage_instructions(ctx)
    lower = sum(1 for i in items if i.keyword_as_written == i.keyword_as_written.lower())
    upper = sum(1 for i in items if i.keyword_as_written == i.keyword_as_written.upper())
    majority_lower = lower > upper
    for ins in items:
        kw = ins.keyword_as_written
        want = kw.lower() if majority_lower else kw.upper()
        if kw != want:
            case = "lowercase" if majority_lower else "uppercase"
            start = ins.keyword_start
            yield ctx.at(ins, f"Command '{kw}' should match the case of the command majority "
                              f"({case})",
                         edits=[TextEdit(start, start + len(kw), want)],
                         fix_title=f"Write '{want}'")


@rule("NoEmptyContinuation", "Empty continuation line", "warning", buildkit=True,
      summary="Empty continuation lines will become errors in a future release.",
      explanation="""
      An empty line inside an instruction continued with `\\` is skipped today, but the
      Dockerfile syntax has deprecated it and a future release will reject it. It also
      hides where an instruction ends. Remove the empty line (a comment line is fine).
      The quick fix deletes the empty lines.""",
      before="RUN apk add \\\n\n    curl", after="RUN apk add \\\n    curl")
def no_empty_continuation(ctx: LintContext):
    text = ctx.text
    for ins in ctx.doc.instructions:
        if not ins.keyword or ins.end_line == ins.line:
            continue
        end = ctx.instruction_end(ins)
        first_nl = text.find("\n", ins.start, end)
        if first_nl < 0:
            continue
        edits = []
        pos = first_nl + 1
        while pos < end:
            nl = text.find("\n", pos)
            line_end = len(text) if nl < 0 else nl + 1
            if not text[pos:line_end].strip():
                edits.append(TextEdit(pos, line_end, ""))
            pos = line_end
        if edits:
            yield ctx.at(ins, "Empty continuation line",
                         edits=edits, fix_title="Delete the empty lines")


_SIMPLE_WORD = re.compile(r"^[A-Za-z0-9_./:@%+=,-]+$")
# Shell built-ins have no program to exec, so they cannot move to the exec form.
_BUILTINS = frozenset({"exec", "cd", "export", "source", ".", "set", "eval", "ulimit",
                       "umask", "trap", "alias", "unset", "shift", "read", "wait", "exit"})


@rule("JSONArgsRecommended", "JSON arguments for CMD/ENTRYPOINT", "warning", buildkit=True,
      summary="JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended "
              "behavior related to OS signals.",
      explanation="""
      In shell form (`CMD my-app --serve`) the program runs as a child of `/bin/sh -c`,
      and the shell does not pass on signals: `docker stop` waits ten seconds and then
      kills the container. The exec form (`CMD ["my-app", "--serve"]`) runs the program
      as PID 1 so it receives SIGTERM. If you really want a shell, declare it with a
      `SHELL` instruction. The quick fix rewrites simple commands in exec form.""",
      before='ENTRYPOINT my-program start', after='ENTRYPOINT ["my-program", "start"]')
def json_args_recommended(ctx: LintContext):
    shell_stages = set()
    for stage in ctx.stages:
        if any(i.keyword == "SHELL" for s in ctx.stage_chain(stage) for i in s.instructions):
            shell_stages.add(stage.index)
    for ins in ctx.doc.instructions:
        if ins.keyword not in ("CMD", "ENTRYPOINT") or ins.json_form or ins.heredocs:
            continue
        if ins.stage in shell_stages or not ins.args.strip():
            continue
        words = ins.args.split()
        edits = None
        if (ins.end_line == ins.line and all(_SIMPLE_WORD.match(w) for w in words)
                and words[0] not in _BUILTINS and "=" not in words[0]):
            end = ctx.instruction_end(ins)
            edits = [TextEdit(ins.args_start, end, json.dumps(words))]
        yield ctx.at(ins, f"JSON arguments recommended for {ins.keyword} to prevent "
                          "unintended behavior related to OS signals",
                     edits=edits, fix_title="Use the exec (JSON) form")


@rule("MaintainerDeprecated", "MAINTAINER is deprecated", "warning", buildkit=True,
      summary="The MAINTAINER instruction is deprecated, use a label instead to define an "
              "image author.",
      explanation="""
      `MAINTAINER` has been deprecated for years. The standard place for the author is the
      OCI label `org.opencontainers.image.authors`, which tools know how to read. The
      quick fix turns the instruction into that label (not before the first FROM, where
      BuildKit refuses a LABEL too). hadolint: DL4000.""",
      hadolint=("DL4000",),
      before='MAINTAINER Ada <ada@example.com>',
      after='LABEL org.opencontainers.image.authors="Ada <ada@example.com>"')
def maintainer_deprecated(ctx: LintContext):
    for ins in ctx.doc.instructions:
        if ins.keyword != "MAINTAINER":
            continue
        value = ins.args.strip()
        edits = None
        # (Before the first FROM a LABEL is refused just like MAINTAINER: no fix there.)
        if ins.stage is not None and ins.end_line == ins.line and \
                not any(c in value for c in '"\\$`'):
            kw = "label" if ins.keyword_as_written.islower() else "LABEL"
            edits = [TextEdit(ins.keyword_start, ctx.instruction_end(ins),
                              f'{kw} org.opencontainers.image.authors="{value}"')]
        yield ctx.at(ins, "Maintainer instruction is deprecated in favor of using label",
                     edits=edits, fix_title="Use the org.opencontainers.image.authors label")


def _is_abs(path: str) -> bool:
    return path.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:[\\/]", path))


@rule("WorkdirRelativePath", "Relative WORKDIR", "warning", buildkit=True,
      summary="Relative workdir without an absolute workdir declared within the build can "
              "have unexpected results if the base image changes.",
      explanation="""
      A relative `WORKDIR` is resolved against the base image's working directory, which
      you do not control: if the image changes it, your files land somewhere else. Set an
      absolute WORKDIR first (later relative ones are then fine).""",
      before="FROM nginx\nWORKDIR usr/share/nginx/html",
      after="FROM nginx\nWORKDIR /usr/share/nginx/html")
def workdir_relative_path(ctx: LintContext):
    absolute_set: dict[int, bool] = {}
    for stage in ctx.stages:
        is_set = bool(stage.base_stage is not None and absolute_set.get(stage.base_stage))
        for ins in stage.instructions:
            if ins.keyword != "WORKDIR":
                continue
            words = split_words(ins.args, ctx.escape)
            path = words[0] if words else ""
            if not path or path.startswith("$"):
                is_set = True
                continue
            if not is_set and not _is_abs(path):
                yield ctx.at(ins, f'Relative workdir "{path}" can have unexpected results '
                                  "if the base image changes")
            is_set = True
        absolute_set[stage.index] = is_set


@rule("MultipleInstructionsDisallowed", "Repeated CMD/ENTRYPOINT/HEALTHCHECK", "warning",
      buildkit=True,
      summary="Multiple instructions of the same type should not be used in the same stage.",
      explanation="""
      An image has one `CMD`, one `ENTRYPOINT` and one `HEALTHCHECK`: in a stage that
      sets one twice, only the last takes effect and the earlier line is dead code that
      misleads readers. The finding points at the ignored instruction; the quick fix
      deletes it.""",
      before='FROM alpine\nCMD echo "Hello, Norway!"\nCMD echo "Hello, Sweden!"',
      after='FROM alpine\nCMD echo "Hello, Norway!"; echo "Hello, Sweden!"')
def multiple_instructions(ctx: LintContext):
    for stage in ctx.stages:
        last: dict[str, Instruction] = {}
        for ins in stage.instructions:
            if ins.keyword not in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
                continue
            prev = last.get(ins.keyword)
            if prev is not None:
                yield ctx.at(prev, f"Multiple {ins.keyword} instructions should not be used in "
                                   "the same stage because only the last one will be used",
                             edits=[whole_lines(ctx, prev)],
                             fix_title=f"Delete the ignored {ins.keyword}")
            last[ins.keyword] = ins


@rule("LegacyKeyValueFormat", "Legacy KEY value format", "warning", buildkit=True,
      summary="Legacy key/value format with whitespace separator should not be used.",
      explanation="""
      `ENV key value` (and `LABEL key value`) is the old form that sets exactly one
      variable and takes the whole rest of the line as its value. It is deprecated and
      easy to misread; write `ENV key=value` (quote values with spaces). The quick fix
      rewrites simple cases.""",
      before="FROM alpine\nENV DEBUG true", after="FROM alpine\nENV DEBUG=true")
def legacy_key_value(ctx: LintContext):
    for ins in ctx.doc.instructions:
        if ins.keyword not in ("ENV", "LABEL"):
            continue
        words = instruction_words(ctx.text, ins, ctx.instruction_end(ins), ctx.escape)
        if len(words) < 2 or "=" in words[0].text:
            continue
        kw = ins.keyword
        edits = None
        value_start, value_end = words[1].start, words[-1].end
        value = ctx.text[value_start:value_end]
        if ins.end_line == ins.line and not any(c in value for c in "\"'\\`"):
            if any(c in value for c in " \t"):
                edits = [TextEdit(words[0].end, value_start, '="'),
                         TextEdit(value_end, value_end, '"')]
            else:
                edits = [TextEdit(words[0].end, value_start, "=")]
        yield ctx.at(ins, f'"{kw} key=value" should be used instead of legacy "{kw} key '
                          'value" format', edits=edits, fix_title="Use key=value")


def _expose_words(ctx: LintContext):
    """Every literal port word of every EXPOSE, with its raw span."""
    for ins in ctx.doc.instructions:
        if ins.keyword == "EXPOSE":
            for w in instruction_words(ctx.text, ins, ctx.instruction_end(ins), ctx.escape):
                if "$" not in w.text and not w.text.startswith(("'", '"')):
                    yield w


@rule("ExposeProtoCasing", "EXPOSE protocol casing", "warning", buildkit=True,
      summary="Protocol in EXPOSE instruction should be lowercase.",
      explanation="""
      `EXPOSE 80/TCP` works, but protocols are conventionally written in lower case
      (`tcp`, `udp`, `sctp`), which is also how Docker reports them. The quick fix
      lower-cases the protocol.""",
      before="EXPOSE 80/TcP", after="EXPOSE 80/tcp")
def expose_proto_casing(ctx: LintContext):
    for w in _expose_words(ctx):
        port, slash, proto = w.text.partition("/")
        if slash and proto != proto.lower():
            yield ctx.finding(
                f"Defined protocol '{w.text}' in EXPOSE instruction should be lowercase",
                w.start, w.end, edits=[TextEdit(w.start + len(port) + 1, w.end, proto.lower())],
                fix_title=f"Write '{port}/{proto.lower()}'")


@rule("ExposeInvalidFormat", "EXPOSE with host mapping", "warning", buildkit=True,
      summary="IP address and host-port mapping should not be used in EXPOSE instruction. "
              "This will become an error in a future release.",
      explanation="""
      `EXPOSE` documents which ports the container listens on; it cannot publish a port
      on the host. A host IP or a `host:container` mapping is ignored today and will be an
      error later. Publish ports with `docker run -p` instead. The quick fix keeps only
      the container port.""",
      before="EXPOSE 127.0.0.1:80:80", after="EXPOSE 80")
def expose_invalid_format(ctx: LintContext):
    for w in _expose_words(ctx):
        if ":" in w.text:
            container = w.text.rsplit(":", 1)[1]
            edits = [TextEdit(w.start, w.end, container)] if container else None
            yield ctx.finding(
                "EXPOSE instruction should not define an IP address or host-port mapping, "
                f"found '{w.text}'", w.start, w.end, edits=edits,
                fix_title=f"Keep only '{container}'")
