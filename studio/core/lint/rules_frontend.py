"""Flags newer than the Dockerfile frontend an engine has built in.

Lint checks a file against the newest Dockerfile syntax, so these flags are no errors. But
without a ``# syntax=`` line BuildKit parses the file with the frontend built into the
engine, and the built-in frontends of Docker 20.10 and 26.1 both refuse them ("unknown
flag: exclude", "unexpected key 'env' in 'env=T'"; tests/engine/test_lint_frontend.py
builds each on both engines). Flags only 20.10 refuses (``COPY --link``, ``RUN
--network``) are left alone: every engine since 23 knows them.
"""
from __future__ import annotations

from studio.core.flags import parse_mount
from studio.core.lint.context import LintContext
from studio.core.lint.registry import rule

# (keyword, flag) -> the `# syntax=` that knows it: the labs channel for labs-only flags
NEWER_FLAGS = {
    ("COPY", "exclude"): "docker/dockerfile:1-labs",
    ("COPY", "parents"): "docker/dockerfile:1-labs",
    ("ADD", "exclude"): "docker/dockerfile:1-labs",
    ("ADD", "unpack"): "docker/dockerfile:1-labs",
    ("RUN", "device"): "docker/dockerfile:1-labs",
    ("RUN", "security"): "docker/dockerfile:1-labs",
}
_SECRET_ENV_SYNTAX = "docker/dockerfile:1"


@rule("needs-newer-frontend", "Flag the built-in Dockerfile frontend refuses", "warning",
      summary="A flag newer than the Dockerfile frontend built into Docker 20.10 and 26.1, "
              "with no `# syntax=` line to fetch one that knows it.",
      explanation="""
      BuildKit reads a Dockerfile with a frontend. Without a `# syntax=` line on top it is
      the one built into the engine, and that one is as old as the engine: the frontends
      of Docker 20.10 and 26.1 refuse `COPY --exclude`, `COPY --parents`, `ADD --exclude`,
      `ADD --unpack`, `RUN --device`, `RUN --security` ("unknown flag: exclude") and a
      secret mount's `env=` key ("unexpected key 'env'"). Put `# syntax=docker/dockerfile:1`
      (or `:1-labs` for the labs flags) on the first line: BuildKit then fetches a
      frontend that knows them from Docker Hub. Or build on a newer Docker. With a
      `# syntax=` line the frontend it names decides, and this rule says nothing.""",
      before="FROM alpine:3.20\nCOPY --exclude=*.md . /src",
      after="# syntax=docker/dockerfile:1-labs\nFROM alpine:3.20\nCOPY --exclude=*.md . /src")
def needs_newer_frontend(ctx: LintContext):
    if "syntax" in getattr(ctx.doc, "directives", {}):
        return
    for ins in ctx.doc.instructions:
        if ins.stage is None:
            continue
        for flag in ins.flags:
            syntax = NEWER_FLAGS.get((ins.keyword, flag.name))
            if syntax is not None:
                yield ctx.finding(
                    f"{ins.keyword} --{flag.name} is newer than the Dockerfile frontend built into "
                    f"Docker 20.10 and 26.1 (they stop with \"unknown flag: {flag.name}\"); add "
                    f"`# syntax={syntax}` as the first line, or build on a newer Docker",
                    flag.start, flag.end, line=ins.line)
            elif ins.keyword == "RUN" and flag.name == "mount" and flag.value:
                kind, options, _ = parse_mount(flag.value)
                if kind == "secret" and "env" in options:
                    yield ctx.finding(
                        "a secret mount's env= is newer than the Dockerfile frontend built into "
                        "Docker 20.10 and 26.1 (they stop with \"unexpected key 'env'\"); add "
                        f"`# syntax={_SECRET_ENV_SYNTAX}` as the first line, or build on a newer Docker",
                        flag.start, flag.end, line=ins.line)
