"""BuildKit checks about FROM lines: stage names, the AS keyword, ARGs and --platform."""
from __future__ import annotations

import difflib
import re

from studio.core.lint.context import LintContext
from studio.core.lint.registry import rule
from studio.core.shell import PLATFORM_ARGS, arg_declarations, expand, resolve_meta_args, var_refs
from studio.core.lint.spans import flag_removal, instruction_words
from studio.core.model import Stage, TextEdit

RESERVED = ("context", "scratch")
KNOWN_OS = ("linux", "windows", "darwin", "freebsd", "netbsd", "openbsd", "solaris", "wasip1")


def from_parts(ctx: LintContext, stage: Stage):
    """(image word, AS word, name word) of a stage's FROM, each a SpanWord or None."""
    ins = stage.from_instruction
    ws = instruction_words(ctx.text, ins, ctx.instruction_end(ins), ctx.escape)
    image = ws[0] if ws else None
    if len(ws) >= 3 and ws[1].text.lower() == "as":
        return image, ws[1], ws[2]
    return image, None, None


def rename_edits(ctx: LintContext, stage: Stage, new: str) -> list[TextEdit]:
    """Rename a stage everywhere it is named; prefer the core edit operation."""
    try:
        from studio.core import edits as core_edits

        return list(core_edits.rename_stage(ctx.doc, stage.index, new))
    except Exception:
        return []


@rule("StageNameCasing", "Stage name casing", "warning", buildkit=True,
      summary="Stage names should be lowercase.",
      explanation="""
      Stage names are compared without regard to case, but BuildKit recommends writing
      them in lower case so they stand apart from instruction keywords (which are
      conventionally upper case) and match how BuildKit prints them in build progress.
      The quick fix renames the stage and every reference to it.""",
      before="FROM alpine AS BuilderBase", after="FROM alpine AS builder-base")
def stage_name_casing(ctx: LintContext):
    for stage in ctx.stages:
        if stage.name and stage.name != stage.name.lower():
            edits = rename_edits(ctx, stage, stage.name.lower())
            yield ctx.at(stage.from_instruction,
                         f"Stage name '{stage.name}' should be lowercase",
                         edits=edits, fix_title=f"Rename stage to '{stage.name.lower()}'")


@rule("FromAsCasing", "FROM and AS casing", "warning", buildkit=True,
      summary="The 'as' keyword should match the case of the 'from' keyword.",
      explanation="""
      Keywords may be written in either case, but mixing them on one line (`FROM x as y`)
      reads badly. When FROM is all upper case, AS should be too; when from is all lower
      case, so should as be. The quick fix rewrites the AS keyword.""",
      before="FROM debian:12 as builder", after="FROM debian:12 AS builder")
def from_as_casing(ctx: LintContext):
    for stage in ctx.stages:
        kw = stage.from_instruction.keyword_as_written
        _, as_word, _ = from_parts(ctx, stage)
        if as_word is None or kw not in (kw.lower(), kw.upper()):
            continue
        want = "as" if kw == kw.lower() else "AS"
        if as_word.text != want:
            yield ctx.at(stage.from_instruction,
                         f"'{as_word.text}' and '{kw}' keywords' casing do not match",
                         edits=[TextEdit(as_word.start, as_word.end, want)],
                         fix_title=f"Write '{want}'")


@rule("DuplicateStageName", "Duplicate stage name", "warning", buildkit=True,
      summary="Stage names should be unique.",
      explanation="""
      Two stages with the same name (compared case-insensitively) still build, but every
      `FROM`/`--from` reference to that name means the LAST of them, silently, so the
      earlier stage is dead code or a trap (checked on Docker 20.10 and 26.1). Give each
      stage its own name.""",
      before="FROM debian:12 AS builder\nFROM golang:1.22 AS builder",
      after="FROM debian:12 AS deb-builder\nFROM golang:1.22 AS go-builder")
def duplicate_stage_name(ctx: LintContext):
    seen: dict[str, Stage] = {}
    for stage in ctx.stages:
        if not stage.name:
            continue
        key = stage.name.lower()
        if key in seen:
            yield ctx.at(stage.from_instruction,
                         f'Duplicate stage name "{stage.name}", stage names should be unique '
                         f"(first used on line {seen[key].line})")
        else:
            seen[key] = stage


@rule("ReservedStageName", "Reserved stage name", "warning", buildkit=True,
      summary="Reserved words should not be used as stage names.",
      explanation="""
      `scratch` means the empty image and `context` names the build context, so a stage
      called either builds but cannot be referred to reliably: `FROM scratch` still means
      the empty image. Pick another name.""",
      before="FROM alpine AS scratch", after="FROM alpine AS base")
def reserved_stage_name(ctx: LintContext):
    for stage in ctx.stages:
        if stage.name and stage.name.lower() in RESERVED:
            yield ctx.at(stage.from_instruction,
                         "Stage name should not use the same name as reserved stage "
                         f'"{stage.name}"')


def _meta_arg_defaults(ctx: LintContext) -> tuple[set[str], dict[str, str | None]]:
    """Declared global ARG names, and the values they have without build args (plus
    BuildKit's platform ARGs, for the build's platform)."""
    declared = [d for ins in ctx.meta_args for d in arg_declarations(ins.args, ctx.escape)]
    return {name for name, _ in declared}, resolve_meta_args(declared, None, ctx.platform, ctx.escape)


@rule("UndefinedArgInFrom", "Undeclared ARG in FROM", "warning", buildkit=True,
      summary="FROM command must use declared ARGs.",
      explanation="""
      Variables in a FROM line are expanded with the global ARGs, the ones declared before
      the first FROM (plus BuildKit's platform ARGs such as TARGETPLATFORM). A name that
      was never declared there always expands to an empty string, which is almost always
      a typo or a forgotten `ARG`.""",
      before="FROM node:${NODE_VERSION}-slim",
      after="ARG NODE_VERSION=20\nFROM node:${NODE_VERSION}-slim")
def undefined_arg_in_from(ctx: LintContext):
    declared, _ = _meta_arg_defaults(ctx)
    known = declared | PLATFORM_ARGS
    for stage in ctx.stages:
        words = [stage.base]
        if stage.platform:
            words.append(stage.platform)
        reported = set()
        for word in words:
            for ref in var_refs(word, ctx.escape):
                if ref.name in known or ref.name in reported:
                    continue
                reported.add(ref.name)
                hint = difflib.get_close_matches(ref.name, sorted(known), n=1)
                tail = f" (did you mean {hint[0]}?)" if hint else ""
                yield ctx.at(stage.from_instruction,
                             f"FROM argument '{ref.name}' is not declared{tail}")


# A pragmatic form of distribution/reference's grammar (what `docker pull` accepts).
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DOMAIN = r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?|\[[0-9a-fA-F:]+\](?::[0-9]+)?)"
IMAGE_REF_RE = re.compile(
    rf"^(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*(?::[\w][\w.-]{{0,127}})?"
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$"
)


def valid_image_ref(ref: str) -> bool:
    if not ref or len(ref) > 255 + 128 + 80:
        return False
    m = IMAGE_REF_RE.match(ref)
    if not m:
        return False
    name = ref.split("@")[0]
    if ":" in name.rsplit("/", 1)[-1]:
        name = name.rsplit(":", 1)[0]
    return len(name) <= 255


@rule("InvalidDefaultArgInFrom", "Invalid default ARG in FROM", "warning", buildkit=True,
      summary="The default values of global ARGs should give a valid base image name.",
      explanation="""
      A build should work without any `--build-arg`. When a FROM line uses an ARG whose
      default is missing (or expands to something that is not an image reference), a
      plain `docker build` fails. Give the ARG a default, or use `${ARG:-default}`.""",
      before="ARG TAG\nFROM busybox:${TAG}", after="ARG TAG=1.36\nFROM busybox:${TAG}")
def invalid_default_arg_in_from(ctx: LintContext):
    _, defaults = _meta_arg_defaults(ctx)
    for stage in ctx.stages:
        if "$" not in stage.base:
            continue
        result = expand(stage.base, defaults, ctx.escape)
        if not valid_image_ref(result):
            yield ctx.at(stage.from_instruction,
                         f"Default value for ARG {stage.base} results in empty or invalid "
                         "base image name")


def _platform_flag(stage: Stage):
    return stage.from_instruction.flag("platform")


@rule("RedundantTargetPlatform", "Redundant --platform=$TARGETPLATFORM", "info", buildkit=True,
      summary="Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this "
              "is the default behavior.",
      explanation="""
      Every stage is built for the target platform unless told otherwise, so
      `--platform=$TARGETPLATFORM` changes nothing and only adds noise. (The useful
      counterpart is `--platform=$BUILDPLATFORM` for stages that cross-compile.) The
      quick fix removes the flag.""",
      before="FROM --platform=$TARGETPLATFORM alpine AS builder",
      after="FROM alpine AS builder")
def redundant_target_platform(ctx: LintContext):
    for stage in ctx.stages:
        flag = _platform_flag(stage)
        if flag is None or flag.value is None:
            continue
        if flag.value.strip() in ("$TARGETPLATFORM", "${TARGETPLATFORM}"):
            yield ctx.at(stage.from_instruction,
                         f"Setting platform to predefined {flag.value} in FROM is redundant "
                         "as this is the default behavior",
                         edits=[flag_removal(ctx.text, flag.start, flag.end)],
                         fix_title="Remove the --platform flag")


@rule("FromPlatformFlagConstDisallowed", "Constant FROM --platform", "warning", buildkit=True,
      summary="FROM --platform flag should not use a constant value.",
      explanation="""
      A fixed `--platform=linux/amd64` pins the stage to one platform, so the file can no
      longer build multi-platform images. Leave the platform to the `docker build
      --platform` option, use `$BUILDPLATFORM`, or, for a deliberately per-platform stage,
      put the OS or architecture in the stage name (`AS build-amd64`).""",
      before="FROM --platform=linux/amd64 alpine AS base", after="FROM alpine AS base")
def from_platform_flag_const(ctx: LintContext):
    for stage in ctx.stages:
        flag = _platform_flag(stage)
        if flag is None or not flag.value or "$" in flag.value:
            continue
        parts = flag.value.strip().lower().split("/")
        if parts[0] not in KNOWN_OS or len(parts) < 2:
            continue
        name = (stage.name or "").lower()
        if parts[0] in name or parts[1] in name:
            continue
        yield ctx.at(stage.from_instruction,
                     f'FROM --platform flag should not use constant value "{flag.value}"')
