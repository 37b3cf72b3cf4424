"""Rules about what RUN lines do in the shell and who the image runs as: `cd` in place of
WORKDIR, pipes without pipefail, consecutive RUNs, `useradd` without `-l`, and a final
stage that runs as root. hadolint users know them as DL3003, DL4006, DL3059, DL3046 and
DL3002."""
from __future__ import annotations

import re

from studio.core.lint.context import LintContext
from studio.core.lint.registry import rule
from studio.core.model import Instruction, TextEdit

_QUOTED = re.compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"")
_PIPE = re.compile(r"(?<![|>])\|(?![|&])")
# Built-ins that change the shell a later command of the same RUN would run in.
_STATEFUL = re.compile(r"(?:^|[;&|(]|\s)(?:cd|pushd|popd|export|set|source|\.|exit|exec|trap|"
                       r"umask|ulimit|unset|alias|shopt|readonly|declare|local|eval)(?=\s|$|;)")
_UID = re.compile(r"(?:^|\s)(?:-u|--uid)(?:\s+|=)(\d+)\b")


def _shell_text(ctx: LintContext, ins: Instruction) -> str:
    """A shell-form RUN's command with quoted strings blanked (their pipes are text)."""
    return _QUOTED.sub(lambda m: " " * len(m.group()), ctx.command(ins))


def _built_runs(ctx: LintContext):
    """Shell-form RUNs of the stages the target builds."""
    reachable = set(ctx.graph.reachable)
    for stage in ctx.stages:
        if stage.index in reachable:
            yield from (i for i in stage.instructions if i.keyword == "RUN" and not i.json_form)


@rule("CdInsteadOfWorkdir", "cd instead of WORKDIR", "info",
      summary="A RUN that starts with cd works in a directory WORKDIR should set.",
      explanation="""
      `RUN cd /app && make` changes directory for that one RUN only; the next
      instruction is back where it started, which surprises readers and makes
      long chains of `cd` necessary. `WORKDIR /app` sets the directory for everything
      that follows (and creates it). A `cd` later in a RUN (into a temporary folder) is
      fine. No quick fix: WORKDIR would also move the instructions after this one.
      hadolint: DL3003.""",
      hadolint=("DL3003",),
      before="RUN cd /app && make", after="WORKDIR /app\nRUN make")
def cd_instead_of_workdir(ctx: LintContext):
    for ins in _built_runs(ctx):
        m = re.match(r"\s*cd\s+([^\s;&|]+)\s*(?:&&|;)", ctx.command(ins))
        if m and "$" not in m.group(1):
            yield ctx.at(ins, f"This RUN starts with 'cd {m.group(1)}'; use "
                              f"'WORKDIR {m.group(1)}' so the directory is set for what follows")


def _pipefail_set(ctx: LintContext, ins: Instruction) -> bool:
    """Whether the RUN's shell fails on a failed pipe (or is no POSIX shell at all)."""
    stage = ctx.stage_of(ins)
    shell = None
    for s in reversed(ctx.stage_chain(stage) if stage is not None else []):  # root first
        for i in s.instructions:
            if i.keyword == "SHELL" and (s is not stage or i.start < ins.start):
                shell = i
    if shell is not None:
        words = " ".join(shell.json_args or []).lower()
        if "pipefail" in words or not re.search(r"\b(sh|bash|ash|dash|zsh)\b", words):
            return True
    return bool(re.search(r"set\s+-[a-z]*o\s+pipefail|set\s+-o\s+pipefail", ctx.command(ins)))


@rule("PipeWithoutPipefail", "Pipe without pipefail", "warning",
      summary="A RUN with a pipe succeeds even when a command before the last one fails.",
      explanation="""
      The shell's exit status of `a | b` is b's: when `curl -f URL | tar x` cannot
      download, tar reads nothing, exits 0, and the build goes on with a missing file.
      Set `pipefail` so a failure anywhere in the pipe fails the RUN:
      `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before such RUNs (or start the RUN
      with `set -o pipefail &&` where /bin/sh supports it). No quick fix: turning it on
      can make a RUN fail that relies on an ignored failure (`yes | apt-get ...`).
      hadolint: DL4006.""",
      hadolint=("DL4006",),
      before="RUN curl -fsSL https://example.com/x.tgz | tar xz",
      after='SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
            "RUN curl -fsSL https://example.com/x.tgz | tar xz")
def pipe_without_pipefail(ctx: LintContext):
    for ins in _built_runs(ctx):
        if _PIPE.search(_shell_text(ctx, ins)) and not _pipefail_set(ctx, ins):
            yield ctx.at(ins, "This RUN pipes commands without pipefail, so it succeeds even "
                              "when a command before the last one fails")


def _mergeable(ctx: LintContext, first: Instruction, second: Instruction) -> bool:
    """Whether ``first && second`` in one RUN means what the two RUNs meant."""
    for ins in (first, second):
        if ins.json_form or ins.heredocs or ins.flags or not ins.args:
            return False
    raw = ctx.text[first.args_start:ctx.instruction_end(first)]
    if first.end_line != first.line or raw.rstrip()[-1:] in (";", "&", "|", "\\"):
        return False
    between = ctx.text[ctx.instruction_end(first):second.start]
    if between.strip() or "#" in _shell_text(ctx, first):
        return False
    return not _STATEFUL.search(_shell_text(ctx, first))


@rule("ConsecutiveRunInstructions", "Consecutive RUN instructions", "info",
      summary="Two RUNs in a row make two layers where one would do.",
      explanation="""
      Each RUN is a layer. Consecutive RUNs that belong together (install, then
      configure) are better as one: fewer layers, and files one makes and the other
      deletes never reach the image. Checked in the stages that ship. The quick fix joins
      the RUN to the one before with `&&` when that cannot change what runs (no `cd`,
      `export` or other shell state carried over, no flags, heredocs or comments).
      hadolint: DL3059.""",
      hadolint=("DL3059",),
      before="RUN apk add --no-cache curl\nRUN curl --version",
      after="RUN apk add --no-cache curl \\\n && curl --version")
def consecutive_runs(ctx: LintContext):
    chain = ctx.shipping
    for stage in ctx.stages:
        if stage.index not in chain:
            continue
        prev = None
        for ins in stage.instructions:
            if ins.keyword == "RUN" and prev is not None and prev.keyword == "RUN":
                edits = None
                if _mergeable(ctx, prev, ins):
                    cont = f" {ctx.escape}{ctx.doc.newline} && "
                    edits = [TextEdit(ctx.instruction_end(prev), ins.args_start, cont)]
                yield ctx.at(ins, f"RUN right after the RUN on line {prev.line}: consider "
                                  "joining them into one layer", edits=edits,
                             fix_title="Join with the RUN before")
            prev = ins


@rule("UseraddWithoutNoLogInit", "useradd with a high UID without -l", "warning",
      summary="useradd with a high UID and without -l writes a lastlog file as big as the "
              "UID says.",
      explanation="""
      `useradd` records every user in /var/log/lastlog and /var/log/faillog at an offset
      of UID times the record size: a UID of 100000 makes files of about 30 MB. On the
      host they are sparse; in an image layer they are not. `useradd -l` (`--no-log-init`)
      skips them. Checked in the stages that ship; the quick fix adds `-l`.
      hadolint: DL3046.""",
      hadolint=("DL3046",),
      before="RUN useradd -u 100000 app", after="RUN useradd -l -u 100000 app")
def useradd_without_l(ctx: LintContext):
    for ins in ctx.shipped_runs():
        cmd = ctx.command(ins)
        for m in re.finditer(r"\buseradd\b([^;&|\n]*)", cmd):
            opts = m.group(1)
            uid = _UID.search(opts)
            if not uid or int(uid.group(1)) < 10000:
                continue
            if re.search(r"(?:^|\s)(?:-l|--no-log-init|-[a-zA-Z]*l[a-zA-Z]*)(?=\s|$)", opts):
                continue
            size = int(uid.group(1)) * 292
            edits = None
            found = list(re.finditer(r"\buseradd\b", ctx.text[ins.args_start:ctx.instruction_end(ins)]))
            if len(found) == 1 and not ins.heredocs:
                at = ins.args_start + found[0].end()
                edits = [TextEdit(at, at, " -l")]
            yield ctx.at(ins, f"useradd with UID {uid.group(1)} and without -l writes about "
                              f"{size / 1e6:.0f} MB of /var/log/lastlog into this layer; add -l",
                         edits=edits, fix_title="Add useradd -l")


@rule("FinalUserRoot", "Image runs as root", "warning",
      summary="The last USER of the image you ship is root.",
      explanation="""
      A container runs as the image's last USER. When that is root, a process that
      escapes the application owns the container, and files it writes to volumes belong
      to root. Switch to an unprivileged user for the final image (`USER app` after
      creating it, or a numeric `USER 10001`). Only the stages that ship are checked; a
      USER root in a build stage is fine. No quick fix: which user works depends on the
      image. hadolint: DL3002.""",
      hadolint=("DL3002",),
      before="FROM alpine:3.20\nUSER root\nCMD [\"app\"]",
      after="FROM alpine:3.20\nRUN adduser -D app\nUSER app\nCMD [\"app\"]")
def final_user_root(ctx: LintContext):
    last = None
    for index in reversed(ctx.final_chain):  # the root of the chain first
        for ins in ctx.stages[index].instructions:
            if ins.keyword == "USER" and ins.args:
                last = ins
    if last is not None and last.args.split(":")[0].strip() in ("root", "0"):
        yield ctx.at(last, f"The image runs as '{last.args}': the last USER of the final "
                           "stage is root; switch to an unprivileged user")
