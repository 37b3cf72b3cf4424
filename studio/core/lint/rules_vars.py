"""Rules about variables: undefined ones (BuildKit's UndefinedVar) and secrets passed
through ARG or ENV (BuildKit's SecretsUsedInArgOrEnv and our secret-mount advice)."""
from __future__ import annotations

import difflib
import re

from studio.core.lint.context import PROXY_ARGS, LintContext
from studio.core.lint.registry import rule
from studio.core.shell import key_values, var_refs
from studio.core.model import Instruction

# Instructions whose words BuildKit itself expands (RUN, CMD... are left to the shell).
EXPANDED = frozenset({"ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER",
                      "VOLUME", "WORKDIR", "ARG"})
# BuildKit reads the real base image's environment; lint cannot, so it assumes the
# variables official images commonly set, to avoid false alarms.
IMAGE_ENV = frozenset({
    "PATH", "HOME", "HOSTNAME", "LANG", "LC_ALL", "TERM", "USER", "PWD", "SHELL",
    "GOPATH", "GOLANG_VERSION", "GOTOOLCHAIN", "JAVA_HOME", "JAVA_VERSION", "NODE_VERSION",
    "YARN_VERSION", "PYTHON_VERSION", "PYTHON_SHA256", "GPG_KEY", "RUSTUP_HOME",
    "CARGO_HOME", "RUST_VERSION", "NGINX_VERSION", "MAVEN_HOME", "MAVEN_CONFIG",
    "GRADLE_HOME", "GRADLE_VERSION", "PHP_VERSION", "RUBY_VERSION", "GEM_HOME",
    "BUNDLE_APP_CONFIG", "DEBIAN_FRONTEND",
})

_DENY = re.compile(r"(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|"
                   r"passwd|secret|token)(?:_|$)")
_ALLOW = re.compile(r"(?i)(?:_|^)(?:public|file|version)(?:_|$)")
_SECRETISH = re.compile(r"(?i)password|passwd|token|secret|api_?key|private_?key|credential")


def _declared(ins: Instruction) -> list[str]:
    if ins.keyword == "ARG":
        return [k for k, _ in key_values(ins.args, allow_legacy=False)[0]]
    if ins.keyword == "ENV":
        return [k for k, _ in key_values(ins.args)[0]]
    return []


@rule("UndefinedVar", "Undefined variable", "warning", buildkit=True,
      summary="Variables should be defined before their use.",
      explanation="""
      BuildKit expands `$VAR` in instructions such as COPY, ADD, ENV, WORKDIR and LABEL
      using the stage's ARGs and ENVs. A name that is not defined there expands to an
      empty string, silently: often a typo (`$PAHT`) or a global ARG that was not
      re-declared inside the stage (global ARGs are only visible in FROM lines until you
      repeat `ARG NAME` in the stage). Variables the base image sets are fine; lint only
      knows the common ones.""",
      before="FROM alpine\nCOPY $foo .", after="FROM alpine\nARG foo\nCOPY $foo .")
def undefined_var(ctx: LintContext):
    env_after: dict[int, set[str]] = {}
    for stage in ctx.stages:
        if stage.base_stage is not None and stage.base_stage in env_after:
            env = set(env_after[stage.base_stage])
        else:
            env = set(IMAGE_ENV)
        args: set[str] = set(PROXY_ARGS)
        for ins in stage.instructions:
            if ins.keyword in EXPANDED:
                known = env | args
                texts = [ins.args] + [f.value for f in ins.flags if f.value]
                reported = set()
                for text in texts:
                    for ref in var_refs(text, ctx.escape):
                        if ref.name in known or ref.name in reported or ref.name.isdigit():
                            continue
                        reported.add(ref.name)
                        hint = difflib.get_close_matches(ref.name, sorted(known), n=1)
                        tail = f" (did you mean ${hint[0]}?)" if hint else ""
                        yield ctx.at(ins, f"Usage of undefined variable '${ref.name}'{tail}")
            if ins.keyword == "ARG":
                args.update(_declared(ins))
            elif ins.keyword == "ENV":
                env.update(_declared(ins))
        env_after[stage.index] = env


@rule("SecretsUsedInArgOrEnv", "Secret in ARG or ENV", "warning", buildkit=True,
      summary="Potentially sensitive data should not be used in the ARG or ENV commands.",
      explanation="""
      Values of `ARG` and `ENV` are recorded in the image: ENV in its configuration, and
      build args in the history of every layer whose RUN uses them (`docker history`
      shows them). Anyone who can pull the image can read them. Pass secrets with
      `RUN --mount=type=secret` and `docker build --secret` instead. BuildKit flags
      names whose first or last word (split at `_`) is key, token, secret, password,
      auth or credential(s), unless a word says public, file or version.""",
      before="FROM alpine\nARG AWS_SECRET_ACCESS_KEY",
      after="FROM alpine\nRUN --mount=type=secret,id=aws_key,env=AWS_SECRET_ACCESS_KEY \\\n"
            "    ./deploy.sh")
def secrets_used_in_arg_or_env(ctx: LintContext):
    for ins in ctx.doc.instructions:
        for key in _declared(ins):
            if _DENY.search(key) and not _ALLOW.search(key):
                yield ctx.at(ins, "Do not use ARG or ENV instructions for sensitive data "
                                  f'({ins.keyword} "{key}")')


@rule("secret-via-build-arg", "Secret passed to RUN through ARG/ENV", "warning",
      summary="A RUN step reads a secret from an ARG or ENV; mount it as a build secret.",
      explanation="""
      A token or password given as a build arg (or set with ENV) and then used by `RUN`
      stays readable in the image: ENV values are in its configuration and build args
      used by a RUN are written into the layer's history. A secret mount gives the value
      to that one RUN step only and never stores it:
      `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci` with
      `docker build --secret id=npm_token,env=NPM_TOKEN .` (or read the file
      `/run/secrets/<id>`). In a builder stage that the final image does not build on,
      the value stays out of the shipped image but still sits in that stage's layers and
      in the build cache, so the finding is only informational there. Stage Studio
      builds serve secrets through a BuildKit session, as the docker CLI does:
      `stage-studio build --secret id=npm_token,env=NPM_TOKEN`, or Build > Secrets and
      SSH in the window.""",
      before="FROM node:20-slim\nARG NPM_TOKEN\nRUN NPM_TOKEN=$NPM_TOKEN npm ci",
      after="FROM node:20-slim\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci")
def secret_via_build_arg(ctx: LintContext):
    shipped = set(ctx.final_chain)
    for stage in ctx.stages:
        for i, ins in enumerate(stage.instructions):
            for key in _declared(ins):
                if not _SECRETISH.search(key):
                    continue
                users = [r for r in stage.instructions[i + 1:]
                         if r.keyword == "RUN" and _mentions(ctx, r, key)]
                if not users:
                    continue
                lines = ", ".join(str(r.line) for r in users)
                advice = (f"{ins.keyword} {key} is used by RUN on line {lines}: use "
                          f"RUN --mount=type=secret,id={key.lower()},env={key} instead")
                if stage.index in shipped:
                    yield ctx.at(ins, advice + " so the value never lands in the image")
                else:
                    yield ctx.at(ins, advice + "; this stage does not ship, but the value "
                                      "still lands in its layers and the build cache",
                                 severity="info")


def _mentions(ctx: LintContext, run: Instruction, name: str) -> bool:
    bodies = "".join(ctx.text[h.body_start:h.body_end] for h in run.heredocs)
    return any(r.name == name for r in var_refs(run.args + "\n" + bodies, ctx.escape))
