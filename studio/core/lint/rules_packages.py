"""Package-manager rules for the layers that ship: caches and lists left behind, apt's
update in a RUN of its own, recommended packages, ``apk add`` without ``--no-cache``.

A quick fix here is offered only where it cannot break the build: removing apt's lists
when a later RUN still installs with them would (it finds no packages), so there the
finding explains and offers nothing."""
from __future__ import annotations

import re

from studio.core.lint.context import LintContext
from studio.core.lint.registry import rule
from studio.core.shell import key_values
from studio.core.model import Instruction, TextEdit

_APT_ACTION = re.compile(
    r"\bapt(?:-get)?\s+(?:-\S+\s+)*(install|update|upgrade|dist-upgrade|full-upgrade|"
    r"build-dep|source|satisfy|reinstall)\b|\bapt-cache\b")
_APT_INSTALL = re.compile(r"\bapt(?:-get)?\s+(?:-\S+\s+)*install\b")
_APK = re.compile(r"\bapk\s+(?:-\S+\s+)*add\b")
_YUM = re.compile(r"\b(yum|dnf|microdnf)\s+(?:-\S+\s+)*install\b")
_PIP = re.compile(r"\bpip[0-9.]*\s+(?:-\S+\s+)*install\b")
_LISTS = "/var/lib/apt/lists"


def _cache_mounts(ins: Instruction) -> str:
    return " ".join(m.options.get("target") or m.options.get("dst")
                    or m.options.get("destination") or ""
                    for m in ins.mounts if m.type in ("cache", "tmpfs"))


def _env_set(ctx: LintContext, ins: Instruction, name: str) -> bool:
    stage = ctx.stage_of(ins)
    for s in ctx.stage_chain(stage) if stage is not None else []:
        for i in s.instructions:
            if i.keyword in ("ENV", "ARG"):
                if name in [k for k, _ in key_values(i.args, i.keyword == "ENV", ctx.escape)[0]]:
                    return True
    return False


def append_edit(ctx: LintContext, ins: Instruction, tail: str) -> list[TextEdit] | None:
    """Append `` && <tail>`` to a shell-form RUN when that cannot change its meaning."""
    if ins.json_form or ins.heredocs:
        return None
    end = ctx.instruction_end(ins)
    raw = ctx.text[ins.args_start:end].rstrip()
    if not raw or raw[-1] in ";&|\\" or raw.count('"') % 2 or raw.count("'") % 2:
        return None
    at = ins.args_start + len(raw)
    return [TextEdit(at, at, f" && {tail}")]


def insert_after(ctx: LintContext, ins: Instruction, pattern: re.Pattern, text: str):
    """Insert ``text`` after the one match of ``pattern`` in a RUN (none if several)."""
    end = ctx.instruction_end(ins)
    matches = list(pattern.finditer(ctx.text, ins.args_start, end))
    if len(matches) != 1 or ins.heredocs:
        return None
    return [TextEdit(matches[0].end(), matches[0].end(), text)]


def apt_actions(cmd: str) -> list[str]:
    """The apt actions of a command in order: "update", "install", "cache", ..."""
    return [m.group(1) or "cache" for m in _APT_ACTION.finditer(cmd)]


def needs_lists(cmd: str) -> bool:
    """Whether a command uses apt's package lists it did not fetch itself."""
    actions = apt_actions(cmd)
    return bool(actions) and actions[0] != "update"


def _keeps_lists(ctx: LintContext, ins: Instruction, cmd: str) -> bool:
    return _LISTS not in cmd and "/var/lib/apt" not in _cache_mounts(ins)


def _apt_lists(ctx: LintContext, ins: Instruction, cmd: str):
    actions = apt_actions(cmd)
    if "update" not in actions or "install" not in actions[actions.index("update"):]:
        return  # no lists made here (an update on its own: AptUpdateInSeparateRun)
    if not _keeps_lists(ctx, ins, cmd):
        return
    users = [r for r in ctx.later_runs(ins) if needs_lists(ctx.command(r))]
    if users:
        lines = ", ".join(str(r.line) for r in users[:3])
        yield (f"apt-get update leaves its package lists ({_LISTS}, tens of MB) in this layer, "
               f"and the RUN on line {lines} installs with them, so they cannot simply be "
               "removed here: give that RUN its own apt-get update, then remove the lists "
               "in each", None, "")
        return
    yield (f"apt-get install leaves the package lists ({_LISTS}, tens of MB) in this layer; "
           "add '&& rm -rf /var/lib/apt/lists/*' to the same RUN",
           append_edit(ctx, ins, "rm -rf /var/lib/apt/lists/*"),
           "Remove the apt lists in the same RUN")


def _problems(ctx: LintContext, ins: Instruction):
    """(message, fix edits, fix title) for each package manager that leaves its cache."""
    cmd = ctx.command(ins)
    mounts = _cache_mounts(ins)
    yield from _apt_lists(ctx, ins, cmd)
    m = _YUM.search(cmd)
    if m and "clean all" not in cmd and "/var/cache/" not in cmd and "/var/cache" not in mounts:
        tool = m.group(1)
        yield (f"{tool} install leaves its cache in /var/cache/{tool.replace('micro', '')}; "
               f"add '&& {tool} clean all' to the same RUN",
               append_edit(ctx, ins, f"{tool} clean all"), f"Run {tool} clean all")
    if (_PIP.search(cmd) or re.search(r"-m\s+pip\s+install\b", cmd)) and \
            "--no-cache-dir" not in cmd and ".cache" not in mounts and \
            not _env_set(ctx, ins, "PIP_NO_CACHE_DIR"):
        yield ("pip install keeps downloaded packages in ~/.cache/pip; use "
               "'pip install --no-cache-dir' (or a cache mount)",
               insert_after(ctx, ins, _PIP, " --no-cache-dir"), "Use pip --no-cache-dir")


@rule("package-cache", "Package manager cache left in the image", "warning",
      summary="A RUN that installs packages leaves the package manager's cache in the layer.",
      explanation="""
      Every RUN is a layer, and files deleted in a later RUN still take space in the
      earlier one. apt-get's lists, yum/dnf's cache and pip's download cache are only
      needed while installing, so remove them in the same RUN (or install with
      `--no-cache-dir`, or put them on a cache mount:
      `RUN --mount=type=cache,target=/var/cache/apt`). Only stages whose layers end up in
      the final image are checked: a builder stage's cache never ships. The apt fix is
      offered only when no later RUN still needs the lists. hadolint: DL3009 (apt lists),
      DL3032/DL3040 (yum/dnf clean all), DL3042 (pip --no-cache-dir).""",
      hadolint=("DL3009", "DL3032", "DL3040", "DL3042"),
      before="RUN apt-get update && apt-get install -y curl",
      after="RUN apt-get update && apt-get install -y curl \\\n && rm -rf /var/lib/apt/lists/*")
def package_cache(ctx: LintContext):
    for ins in ctx.shipped_runs():
        for message, edits, title in _problems(ctx, ins):
            yield ctx.at(ins, message, edits=edits, fix_title=title)


@rule("AptUpdateInSeparateRun", "apt-get update in a RUN of its own", "warning",
      summary="apt-get update runs in one RUN and the install in another.",
      explanation="""
      `RUN apt-get update` on its own makes a layer of package lists (tens of MB) that
      ships, and that layer is cached: months later a changed install line reuses the old
      lists and fails to find the packages. Run update, install and
      `rm -rf /var/lib/apt/lists/*` in one RUN. Checked in the stages that ship. hadolint
      reports the lists as part of DL3009.""",
      hadolint=("DL3009",),
      before="RUN apt-get update\nRUN apt-get install -y curl",
      after="RUN apt-get update && apt-get install -y curl \\\n && rm -rf /var/lib/apt/lists/*")
def apt_update_in_separate_run(ctx: LintContext):
    for ins in ctx.shipped_runs():
        cmd = ctx.command(ins)
        actions = apt_actions(cmd)
        if "update" not in actions or "install" in actions[actions.index("update"):]:
            continue
        if not _keeps_lists(ctx, ins, cmd):
            continue
        users = [r for r in ctx.later_runs(ins) if needs_lists(ctx.command(r))]
        where = f" (line {users[0].line})" if users else ""
        yield ctx.at(ins, "apt-get update runs without an install in the same RUN: its lists "
                          f"stay in this layer, and the install{where} can get stale lists from "
                          "the build cache; run update, install and the cleanup in one RUN")


def _recommends_off(ctx: LintContext, ins: Instruction, cmd: str) -> bool:
    if "--no-install-recommends" in cmd or re.search(r"Install-Recommends[= ]\"?(false|0)", cmd):
        return True
    stage = ctx.stage_of(ins)
    chain = ctx.stage_chain(stage) if stage is not None else []
    return any(re.search(r"Install-Recommends\s*\"?(false|0)", ctx.command(i))
               for s in chain for i in s.instructions if i.keyword == "RUN" and i is not ins)


@rule("AptInstallRecommends", "apt-get install with recommended packages", "info",
      summary="apt-get install without --no-install-recommends also installs every "
              "recommended package.",
      explanation="""
      By default apt installs a package's "recommends" too: documentation, extra tools,
      often tens of MB that the image never uses. `--no-install-recommends` installs only
      what the packages need; add the few extras you do use by name. Because a later
      step may rely on a recommended package, the quick fix is offered only when no RUN
      comes after this one in the image (check that the image still runs). Checked in the
      stages that ship. hadolint: DL3015.""",
      hadolint=("DL3015",),
      before="RUN apt-get update && apt-get install -y curl",
      after="RUN apt-get update && apt-get install -y --no-install-recommends curl")
def apt_install_recommends(ctx: LintContext):
    for ins in ctx.shipped_runs():
        cmd = ctx.command(ins)
        if not _APT_INSTALL.search(cmd) or _recommends_off(ctx, ins, cmd):
            continue
        edits = None
        if not ctx.later_runs(ins):
            edits = insert_after(ctx, ins, _APT_INSTALL, " --no-install-recommends")
        yield ctx.at(ins, "apt-get install without --no-install-recommends also installs the "
                          "recommended packages, which the image rarely needs",
                     edits=edits, fix_title="Add --no-install-recommends")


@rule("ApkAddWithoutNoCache", "apk add without --no-cache", "warning",
      summary="apk add keeps its package index in /var/cache/apk.",
      explanation="""
      `apk add` stores the package index it downloads in /var/cache/apk, where it ships
      in the layer. `apk add --no-cache` fetches the index, installs, and keeps nothing,
      which also makes `apk update` and `rm -rf /var/cache/apk/*` unnecessary. Checked in
      the stages that ship. hadolint: DL3019.""",
      hadolint=("DL3019",),
      before="RUN apk update && apk add curl", after="RUN apk add --no-cache curl")
def apk_add_without_no_cache(ctx: LintContext):
    for ins in ctx.shipped_runs():
        cmd = ctx.command(ins)
        mounts = _cache_mounts(ins)
        if (_APK.search(cmd) and "--no-cache" not in cmd and "/var/cache/apk" not in cmd
                and "/var/cache/apk" not in mounts and "/etc/apk/cache" not in mounts):
            yield ctx.at(ins, "apk add keeps its package index in /var/cache/apk; use "
                              "'apk add --no-cache'",
                         edits=insert_after(ctx, ins, _APK, " --no-cache"),
                         fix_title="Use apk add --no-cache")
