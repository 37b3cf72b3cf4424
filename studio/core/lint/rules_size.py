"""Image size and reproducibility rules: package caches left in layers, ADD used as
COPY, and base images without a pinned tag."""
from __future__ import annotations

import re

from studio.core.lint.context import LintContext
from studio.core.lint.images import split_ref
from studio.core.lint.registry import rule
from studio.core.lint.shellvars import key_values, split_words
from studio.core.model import Instruction, TextEdit

_APT = re.compile(r"\bapt(?:-get)?\s+(?:-\S+\s+)*install\b")
_APT_UPDATE = re.compile(r"\bapt(?:-get)?\s+(?:-\S+\s+)*update\b")
_APK = re.compile(r"\bapk\s+(?:-\S+\s+)*add\b")
_YUM = re.compile(r"\b(yum|dnf|microdnf)\s+(?:-\S+\s+)*install\b")
_PIP = re.compile(r"\bpip[0-9.]*\s+(?:-\S+\s+)*install\b")


def _command(ctx: LintContext, ins: Instruction) -> str:
    bodies = "".join(ctx.text[h.body_start:h.body_end] for h in ins.heredocs)
    return ins.args + "\n" + bodies


def _cache_mounts(ins: Instruction) -> list[str]:
    return [m.options.get("target") or m.options.get("dst") or m.options.get("destination") or ""
            for m in ins.mounts if m.type in ("cache", "tmpfs")]


def _env_set(ctx: LintContext, stage_index: int, name: str) -> bool:
    for s in ctx.stage_chain(ctx.stages[stage_index]):
        for ins in s.instructions:
            if ins.keyword in ("ENV", "ARG"):
                keys = [k for k, _ in key_values(ins.args, ins.keyword == "ENV")[0]]
                if name in keys:
                    return True
    return False


def _append_edit(ctx: LintContext, ins: Instruction, tail: str) -> list[TextEdit] | None:
    """Append `` && <tail>`` to a shell-form RUN when that cannot change its meaning."""
    if ins.json_form or ins.heredocs:
        return None
    end = ctx.instruction_end(ins)
    raw = ctx.text[ins.args_start:end].rstrip()
    if not raw or raw[-1] in ";&|\\" or raw.count('"') % 2 or raw.count("'") % 2:
        return None
    at = ins.args_start + len(raw)
    return [TextEdit(at, at, f" && {tail}")]


def _insert_after(ctx: LintContext, ins: Instruction, pattern: re.Pattern, text: str):
    end = ctx.instruction_end(ins)
    matches = list(pattern.finditer(ctx.text, ins.args_start, end))
    if len(matches) != 1 or ins.heredocs:
        return None
    at = matches[0].end()
    return [TextEdit(at, at, text)]


def _problems(ctx: LintContext, ins: Instruction):
    """(message, fix edits, fix title) for each package manager that leaves its cache."""
    cmd = _command(ctx, ins)
    mounts = " ".join(_cache_mounts(ins))
    if (_APT_UPDATE.search(cmd) and not _APT.search(cmd) and "/var/lib/apt/lists" not in cmd
            and "/var/lib/apt" not in mounts):
        yield ("apt-get update runs in a RUN of its own: its package lists (tens of MB) stay in "
               "this layer, and a cached copy can feed stale lists to a later install; run "
               "update, install and 'rm -rf /var/lib/apt/lists/*' in one RUN", None, "")
    if _APT.search(cmd) and "/var/lib/apt/lists" not in cmd and "/var/lib/apt" not in mounts:
        yield ("apt-get install leaves the package lists (/var/lib/apt/lists, tens of MB) in "
               "this layer; add '&& rm -rf /var/lib/apt/lists/*' to the same RUN",
               _append_edit(ctx, ins, "rm -rf /var/lib/apt/lists/*"),
               "Remove the apt lists in the same RUN")
    if (_APK.search(cmd) and "--no-cache" not in cmd and "/var/cache/apk" not in cmd
            and "/var/cache/apk" not in mounts and "/etc/apk/cache" not in mounts):
        yield ("apk add keeps its package index in /var/cache/apk; use 'apk add --no-cache'",
               _insert_after(ctx, ins, _APK, " --no-cache"), "Use apk add --no-cache")
    m = _YUM.search(cmd)
    if m and "clean all" not in cmd and "/var/cache/" not in cmd and "/var/cache" not in mounts:
        tool = m.group(1)
        yield (f"{tool} install leaves its cache in /var/cache/{tool.replace('micro', '')}; "
               f"add '&& {tool} clean all' to the same RUN",
               _append_edit(ctx, ins, f"{tool} clean all"), f"Run {tool} clean all")
    if (_PIP.search(cmd) or re.search(r"-m\s+pip\s+install\b", cmd)) and \
            "--no-cache-dir" not in cmd and ".cache" not in mounts and \
            not _env_set(ctx, ins.stage, "PIP_NO_CACHE_DIR"):
        yield ("pip install keeps downloaded packages in ~/.cache/pip; use "
               "'pip install --no-cache-dir' (or a cache mount)",
               _insert_after(ctx, ins, _PIP, " --no-cache-dir"), "Use pip --no-cache-dir")


@rule("package-cache", "Package manager cache left in the image", "warning",
      summary="A RUN that installs packages leaves the package manager's cache in the layer.",
      explanation="""
      Every RUN is a layer, and files deleted in a later RUN still take space in the
      earlier one. apt-get's lists, apk's index, yum/dnf's cache and pip's download cache
      are only needed while installing, so remove them in the same RUN (or install with
      `--no-cache` / `--no-cache-dir`, or put them on a cache mount:
      `RUN --mount=type=cache,target=/var/cache/apt`). Only stages whose layers end up in
      the final image are checked: a builder stage's cache never ships.""",
      before="RUN apt-get update && apt-get install -y curl",
      after="RUN apt-get update && apt-get install -y curl \\\n && rm -rf /var/lib/apt/lists/*")
def package_cache(ctx: LintContext):
    for ins in _shipped_runs(ctx):
        for message, edits, title in _problems(ctx, ins):
            yield ctx.at(ins, message, edits=edits, fix_title=title)


def _shipped_runs(ctx: LintContext):
    """RUN instructions of the target stage and the stages it is built FROM."""
    chain = set(ctx.final_chain)
    for stage in ctx.stages:
        if stage.index in chain:
            yield from (i for i in stage.instructions if i.keyword == "RUN")


_ARCHIVE = re.compile(r"\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tzst|gz|bz2|xz)$",
                      re.IGNORECASE)
_REMOTE = re.compile(r"^(https?://|git@|git://|ssh://)", re.IGNORECASE)
_COPY_FLAGS = {"chown", "chmod", "link", "exclude", "parents"}


@rule("add-instead-of-copy", "ADD used to copy local files", "warning",
      summary="ADD of local files and folders is better written COPY.",
      explanation="""
      ADD does more than copy: it downloads URLs and unpacks local tar archives. For plain
      local files that extra magic only hides intent, and a file that happens to be an
      archive gets unpacked by surprise. Use COPY for files and folders; keep ADD for URLs,
      git sources and archives you want extracted. The quick fix changes the keyword.""",
      before="ADD requirements.txt /app/", after="COPY requirements.txt /app/")
def add_instead_of_copy(ctx: LintContext):
    for ins in ctx.doc.instructions:
        if ins.keyword != "ADD" or ins.heredocs:
            continue
        if any(f.name not in _COPY_FLAGS for f in ins.flags):
            continue
        words = ins.json_args if ins.json_form and ins.json_args else split_words(ins.args)
        sources = words[:-1]
        if not sources or any("$" in s or _REMOTE.match(s) or _ARCHIVE.search(s)
                              for s in sources):
            continue
        kw = ins.keyword_as_written
        want = "copy" if kw == kw.lower() else "COPY"
        yield ctx.at(ins, f"ADD copies local files here ({', '.join(sources)}); use COPY, "
                          "which does not unpack archives or download URLs",
                     edits=[TextEdit(ins.keyword_start, ins.keyword_start + len(kw), want)],
                     fix_title="Use COPY")


@rule("unpinned-base-image", "Base image without a pinned tag", "warning",
      summary="A base image without a tag, or tagged latest, changes under you.",
      explanation="""
      `FROM alpine` means `alpine:latest`, and latest moves: the same Dockerfile builds a
      different image next month, and a cached build differs from a fresh one. Pin a
      version tag (`alpine:3.20`), or a digest for full reproducibility. `scratch`,
      stages and ARG-driven references that resolve to a tag are fine.""",
      before="FROM python\nFROM node:latest", after="FROM python:3.12-slim\nFROM node:20-slim")
def unpinned_base_image(ctx: LintContext):
    stages = ctx.graph.stages or ctx.stages
    for stage in stages:
        if stage.base_kind != "image":
            continue
        ref = stage.base_resolved or stage.base
        if not ref or "$" in ref:
            continue
        repo, tag, digest = split_ref(ref)
        if digest:
            continue
        if tag is None or tag == "latest":
            why = "has no tag, so it means 'latest'" if tag is None else "is tagged 'latest'"
            yield ctx.at(stage.from_instruction,
                         f"Base image '{ref}' {why}, which changes over time; pin a version "
                         f"tag (e.g. {repo}:<version>) or a digest")



_REMOVAL = re.compile(r"^\s*(rm\s|apt-get\s+(?:-\S+\s+)*(?:remove|purge|clean|autoremove)\b|"
                      r"apt\s+(?:remove|purge|clean)\b|apk\s+del\b|"
                      r"(?:yum|dnf)\s+(?:remove|erase|clean)\b|pip[0-9.]*\s+(?:uninstall|cache)\b)")


@rule("cleanup-in-later-layer", "Cleaning up in a later RUN", "warning",
      summary="A RUN that only deletes files does not make the image smaller.",
      explanation="""
      Layers only add: when a RUN deletes files that an earlier layer created, the image
      still carries them in that earlier layer and the delete merely hides them. Remove
      temporary files in the same RUN that creates them, or create them in a build stage
      the final image never builds on, and `COPY --from` only the results.""",
      before="RUN apt-get update && apt-get install -y gcc\nRUN make\n"
             "RUN apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*",
      after="FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\n"
            "RUN make\n\nFROM debian:12-slim\nCOPY --from=build /src/app /app")
def cleanup_in_later_layer(ctx: LintContext):
    for ins in _shipped_runs(ctx):
        parts = [p for p in re.split(r"&&|;|\|\||\n", _command(ctx, ins)) if p.strip()]
        if parts and all(_REMOVAL.match(p) for p in parts):
            yield ctx.at(ins, "This RUN only deletes files, in a new layer: they still take "
                              "space in the earlier layer that created them. Delete them in "
                              "the same RUN, or build them in a separate stage")
