"""What BuildKit refuses to build, said on its line in BuildKit's own words: argument
counts and forms, flags, HEALTHCHECK, ONBUILD triggers, EXPOSE ports and STOPSIGNAL.

Each check follows BuildKit's parser (``frontend/dockerfile/parser``) and instruction
parser (``frontend/dockerfile/instructions/parse.go``) for the newest Dockerfile syntax,
so a flag only newer engines know (``COPY --link``) is no error here; the messages were
checked against Docker 20.10 and 26.1 (tests/engine/test_lint_refused.py).
"""
from __future__ import annotations

import posixpath
import re

from studio.core.lint.context import LintContext
from studio.core.lint.registry import rule
from studio.core.logical import whitespace_fields
from studio.core.model import Flag, Instruction
from studio.core.shell import raw_words

# Flags each instruction declares in BuildKit (kind: s = one string, b = boolean,
# m = repeatable). Instructions not listed declare none, so any flag is unknown;
# ARG and STOPSIGNAL never look at their flags.
FLAGS: dict[str, dict[str, str]] = {
    "FROM": {"platform": "s"},
    "RUN": {"mount": "m", "network": "s", "security": "s", "device": "m"},
    "COPY": {"chown": "s", "from": "s", "chmod": "s", "link": "b", "exclude": "m", "parents": "b"},
    "ADD": {"chown": "s", "chmod": "s", "link": "b", "keep-git-dir": "b", "checksum": "s",
            "unpack": "b", "exclude": "m"},
    "HEALTHCHECK": {"interval": "s", "timeout": "s", "start-period": "s", "start-interval": "s",
                    "retries": "s"},
}
_FLAGS_IGNORED = ("ARG", "STOPSIGNAL")
_GO_DURATION = re.compile(r"^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$|^[-+]?0$")
_PORT = re.compile(r"^\d+(?:-\d+)?$")
_SIGNALS = frozenset("""ABRT ALRM BUS CHLD CLD CONT FPE HUP ILL INT IO IOT KILL PIPE POLL PROF PWR
    QUIT SEGV STKFLT STOP SYS TERM TRAP TSTP TTIN TTOU URG USR1 USR2 VTALRM WINCH XCPU XFSZ
    UNUSED""".split())


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def flag_problem(ins: Instruction) -> tuple[str, Flag] | None:
    """BuildKit's error for the flags of ``ins`` and the flag it is about, or None when
    it accepts them."""
    kw = ins.keyword
    if kw in _FLAGS_IGNORED or not ins.flags:
        return None
    if kw == "HEALTHCHECK" and ins.args.split()[:1] and ins.args.split()[0].upper() == "NONE":
        return None  # HEALTHCHECK NONE never parses its flags
    known = FLAGS.get(kw, {})
    used: set[str] = set()
    for flag in ins.flags:
        kind = known.get(flag.name)
        if kind is None:
            return f"unknown flag: {flag.name}", flag
        if flag.name in used and kind != "m":
            return f"duplicate flag specified: {flag.name}", flag
        used.add(flag.name)
        if kind == "b":
            if flag.value == "":
                return f"missing a value on flag: {flag.name}", flag
            if flag.value is not None and flag.value.lower() not in ("true", "false") \
                    and "$" not in flag.value:
                return f"expecting boolean value for flag {flag.name}, not: {flag.value}", flag
        elif flag.value is None:
            return f"missing a value on flag: {flag.name}", flag
    return None


def _words(ctx: LintContext, ins: Instruction) -> list[str]:
    """The argument words as BuildKit's parser splits them for this keyword."""
    if ins.json_form and ins.json_args is not None:
        return list(ins.json_args)
    return whitespace_fields(ins.args)


def argument_problem(ctx: LintContext, ins: Instruction) -> str | None:
    """BuildKit's error for the arguments of ``ins`` (a keyword it knows), or None."""
    kw, args = ins.keyword, ins.args
    if kw in ("ENV", "LABEL"):
        return _key_value_problem(ctx, kw, args)
    if kw == "ARG":
        words = raw_words(args, ctx.escape) if args else []
        if not words:
            return "ARG requires at least one argument"
        if any(w.startswith("=") for w in words):
            return "ARG names can not be blank"
        return None
    if kw in ("COPY", "ADD"):
        if len(_words(ctx, ins)) < 2:
            return (f"{kw} requires at least two arguments, but only one was provided. "
                    "Destination could not be determined")
        return None
    if kw in ("WORKDIR", "USER", "STOPSIGNAL", "MAINTAINER"):
        if not args:
            return f"{kw} requires exactly one argument"
        if kw == "STOPSIGNAL" and "$" not in args and not _signal_ok(args):
            return f"invalid signal: {args}"
        return None
    if kw == "HEALTHCHECK":
        return _healthcheck_problem(ins) if args else "HEALTHCHECK requires at least one argument"
    if kw in ("EXPOSE", "VOLUME", "ONBUILD"):
        words = _words(ctx, ins)
        if not words:
            return f"{kw} requires at least one argument"
        if kw == "VOLUME" and any(not w.strip() for w in words):
            return "VOLUME specified can not be an empty string"
        if kw == "EXPOSE":
            return _expose_problem(words)
        if kw == "ONBUILD":
            trigger = words[0].upper()
            if trigger == "ONBUILD":
                return "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
            if trigger in ("MAINTAINER", "FROM"):
                return f"{trigger} isn't allowed as an ONBUILD trigger"
        return None
    if kw == "SHELL":
        if ins.json_form and not ins.json_args:
            return "SHELL requires at least one argument"
        if not ins.json_form:
            return ("SHELL requires the arguments to be in JSON form"
                    if args else "SHELL requires at least one argument")
    return None


def _key_value_problem(ctx: LintContext, kw: str, args: str) -> str | None:
    words = raw_words(args, ctx.escape) if args else []
    if not words:
        return f"{kw} requires at least one argument"
    if "=" not in words[0]:  # the legacy form: KEY value (the whole rest)
        if len(args.split(None, 1)) < 2:
            return f"{kw} must have two arguments"
        return None
    for word in words:
        if "=" not in word:
            return f'Syntax error - can\'t find = in "{word}". Must be of the form: name=value'
    if any(w.startswith("=") for w in words):
        return f"{kw} names can not be blank"
    return None


def _expose_problem(words: list[str]) -> str | None:
    for word in words:
        if "$" in word or word.startswith(("'", '"')):
            continue
        port, _, proto = word.rpartition(":")[2].partition("/")
        if not _PORT.match(port):
            return f"Invalid containerPort: {port}"
        if proto and proto.lower() not in ("tcp", "udp", "sctp"):
            return f"Invalid proto: {proto}"
    return None


def _signal_ok(value: str) -> bool:
    if value.isdigit():
        return int(value) > 0
    name = value.upper().removeprefix("SIG")
    if re.match(r"^RTM(?:IN|AX)(?:[+-]\d+)?$", name):
        return True
    return name in _SIGNALS


def _healthcheck_problem(ins: Instruction) -> str | None:
    words = whitespace_fields(ins.args)
    typ = words[0].upper()
    if typ == "NONE":
        return "HEALTHCHECK NONE takes no arguments" if len(words) > 1 else None
    if typ != "CMD":
        return f'Unknown type "{typ}" in HEALTHCHECK (try CMD)'
    if len(words) == 1 or (ins.json_form and not ins.json_args):
        return "Missing command after HEALTHCHECK CMD"
    for flag in ins.flags:
        value = flag.value or ""
        if not value or "$" in value:
            continue
        if flag.name == "retries":
            if not re.match(r"^[-+]?\d+$", value):
                return f'strconv.ParseInt: parsing "{value}": invalid syntax'
            if int(value) < 0:
                return f"--retries cannot be negative ({int(value)})"
        elif flag.name in FLAGS["HEALTHCHECK"] and not _GO_DURATION.match(value):
            return f'time: invalid duration "{value}"'
    return None


def _refusals(ctx: LintContext):
    """Instructions BuildKit parses: those in stages, and the global ARGs (anything else
    before the first FROM is the parser's instruction-before-from)."""
    for ins in ctx.doc.instructions:
        if ins.keyword and (ins.stage is not None or ins.keyword == "ARG"):
            yield ins


@rule("instruction-arguments", "Arguments BuildKit refuses", "error",
      summary="An instruction has arguments BuildKit cannot read: the build fails at once.",
      explanation="""
      Each instruction takes its own shape of arguments: `ENV` and `LABEL` need a value
      (`ENV VERSION` alone fails with "ENV must have two arguments"), `COPY` and `ADD` a
      source and a destination, `WORKDIR`, `USER` and `STOPSIGNAL` exactly one word,
      `SHELL` a JSON list, `HEALTHCHECK` either `NONE` or `CMD` with a command, and
      `ONBUILD` cannot wrap `FROM`, `MAINTAINER` or another `ONBUILD`. BuildKit rejects
      the whole file before building anything; the message is BuildKit's own.""",
      before="FROM alpine:3.20\nENV VERSION\nCOPY app.conf",
      after="FROM alpine:3.20\nENV VERSION=1.0\nCOPY app.conf /etc/app.conf")
def instruction_arguments(ctx: LintContext):
    for ins in _refusals(ctx):
        if ins.keyword == "FROM":
            continue  # the parser's invalid-from / invalid-stage-name say it
        problem = argument_problem(ctx, ins)
        inner = ins.onbuild
        if not problem and inner is not None and inner.keyword in ("ENV", "LABEL"):
            # BuildKit's parser reads ONBUILD's ENV/LABEL words now; the rest waits for
            # the build that uses the image.
            problem = _key_value_problem(ctx, inner.keyword, inner.args)
            if problem and not ("two arguments" in problem or problem.startswith("Syntax")):
                problem = None
        if problem:
            yield ctx.at(ins, _cap(problem))


@rule("unknown-flag", "Flag BuildKit refuses", "error",
      summary="An instruction has a flag it does not take, or a flag without its value.",
      explanation="""
      Every instruction declares the `--flags` it takes (`COPY --from/--chown/--chmod/
      --link`, `RUN --mount/--network`, `FROM --platform`, ...). An unknown flag, a repeated
      one, or a flag that needs a value and has none (`COPY --from src dst`) makes BuildKit
      reject the file: "unknown flag: foo", "missing a value on flag: from". Flags that
      only newer engines know (`COPY --link`, `RUN --network`) are accepted here; an older
      engine says so when it builds.""",
      before="FROM alpine:3.20\nCOPY --form=build /app /app",
      after="FROM alpine:3.20\nCOPY --from=build /app /app")
def unknown_flag(ctx: LintContext):
    for ins in _refusals(ctx):
        found = flag_problem(ins)
        if found:
            problem, flag = found
            yield ctx.finding(_cap(problem), flag.start, flag.end, line=ins.line)


def _workdirs(ctx: LintContext) -> dict[int, str | None]:
    """The working directory each RUN runs in (by the RUN's offset): known from the
    WORKDIRs of its stage and the stages it is built FROM, "/" under scratch, None when
    an external base image decides."""
    memo: dict[int, str | None] = ctx.__dict__.setdefault("_workdir_at", {})
    if memo:
        return memo
    final: dict[int, str | None] = {}
    for stage in ctx.stages:  # a stage is built only FROM an earlier one
        if stage.base_kind == "stage" and stage.base_stage is not None:
            cwd = final.get(stage.base_stage)
        else:
            cwd = "/" if stage.base_kind == "scratch" else None
        for ins in stage.instructions:
            if ins.keyword == "WORKDIR" and ins.args:
                path = ins.args.split()[0] if not ins.json_form else ""
                if not path or "$" in path:
                    cwd = None
                elif path.startswith("/"):
                    cwd = posixpath.normpath(path)
                elif cwd is not None:
                    cwd = posixpath.normpath(posixpath.join(cwd, path))
            elif ins.keyword == "RUN":
                memo[ins.start] = cwd
        final[stage.index] = cwd
    return memo


@rule("mount-target", "Mount over the root directory", "error",
      summary="A RUN --mount without a target mounts at the working directory, and "
              "BuildKit refuses a mount at /.",
      explanation="""
      `target=` may be left out: BuildKit then mounts at the working directory (a bind
      mount of another stage's files this way is common and valid). But when that
      directory is `/`, the default under `scratch` and in most base images, the build
      fails: `invalid mount target "/"`. Give the mount a target (`target=/cache`), or set
      a `WORKDIR` first. Where the base image decides the working directory, a cache or
      tmpfs mount without a target gets a warning.""",
      before="FROM alpine:3.20\nRUN --mount=type=cache apk add gcc",
      after="FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add gcc")
def mount_target_rule(ctx: LintContext):
    from studio.core.flags import SESSION_MOUNT_TYPES, mount_target

    workdirs = None
    for stage in ctx.stages:
        for ins in stage.instructions:
            if ins.keyword != "RUN" or not ins.mounts:
                continue
            for mount in ins.mounts:
                if mount.type in SESSION_MOUNT_TYPES or mount.problems:
                    continue
                target = mount_target(mount.options) or ""
                if "$" in target:
                    continue
                if workdirs is None:
                    workdirs = _workdirs(ctx)
                cwd = workdirs.get(ins.start)
                if target.startswith("/"):
                    where = posixpath.normpath(target)
                elif cwd is not None:
                    where = posixpath.normpath(posixpath.join(cwd, target or "."))
                elif target or mount.type == "bind":
                    continue  # the base image's working directory decides; usually fine
                else:
                    yield ctx.finding(
                        f"This --mount=type={mount.type} has no target, so it mounts at the "
                        "working directory the base image sets; where that is / BuildKit "
                        'refuses it (invalid mount target "/"): give it target=',
                        mount.flag.start, mount.flag.end, line=ins.line, severity="warning")
                    continue
                if where == "/":
                    yield ctx.finding(
                        'Invalid mount target "/": ' + ("the mount has no target, and the "
                                                        "working directory here is /"
                                                        if not target else "a mount cannot "
                                                        "cover the root directory"),
                        mount.flag.start, mount.flag.end, line=ins.line)


def reference_problem(ref: str) -> str | None:
    """BuildKit's complaint about an image reference, or None when it reads."""
    from studio.core.lint.rules_from import valid_image_ref

    if valid_image_ref(ref):
        return None
    if valid_image_ref(ref.lower()):
        return "invalid reference format: repository name must be lowercase"
    return "invalid reference format"


def _platform_problem(value: str) -> str | None:
    parts = value.split("/")
    if "$" in value or (len(parts) <= 3 and all(parts)):
        return None
    return f'failed to parse platform {value}: "{value}": cannot parse platform specifier'


@rule("invalid-reference", "Image reference BuildKit cannot read", "error",
      summary="A FROM image, COPY --from image or FROM --platform value that BuildKit "
              "cannot parse.",
      explanation="""
      Image references follow Docker's grammar: lower-case repository names, an optional
      registry host first, then `:tag` and/or `@sha256:digest`. `FROM Alpine:3` or a stray
      character fails the whole build ("invalid reference format: repository name must be
      lowercase"), and so does a `--platform` that is not `os[/arch[/variant]]`.""",
      before="FROM Alpine:3.20", after="FROM alpine:3.20")
def invalid_reference(ctx: LintContext):
    for stage in ctx.stages:
        frm = stage.from_instruction
        platform = frm.flag("platform")
        if platform is not None and platform.value:
            problem = _platform_problem(platform.value)
            if problem:
                yield ctx.finding(_cap(problem), platform.start, platform.end, line=frm.line)
        if stage.base_kind == "image" and stage.base and "$" not in stage.base:
            problem = reference_problem(stage.base)
            if problem:
                yield ctx.at(frm, f'Failed to parse stage name "{stage.base}": {problem}')
    for edge in ctx.doc.edges:
        if edge.kind == "copy" and isinstance(edge.source, str) and edge.flag is not None \
                and edge.flag.value and "$" not in edge.flag.value:
            problem = reference_problem(edge.source)
            if problem:
                yield ctx.finding(f'Failed to parse stage name "{edge.source}": {problem}',
                                  edge.flag.start, edge.flag.end, line=edge.line)
