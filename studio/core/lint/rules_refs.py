"""Rules about what a FROM or --from refers to: a stage name mistyped into an image
name, a FROM of a stage defined below it, and images from registries the project does
not trust."""
from __future__ import annotations

import difflib

from studio.core.lint.context import LintContext
from studio.core.lint.images import split_ref
from studio.core.lint.registry import rule
from studio.core.lint.rules_stages import ref_span
from studio.core.model import Edge, TextEdit

# Official images a stage name may resemble without being a typo of it.
_WELL_KNOWN = frozenset("""alpine busybox debian ubuntu fedora centos rockylinux almalinux
    amazonlinux archlinux node python golang rust ruby php perl openjdk eclipse-temurin
    amazoncorretto maven gradle gcc nginx httpd caddy traefik redis postgres mysql mariadb
    mongo memcached rabbitmq elasticsearch docker bash scratch haskell erlang elixir swift
    dart julia r-base clojure groovy tomcat jetty wordpress ghost mcr gcr""".split())
_DOCKER_HUB = ("docker.io", "index.docker.io", "registry-1.docker.io")


def _written(ctx: LintContext, edge: Edge) -> tuple[int, int] | None:
    """The span of the reference as written: a --from/from= value, or a FROM's image."""
    if edge.kind != "from":
        return ref_span(ctx, edge)
    from studio.core.lint.rules_from import from_parts

    image, _, _ = from_parts(ctx, ctx.stages[edge.target])
    return (image.start, image.end) if image is not None else None


def _stage_names(ctx: LintContext, before: int | None = None) -> dict[str, int]:
    return {s.name.lower(): s.index for s in ctx.stages
            if s.name and (before is None or s.index < before)}


@rule("MistypedStageName", "Image name that looks like a mistyped stage", "warning",
      summary="A FROM or --from names no stage, so BuildKit pulls it as an image, but it is "
              "close to a stage's name.",
      explanation="""
      `COPY --from=biuld` does not fail as a typo: a name that is no stage is an image
      reference, so BuildKit tries to pull `docker.io/library/biuld`, and the graph shows
      an external image instead of an edge from `build`. A bare name (no registry, tag or
      digest) that is within a letter or two of a stage's name is almost always a typo.
      Likewise `FROM build` above the stage `build` means the image: FROM sees only the
      stages defined before it. The quick fix writes the stage's name. Related to
      hadolint's DL3022.""",
      hadolint=("DL3022",),
      before="FROM golang:1.22 AS build\nFROM alpine:3.20\nCOPY --from=biuld /app /app",
      after="FROM golang:1.22 AS build\nFROM alpine:3.20\nCOPY --from=build /app /app")
def mistyped_stage_name(ctx: LintContext):
    every = _stage_names(ctx)
    for edge in ctx.doc.edges:
        ref = edge.source
        if not isinstance(ref, str) or any(c in ref for c in "/:@$") or ref.lower() == "scratch":
            continue
        span = _written(ctx, edge)
        if span is None or "$" in ctx.text[span[0]:span[1]]:
            continue
        usable = _stage_names(ctx, edge.target) if edge.kind == "from" else every
        what = "FROM" if edge.kind == "from" else ("--from" if edge.kind == "copy" else "from=")
        later = every.get(ref.lower())
        if edge.kind == "from" and later is not None and later >= edge.target:
            yield ctx.finding(f"{what} {ref} means the image docker.io/library/{ref.lower()}: the "
                              f"stage '{ctx.stages[later].name}' is defined below this line, and "
                              "FROM sees only the stages above it", span[0], span[1], line=edge.line)
            continue
        if ref.lower() in _WELL_KNOWN:
            continue
        close = difflib.get_close_matches(ref.lower(), list(usable), n=1, cutoff=0.75)
        if not close:
            continue
        name = ctx.stages[usable[close[0]]].name
        yield ctx.finding(f"'{ref}' is not a stage, so BuildKit pulls it as the image "
                          f"docker.io/library/{ref.lower()}; did you mean `{name}`?",
                          span[0], span[1], line=edge.line,
                          edits=[TextEdit(span[0], span[1], name)], fix_title=f"Use stage '{name}'")


def registry_of(ref: str) -> str:
    """The registry host of an image reference (docker.io when none is written)."""
    first, slash, _ = ref.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first.lower()
    return "docker.io"


def trusted(ref: str, allowed: list[str]) -> bool:
    repo = split_ref(ref)[0].lower()
    registry = registry_of(ref)
    full = repo if registry != "docker.io" or repo.startswith("docker.io/") else f"docker.io/{repo}"
    for entry in allowed:
        if entry in _DOCKER_HUB and registry == "docker.io":
            return True
        if registry == entry or full == entry or full.startswith(entry + "/"):
            return True
    return False


@rule("UntrustedRegistry", "Image from a registry not in the trusted list", "warning",
      summary="A base image or COPY --from image comes from a registry the project's "
              "config does not list as trusted.",
      explanation="""
      With `trusted-registries = ["docker.io", "ghcr.io/my-org"]` in `.stage-studio.toml`
      (or `[tool.stage-studio]` in pyproject.toml), every image a build pulls must come
      from one of them: a registry host, or a host and path prefix. An image without a
      registry comes from docker.io. Without the setting this rule is quiet.
      hadolint: DL3026.""",
      hadolint=("DL3026",),
      before="FROM quay.io/someone/base:1.0", after="FROM ghcr.io/my-org/base:1.0")
def untrusted_registry(ctx: LintContext):
    allowed = getattr(ctx.config, "trusted_registries", None) if ctx.config else None
    if not allowed:
        return
    for edge in ctx.doc.edges:
        ref = edge.source
        if isinstance(ref, str) and "$" not in ref and ref.lower() != "scratch" \
                and not trusted(ref, allowed):
            where = edge.instruction
            yield ctx.at(where, f"'{ref}' comes from {registry_of(ref)}, which is not among "
                                f"the trusted registries ({', '.join(allowed)})")
