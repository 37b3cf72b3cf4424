"""Image size and reproducibility rules: ADD used as COPY, base images without a pinned
tag, and cleaning up in a later layer (package managers: rules_packages)."""
from __future__ import annotations

import glob
import posixpath
import re
from pathlib import Path

from studio.core.archives import Unpack, unpack_kind
from studio.core.lint.context import LintContext
from studio.core.lint.images import split_ref
from studio.core.lint.registry import rule
from studio.core.shell import split_words
from studio.core.model import TextEdit

_ARCHIVE = re.compile(r"\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tzst|gz|bz2|xz)$",
                      re.IGNORECASE)
_REMOTE = re.compile(r"^(https?://|git@|git://|ssh://)", re.IGNORECASE)
_COPY_FLAGS = {"chown", "chmod", "link", "exclude", "parents"}


@rule("add-instead-of-copy", "ADD used to copy local files", "warning",
      summary="ADD of local files and folders is better written COPY.",
      explanation="""
      ADD does more than copy: it downloads URLs and unpacks local tar archives, and it
      knows an archive by its content, not its name (a `data.bin` holding a .tar.gz is
      unpacked). For plain local files that extra magic only hides intent. Use COPY for
      files and folders; keep ADD for URLs, git sources and archives you want extracted.
      The quick fix changes the keyword, and is offered only when every source was found
      in the build context and none is an archive; otherwise the finding says what could
      not be checked. A source that is an archive is not reported: ADD is doing its job.""",
      hadolint=("DL3020",),
      before="ADD requirements.txt /app/", after="COPY requirements.txt /app/")
def add_instead_of_copy(ctx: LintContext):
    for ins in ctx.doc.instructions:
        if ins.keyword != "ADD" or ins.heredocs:
            continue
        if any(f.name not in _COPY_FLAGS for f in ins.flags):
            continue
        words = ins.json_args if ins.json_form and ins.json_args else split_words(ins.args, ctx.escape)
        sources = words[:-1]
        if not sources or any("$" in s or _REMOTE.match(s) or _ARCHIVE.search(s)
                              for s in sources):
            continue
        verdict, why = _sources_unpack(ctx.context_dir, sources)
        if verdict is Unpack.ARCHIVE:
            continue
        listed = ", ".join(sources)
        if verdict is Unpack.UNKNOWN:
            yield ctx.at(ins, f"ADD copies local files here ({listed}); use COPY unless one is a tar "
                              f"archive, which ADD unpacks whatever its name ({why}, so no quick fix)")
            continue
        kw = ins.keyword_as_written
        want = "copy" if kw == kw.lower() else "COPY"
        yield ctx.at(ins, f"ADD copies local files here ({listed}; none is an archive); use COPY, "
                          "which does not unpack archives or download URLs",
                     edits=[TextEdit(ins.keyword_start, ins.keyword_start + len(kw), want)],
                     fix_title="Use COPY")


def _sources_unpack(context_dir, sources: list[str]) -> tuple[Unpack, str]:
    """What ADD would do with these sources in this context: ARCHIVE if any file is one,
    PLAIN if every source was found and none is, else UNKNOWN with the reason."""
    if context_dir is None:
        return Unpack.UNKNOWN, "the build context is not known here"
    root = Path(context_dir).resolve()
    unsure = ""
    for source in sources:
        if "[" in source or "\\" in source:
            unsure = unsure or f"'{source}' is a pattern Stage Studio does not expand"
            continue
        rel = posixpath.normpath("/" + source).lstrip("/")
        found = glob.glob(glob.escape(str(root)) + "/" + rel, include_hidden=True) if rel else [str(root)]
        if not found:
            unsure = unsure or f"'{source}' is not in {root}"
        for hit in found:
            path = Path(hit).resolve()
            if path != root and root not in path.parents:
                unsure = unsure or f"'{source}' leads out of the context"
                continue
            if path.is_dir():
                continue
            kind = unpack_kind(path)
            if kind is Unpack.ARCHIVE:
                return kind, ""
            if kind is Unpack.UNKNOWN:
                unsure = unsure or f"'{hit}' could not be read"
    return (Unpack.UNKNOWN, unsure) if unsure else (Unpack.PLAIN, "")


@rule("unpinned-base-image", "Base image without a pinned tag", "warning",
      summary="A base image without a tag, or tagged latest, changes under you.",
      explanation="""
      `FROM alpine` means `alpine:latest`, and latest moves: the same Dockerfile builds a
      different image next month, and a cached build differs from a fresh one. Pin a
      version tag (`alpine:3.20`), or a digest for full reproducibility. `scratch`,
      stages and ARG-driven references that resolve to a tag are fine.""",
      hadolint=("DL3006", "DL3007"),
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
    for ins in ctx.shipped_runs():
        parts = [p for p in re.split(r"&&|;|\|\||\n", ctx.command(ins)) if p.strip()]
        if parts and all(_REMOVAL.match(p) for p in parts):
            yield ctx.at(ins, "This RUN only deletes files, in a new layer: they still take "
                              "space in the earlier layer that created them. Delete them in "
                              "the same RUN, or build them in a separate stage")
