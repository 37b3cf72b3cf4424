"""Multi-stage rules: stages nothing uses, heavy final images, numeric ``--from`` and
copying whole directories out of a builder."""
from __future__ import annotations

import posixpath
import re

from studio.core.lint.context import LintContext
from studio.core.lint.images import heavy_image, installs_build_tools
from studio.core.lint.registry import rule
from studio.core.lint.rules_from import from_parts
from studio.core.shell import split_words
from studio.core.model import Edge, Stage, TextEdit

# Words in a stage name that say it is built on its own (`docker build --target ...`):
# `test`, `test-coverage`, `integration-tests`, `lint-go` all stay quiet.
LIKELY_TARGETS = frozenset({
    "test", "tests", "testing", "dev", "develop", "development", "debug", "lint", "ci",
    "check", "checks", "release", "prod", "production", "final", "runtime", "app", "docs",
    "doc", "export", "artifact", "artifacts", "bench", "benchmark", "benchmarks", "e2e",
    "integration", "unit", "shell", "devcontainer", "coverage", "cover", "fmt", "format",
    "vet", "validate", "validation", "vendor", "generate", "gen", "sbom", "scan", "audit",
    "binaries", "binary", "bin", "dist", "package", "packages", "pkg", "image", "images",
    "out", "output", "outputs", "local", "cross", "all", "default", "update", "licenses",
    "smoke", "fuzz", "typecheck", "golangci", "shellcheck", "hadolint", "docker", "demo",
    "example", "examples", "standalone", "minimal", "slim", "full", "alpine", "debian",
})


def likely_target(name: str) -> bool:
    """Whether a stage's name says it is meant to be built by name (a word of it is
    one of LIKELY_TARGETS)."""
    return any(word in LIKELY_TARGETS for word in re.split(r"[-_.]+", name.lower()))


def _users(ctx: LintContext) -> dict[int, list[Edge]]:
    out: dict[int, list[Edge]] = {}
    for edge in ctx.doc.edges:
        if isinstance(edge.source, int) and edge.source != edge.target:
            out.setdefault(edge.source, []).append(edge)
    return out


@rule("unused-stage", "Stage nothing uses", "warning",
      summary="A stage that no other stage builds on or copies from, and that is not the "
              "last one, is never built by a plain `docker build`.",
      explanation="""
      BuildKit builds only the stages the target needs (by default the last stage). A
      stage nothing refers to is skipped: it is dead code, or a forgotten `COPY --from`.
      If it is meant as an alternative target (`docker build --target test`), give it a
      name that says so (a word such as test, dev, debug, lint, coverage, as in
      `test-coverage`) and this rule stays quiet. A stage that a FROM with a variable can
      pick (`FROM binaries-$TARGETOS`) is not unused: lint says which ARG value picks it,
      for every platform, not only this machine's.""",
      before="FROM golang:1.22 AS build\nRUN go build -o /app .\n\n"
             "FROM golang:1.22 AS tools\nRUN go install golang.org/x/tools/...@latest\n\n"
             "FROM alpine:3.20\nCOPY --from=build /app /app",
      after="FROM golang:1.22 AS build\nRUN go build -o /app .\n\n"
            "FROM alpine:3.20\nCOPY --from=build /app /app")
def unused_stage(ctx: LintContext):
    users = _users(ctx)
    last = len(ctx.stages) - 1
    reachable = set(ctx.graph.reachable)
    broken = {d.line for d in ctx.doc.diagnostics if d.code == "invalid-from"}
    for stage in ctx.stages:
        if stage.index == last or users.get(stage.index) or stage.index == ctx.target_index:
            continue
        if stage.line in broken:  # its name could not be read: the error on that line says enough
            continue
        if stage.index in reachable and ctx.target_index not in (None, last):
            continue
        label = f"'{stage.name}'" if stage.name else f"#{stage.index}"
        pickers = ctx.selectable.get(stage.index)
        if pickers:
            picker, values = pickers[0]
            chosen = " and ".join(f"ARG {k}={v}" for k, v in values.items() if v) or "its ARGs"
            yield ctx.at(stage.from_instruction,
                         f"Stage {label} is chosen when {chosen}: FROM {picker.base} on line "
                         f"{picker.line} picks it; with the current args it is not built",
                         severity="info")
            continue
        if stage.name and likely_target(stage.name):
            continue
        yield ctx.at(stage.from_instruction,
                     f"Stage {label} is never used: no stage builds FROM it or copies from it, "
                     "and it is not the last stage, so docker build skips it")


def _builds_tools(ctx: LintContext, stage: Stage) -> bool:
    for s in ctx.stage_chain(stage):
        for ins in s.instructions:
            if ins.keyword == "RUN":
                body = "".join(ctx.text[h.body_start:h.body_end] for h in ins.heredocs)
                if installs_build_tools(ins.args + "\n" + body):
                    return True
    return False


@rule("heavy-final-image", "Final image on a build toolchain", "warning",
      summary="The image you ship is based on a heavy build image (compiler, SDK, full "
              "runtime with headers).",
      explanation="""
      Toolchain images such as golang, rust, gcc, maven or a full JDK weigh hundreds of
      megabytes, and so do the full node and python images, which bring compilers and
      headers. When the final stage is built on one, all of it ships. Build in a first
      stage, then start the final stage from a small image (alpine, a -slim variant, a
      JRE, distroless or scratch) and `COPY --from=build` only the artifacts.""",
      before="FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"
             'CMD ["/app"]',
      after="FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\n"
            "RUN CGO_ENABLED=0 go build -o /app .\n\nFROM alpine:3.20\n"
            'COPY --from=build /app /app\nCMD ["/app"]')
def heavy_final_image(ctx: LintContext):
    idx = ctx.target_index
    if idx is None or not 0 <= idx < len(ctx.stages):
        return
    stage = ctx.stages[idx]
    root = ctx.root_image(ctx.graph.stages[idx] if idx < len(ctx.graph.stages) else stage)
    heavy = heavy_image(root) if root and "$" not in root else None
    where = ctx.stage_chain(stage)[-1]
    if heavy is not None:
        carries, advice = heavy
        yield ctx.at(where.from_instruction,
                     f"The final image is based on '{root}', which carries {carries}; "
                     f"{advice}")
    elif _builds_tools(ctx, stage):
        yield ctx.at(where.from_instruction,
                     "The final image installs a compiler toolchain (build-essential, gcc, "
                     "make...); compile in a separate stage and copy only the binaries out")


def _unquoted_span(text: str, start: int, end: int) -> tuple[int, int]:
    if end - start >= 2 and text[start] in "\"'" and text[end - 1] == text[start]:
        return start + 1, end - 1
    return start, end


def ref_span(ctx: LintContext, edge: Edge) -> tuple[int, int] | None:
    """The raw span of the stage reference behind a COPY --from / mount from= edge."""
    flag = edge.flag
    if flag is None or flag.value_start is None or flag.value_end is None:
        return None
    start, end = _unquoted_span(ctx.text, flag.value_start, flag.value_end)
    if edge.kind == "copy":
        return start, end
    m = re.search(r"(?:^|,)\s*from=([^,]*)", ctx.text[start:end], re.IGNORECASE)
    if not m:
        return None
    return _unquoted_span(ctx.text, start + m.start(1), start + m.end(1))


def _new_name_for(ctx: LintContext, stage: Stage) -> str | None:
    """A name to give an unnamed stage, if one cannot clash with anything in the file."""
    name = f"stage-{stage.index}"
    taken = {s.name.lower() for s in ctx.stages if s.name}
    taken |= {s.base.lower() for s in ctx.stages}
    taken |= {(f.value or "").lower() for i in ctx.doc.instructions for f in i.flags}
    return None if name in taken else name


@rule("copy-from-index", "COPY --from by number", "warning",
      summary="A stage referenced by its number breaks silently when stages are reordered.",
      explanation="""
      `COPY --from=0` means "the first stage", whatever that is today. Insert or move a
      stage and the number points somewhere else, with no error. A name survives
      reordering and says what is copied. The quick fix writes the stage's name (and
      names the stage `stage-N` first if it has none).""",
      before="FROM golang:1.22\nRUN go build -o /app .\nFROM alpine:3.20\n"
             "COPY --from=0 /app /app",
      after="FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM alpine:3.20\n"
            "COPY --from=build /app /app")
def copy_from_index(ctx: LintContext):
    for edge in ctx.doc.edges:
        if edge.kind == "from" or not isinstance(edge.source, int):
            continue
        span = ref_span(ctx, edge)
        if span is None or not ctx.text[span[0]:span[1]].isdigit():
            continue
        stage = ctx.stages[edge.source]
        number = ctx.text[span[0]:span[1]]
        edits = None
        name = stage.name
        if name:
            edits = [TextEdit(span[0], span[1], name)]
        else:
            name = _new_name_for(ctx, stage)
            image, _, _ = from_parts(ctx, stage)
            if name and image is not None:
                kw = stage.from_instruction.keyword_as_written
                as_kw = "as" if kw == kw.lower() else "AS"
                edits = [TextEdit(image.end, image.end, f" {as_kw} {name}"),
                         TextEdit(span[0], span[1], name)]
        what = "--from" if edge.kind == "copy" else "from="
        yield ctx.finding(
            f"{what}={number} refers to stage {number} by position; use its name"
            + (f" '{name}'" if name else "") + " so reordering stages cannot break it",
            span[0], span[1], line=edge.line, edits=edits,
            fix_title=f"Refer to the stage as '{name}'" if name else "")


def _stage_dirs(ctx: LintContext, stage: Stage) -> set[str]:
    """Directories of a stage that hold everything: its WORKDIRs and COPY . targets,
    its FROM ancestors' included. Worked out once per stage, ancestors first (a long
    chain of stages that copy from each other must not cost the square of its length)."""
    memo: dict[int, tuple[frozenset[str], str]] = ctx.__dict__.setdefault("_stage_dirs", {})
    chain = ctx.stage_chain(stage)
    for i in range(len(chain) - 1, -1, -1):  # the root first
        s = chain[i]
        if s.index in memo:
            continue
        parent = memo.get(chain[i + 1].index) if i + 1 < len(chain) else None
        dirs, cwd = set(parent[0]) if parent else set(), parent[1] if parent else "/"
        for ins in s.instructions:
            if ins.keyword not in ("WORKDIR", "COPY", "ADD"):
                continue
            words = split_words(ins.args, ctx.escape) if not ins.json_form else (ins.json_args or [])
            if ins.keyword == "WORKDIR" and words and "$" not in words[0]:
                cwd = posixpath.normpath(posixpath.join(cwd, words[0]))
                dirs.add(cwd)
            elif ins.keyword in ("COPY", "ADD") and ins.flag("from") is None and len(words) >= 2:
                if any(w in (".", "./") for w in words[:-1]):
                    dirs.add(posixpath.normpath(posixpath.join(cwd, words[-1])))
        memo[s.index] = (frozenset(dirs), cwd)
    return {d for d in memo[stage.index][0] if d}


@rule("copy-whole-directory", "Copying a whole directory out of a builder", "info",
      summary="COPY --from copies a builder's whole work or source directory where one "
              "artifact would do.",
      explanation="""
      Copying `/src` (or `/`, or the builder's WORKDIR) from a build stage brings the
      sources, intermediate objects and caches along with the one binary or bundle you
      need, and undoes much of the multi-stage saving. Copy the artifact itself (the
      binary, the dist/ folder, the wheels) instead.""",
      before="COPY --from=build /src /app", after="COPY --from=build /src/bin/app /app/app")
def copy_whole_directory(ctx: LintContext):
    chain = ctx.shipping
    for edge in ctx.doc.edges:
        if edge.kind != "copy" or not isinstance(edge.source, int) or edge.target not in chain:
            continue
        if ctx.root_image(ctx.stages[edge.source]) is None:
            continue  # a stage built on scratch holds only what was put there on purpose
        dirs = _stage_dirs(ctx, ctx.stages[edge.source]) | {"/"}
        label = ctx.stages[edge.source].label
        for src in edge.sources:
            if "$" in src:
                continue
            norm = posixpath.normpath("/" + src.lstrip("/")) if src not in (".", "./") else "/"
            if src.rstrip("/") in ("", ".") or norm.rstrip("/*") in dirs or norm == "/":
                yield ctx.at(edge.instruction,
                             f"COPY --from={label} copies the whole directory '{src}' of that "
                             "stage; copy only the artifacts the final image needs")
                break
