"""Explanations of the codes lint prints that are not lint rules: the parser's own
diagnostics (``studio.core.diagnostics``) and lint's note that a rule could not run. So
``stage-studio lint --explain CODE`` and the Problems panel explain every code lint
prints. Each parser entry's "before" makes the parser report the code and its "after"
does not (tests/core/test_explain_every_code.py checks both)."""
from __future__ import annotations

from studio.core.diagnostics import CODES
from studio.core.lint.findings import Rule


def _doc(code: str, name: str, summary: str, explanation: str, before: str, after: str) -> Rule:
    import textwrap

    return Rule(code, name, CODES.get(code, "info"), summary, textwrap.dedent(explanation).strip(),
                textwrap.dedent(before).strip("\n"), textwrap.dedent(after).strip("\n"))


_ENTRIES = [
    _doc("duplicate-directive", "Parser directive given twice",
         "A parser directive (syntax, escape, check) appears twice at the top of the file.",
         """
         Parser directives are the `# name=value` comments before the first instruction.
         BuildKit accepts each one once and refuses the file when one repeats, so decide
         on one value and delete the other line.
         """,
         "# escape=`\n# escape=\\\nFROM busybox\n", "# escape=`\nFROM busybox\n"),
    _doc("invalid-escape", "Escape directive is not \\ or `",
         "The `# escape=` directive names a character other than a backslash or a backtick.",
         """
         The escape character continues lines and escapes characters in arguments. BuildKit
         allows only `\\` (the default) or `` ` `` (handy on Windows paths) and refuses any
         other value.
         """,
         "# escape=|\nFROM busybox\n", "# escape=`\nFROM busybox\n"),
    _doc("unterminated-heredoc", "Heredoc without its terminator",
         "A `<<EOF` heredoc never reaches its terminator line, so it swallows the rest of the file.",
         """
         A heredoc's body runs until a line that holds only its delimiter (`EOF` for
         `<<EOF`). Without that line every following line, later instructions included,
         becomes part of the body. Add the terminator line, spelled exactly as after `<<`.
         """,
         "FROM busybox\nRUN <<EOF\necho hi\n", "FROM busybox\nRUN <<EOF\necho hi\nEOF\n"),
    _doc("empty-continuation-line", "Empty line inside a continued instruction",
         "A blank line sits between the lines of one instruction joined by line continuations.",
         """
         BuildKit skips such a line today but warns that empty continuation lines will
         become errors. Delete the blank line (a comment line in its place is fine).
         """,
         "FROM busybox\nRUN echo a && \\\n\n    echo b\n", "FROM busybox\nRUN echo a && \\\n    echo b\n"),
    _doc("unknown-instruction", "Unknown instruction",
         "The first word of an instruction is not a Dockerfile instruction.",
         """
         BuildKit refuses the whole file at an unknown instruction, often a typo (`RUNN`)
         or a shell command that lost its `RUN`, or the body of a heredoc that an older
         engine does not understand.
         """,
         "FROM busybox\nRUNN echo hi\n", "FROM busybox\nRUN echo hi\n"),
    _doc("instruction-before-from", "Instruction before the first FROM",
         "An instruction other than ARG comes before the first FROM.",
         """
         Before the first FROM there is no build stage yet, so only ARG (the build args that
         FROM lines may use), comments and parser directives may stand there. Move the
         instruction into a stage.
         """,
         "WORKDIR /src\nFROM busybox\n", "FROM busybox\nWORKDIR /src\n"),
    _doc("no-from", "No FROM instruction",
         "The file has no FROM, so there is no stage to build.",
         """
         Every build starts from a base: an image, `scratch` (empty), or an earlier stage.
         Add a FROM line before the instructions.
         """,
         "RUN echo hi\n", "FROM busybox\nRUN echo hi\n"),
    _doc("invalid-from", "FROM with the wrong arguments",
         "FROM takes an image and, optionally, `AS name`, and nothing else.",
         """
         BuildKit reads `FROM [--platform=...] IMAGE [AS NAME]`: one argument, or three with
         `AS` in the middle. Anything else (a missing name after AS, an extra word) is an
         error.
         """,
         "FROM busybox AS\n", "FROM busybox AS base\n"),
    _doc("invalid-stage-name", "Stage name BuildKit refuses",
         "A stage name must start with a letter and hold only letters, digits, '.', '_' and '-'.",
         """
         BuildKit checks stage names against `^[a-z][a-z0-9._-]*$` (case-insensitively)
         and refuses the file otherwise. A stage without a name can be used by number
         (`COPY --from=0`), but a name says what it is for.
         """,
         "FROM busybox AS 2build\n", "FROM busybox AS build2\n"),
    _doc("unknown-stage-index", "Stage number that does not exist",
         "A `--from=N` names a stage number the file does not have.",
         """
         Stages are numbered from 0 in file order, and a reference must name an earlier
         stage. Use the stage's name instead of its number where you can: names do not
         shift when a stage is added above.
         """,
         "FROM busybox\nCOPY --from=3 /a /a\n",
         "FROM busybox AS build\nRUN touch /a\n\nFROM busybox\nCOPY --from=build /a /a\n"),
    _doc("from-same-stage", "Stage that uses itself",
         "A stage copies or mounts from itself, which can never be built.",
         """
         A stage's files exist only once it is built, so it cannot `COPY --from` or
         `--mount from=` itself; BuildKit reports a circular dependency. Copy from the
         earlier stage that makes the files.
         """,
         "FROM busybox AS app\nCOPY --from=app /a /b\n",
         "FROM busybox AS build\nRUN touch /a\n\nFROM busybox AS app\nCOPY --from=build /a /b\n"),
    _doc("from-later-stage", "Stage that uses a later stage",
         "A stage copies from (or mounts) a stage defined further down the file.",
         """
         A stage may use only stages defined above it. While the target does not need the
         stage that reaches down, the build passes and this is a warning; once it does, it
         is an error: Docker 26 refuses the file ("cannot copy from stage ..., it needs to
         be defined before the current stage"), Docker 20.10 finds the later stage empty,
         and the classic builder never finds it. Move the stage it uses above it.
         """,
         "FROM busybox AS app\nCOPY --from=build /a /a\n\nFROM busybox AS build\nRUN touch /a\n",
         "FROM busybox AS build\nRUN touch /a\n\nFROM busybox AS app\nCOPY --from=build /a /a\n"),
    _doc("stage-cycle", "Stages that depend on each other in a circle",
         "Two or more stages use each other, so none of them can be built first.",
         """
         Follow the arrows in the graph: each stage needs the next one built first, and
         the last needs the first. BuildKit refuses such a file ("circular dependency").
         Break the circle by moving what one stage needs into a stage of its own.
         """,
         "FROM busybox AS a\nCOPY --from=b /b /b\n\nFROM busybox AS b\nCOPY --from=a /a /a\n",
         "FROM busybox AS a\nRUN touch /a\n\nFROM busybox AS b\nCOPY --from=a /a /a\n"),
    _doc("malformed-mount", "RUN --mount that cannot be read",
         "A `RUN --mount=...` flag has an unknown type or option, or an option without its value.",
         """
         BuildKit refuses the step. A mount is a comma-separated list such as
         `type=cache,target=/root/.cache`; the types are bind, cache, tmpfs, secret and
         ssh, each with its own options.
         """,
         "FROM busybox\nRUN --mount=type=cach,target=/c true\n",
         "FROM busybox\nRUN --mount=type=cache,target=/c true\n"),
    _doc("session-mount", "Secret or SSH mount: the build must supply it",
         "A `RUN --mount=type=secret` or `type=ssh` step reads something the build command gives.",
         """
         The secret's value (or the SSH agent) never enters the image: whoever builds
         passes it, as `--secret id=ID,src=FILE` or `--ssh default` to docker build or
         `stage-studio build`, or in Build > Secrets and SSH. Without it a secret's file
         is absent and an SSH step cannot reach the agent. This note needs no change to
         the file; "after" below shows the same step building with nothing to supply.
         """,
         "FROM busybox\nRUN --mount=type=secret,id=npm cat /run/secrets/npm\n",
         "FROM busybox\nRUN --mount=type=cache,target=/c true\n"),
    _doc("unknown-target", "--target names no stage",
         "The stage chosen with --target (or the build bar's target) is not in the file.",
         """
         A target is a stage name (case-insensitive). Stage Studio also takes the number of
         a stage, `1` or `#1`, which is how it names an unnamed stage; docker build's own
         `--target` takes names only, so give the stage a name (`FROM ... AS name`) to
         build it there.
         """,
         "FROM busybox AS build\n(built with --target biuld)", "FROM busybox AS build\n(built with --target build)"),
    _doc("empty-from-variable", "FROM whose variable is empty",
         "The base image in FROM comes out empty after its ARG is expanded.",
         """
         A FROM line can use build args declared before the first FROM. When the arg has
         no default and the build does not pass it, the base is blank and BuildKit stops.
         Give the ARG a default, or pass `--build-arg NAME=VALUE`.
         """,
         "ARG BASE\nFROM ${BASE}\n", "ARG BASE=busybox\nFROM ${BASE}\n"),
    _doc("from-expansion-error", "FROM variable BuildKit cannot expand",
         "The variable syntax in a FROM line is one BuildKit refuses, such as `${NAME:?}` with NAME unset.",
         """
         BuildKit expands `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME:+alt}` and
         `${NAME:?message}` (which fails when NAME is empty). Fix the braces, or give the
         arg a value.
         """,
         "ARG TAG\nFROM busybox:${TAG:?set-TAG}\n", "ARG TAG=1.36\nFROM busybox:${TAG:?set-TAG}\n"),
    _doc("arg-expansion-error", "ARG default BuildKit cannot expand",
         "The default of an ARG before the first FROM uses variable syntax BuildKit refuses.",
         """
         Args before the first FROM may use earlier args in their defaults, with the same
         expansion rules as FROM. A `${NAME:?message}` on an empty arg, or a broken brace,
         stops the build before any stage starts.
         """,
         "ARG A\nARG B=${A:?needs-A}\nFROM busybox\n", "ARG A=x\nARG B=${A:?needs-A}\nFROM busybox\n"),
    _doc("line-too-long", "Line longer than BuildKit reads",
         "One line of the file is longer than 65,536 bytes.",
         """
         BuildKit reads a Dockerfile line by line with a 64 KiB buffer and refuses the file
         at a longer line, often a generated RUN or a pasted blob. Split it with line
         continuations, or move the data into a file that the build copies.
         """,
         "FROM busybox\nRUN echo <70,000 characters>\n", "FROM busybox\nRUN echo <the first half> \\\n    <the rest>\n"),
    _doc("lint-internal", "A lint rule could not run",
         "One lint rule stopped with an error; the other rules ran and their findings stand.",
         """
         This is a bug in Stage Studio, not a problem in the Dockerfile: the message names
         the rule and the error. Please report it with the file (or the smallest part of it
         that still shows the note). `# stage-studio ignore=CODE` or `disable = ["CODE"]`
         in `.stage-studio.toml` turns that one rule off meanwhile.
         """,
         "(a file on which a rule fails)", "(the same file, once the rule is fixed)"),
]

NON_RULE_DOCS: dict[str, Rule] = {r.code: r for r in _ENTRIES}
