"""Turn an engine error into "which stage, which line, why" for the user."""
from __future__ import annotations

import re

from studio.core.shell import newer_form, var_refs
from studio.engine.events import BuildFailed
from studio.engine.mapping import StageMap

_SGR = re.compile(r"\x1b\[[0-9;:]*m")  # colour and style codes (Select Graphic Rendition)
_EXIT = re.compile(r"(?:exit code: |returned a non-zero code: )(\d+)")
_PARSE_LINE = re.compile(r"(?:dockerfile parse error|parse error) (?:on )?line (\d+)", re.I)
_METADATA = re.compile(r"load metadata for (\S+)")
_PROCESS = re.compile(r'failed to process "((?:[^"\\]|\\.)*)": (.*)')
_PULL_HINTS = ("pull access denied", "not found", "manifest unknown", "proxyconnect",
               "failed to do request", "no such host", "repository does not exist",
               "failed to resolve source metadata", "connection refused")


def strip_ansi(text: str) -> str:
    """Text without terminal colour codes (the classic builder colours a RUN's stderr), for
    summaries. Any other escape sequence is kept: it is what the step printed, and the
    text output shows it escaped (``for_terminal``), --json as it came."""
    return _SGR.sub("", text) if "\x1b" in text else text


def for_terminal(text: str) -> str:
    """Build output as the text output prints it: colour codes dropped, every other control
    character (the ESC of a title-setting OSC or a clear-screen CSI, a BEL, a CR) shown as
    ``\\xNN`` the way ``units.visible`` shows a file name, tabs kept. A step's output then
    can never drive the user's terminal, whichever backend ran it."""
    if text.isprintable():
        return text
    from studio.core.units import visible

    text = strip_ansi(text)
    return "\t".join(visible(part) for part in text.split("\t")) if "\t" in text else visible(text)


def lines_for_terminal(lines: list[str]) -> list[str]:
    """``for_terminal`` for many lines, checked at once (a log chunk is thousands of lines)."""
    from studio.core.units import plain_ascii

    joined = "".join(lines)
    if plain_ascii(joined, "\t") or joined.replace("\t", " ").isprintable():
        return lines
    return [for_terminal(line) for line in lines]


_MOUNT_KEY = re.compile(r"unexpected key '[^']*' in '([^']*)'")


def exit_code(message: str) -> int | None:
    m = _EXIT.search(message or "")
    return int(m.group(1)) if m else None


def explain(message: str, stage_map: StageMap, stage: int | None = None, line: int | None = None,
            last_log: list[str] | None = None, vertex_name: str = "") -> BuildFailed:
    """A BuildFailed whose message says what went wrong where, with a hint when we know one."""
    message = (message or "the build failed").strip()
    hint = ""
    m = _PARSE_LINE.search(message)
    if m and line is None:
        line = int(m.group(1))
        stage = stage_map.stage_of_line(line)
        hint = _parse_hint(message, stage_map, line)
    meta = _METADATA.search(vertex_name) or _METADATA.search(message)
    if meta and line is None:
        hits = stage_map.from_lines_for_image(meta.group(1))
        if hits:
            stage, line = hits[0]
        hint = f"the base image {meta.group(1)} is not available locally and cannot be pulled"
    elif any(h in message for h in _PULL_HINTS) and vertex_name.upper().startswith("FROM "):
        image = vertex_name.split()[1] if len(vertex_name.split()) > 1 else "the base image"
        hint = f"the base image {image} is not available locally and cannot be pulled"
    syntax = (getattr(stage_map.document, "directives", None) or {}).get("syntax")
    if syntax and line is None and ("frontend gateway" in message or syntax.split(":")[0] in message):
        line = _directive_line(stage_map.document)
        hint = (f"the '# syntax={syntax}' line asks the engine to pull that Dockerfile frontend, which "
                "failed; without the line the engine uses its built-in frontend")
    if "no active sessions" in message:
        mounts = stage_map.session_mount_lines()
        if mounts:
            stage, line, kind = mounts[0]
            hint = (f"RUN --mount=type={kind} needs a BuildKit session, which this build did not open "
                    "(--no-session, or an engine without sessions)")
        else:
            hint = "this build needs a client session, which builds through the Engine API do not have"
    refused = _MOUNT_KEY.search(message)
    if refused and line is None:  # Docker 26.1 names no line for a mount option it refuses
        lines = {ins.line for ins in getattr(stage_map.document, "instructions", [])
                 for f in ins.flags if f.name == "mount" and refused.group(1) in (f.value or "")}
        if len(lines) == 1:
            line = lines.pop()
            stage = stage_map.stage_of_line(line)
    processed = _PROCESS.search(message)
    if processed and line is None:
        line, hint = _expansion_hint(processed.group(1).replace('\\"', '"'), processed.group(2), stage_map)
        stage = stage_map.stage_of_line(line) if line is not None else stage
    if "max allowed size of 65535" in message and line is None:
        long_lines = [d for d in getattr(stage_map.document, "diagnostics", []) if d.code == "line-too-long"]
        if long_lines:
            line, stage = long_lines[0].line, stage_map.stage_of_line(long_lines[0].line)
            hint = "split it with a line continuation"
    text = _first_line(message)
    own = []
    if hint:
        own.append(f" ({hint})")
        text = f"{text} ({hint})"
    if line is not None:
        own.append(f"line {line}: ")
        text = f"line {line}: {text}"
    return BuildFailed(text, stage, line, exit_code(message), list(last_log or []), own)


def session_input_hint(stage_map: StageMap, line: int | None, secret_ids, ssh_ids) -> str:
    """When a failed step mounts a secret or an SSH agent the build was not given, the flag
    that gives it (a missing secret fails only a ``required`` mount; otherwise the file
    is just absent and the step fails later for its own reasons)."""
    import posixpath

    for st in stage_map.graph.stages:
        for ins in st.instructions:
            if ins.line != line:
                continue
            for mount in getattr(ins, "mounts", []) or []:
                opts = mount.options
                if mount.type == "secret":
                    target = opts.get("target") or opts.get("dst") or opts.get("destination") or ""
                    ident = opts.get("id") or posixpath.basename(target)
                    if ident and ident not in secret_ids:
                        return (f"this step mounts the secret '{ident}', which the build was not given"
                                f"{_other_case(ident, secret_ids)}: add --secret id={ident},src=FILE "
                                "(or env=VARIABLE)")
                elif mount.type == "ssh":
                    ident = opts.get("id") or "default"
                    if ident not in ssh_ids:
                        if _other_case(ident, ssh_ids):
                            return (f"this step uses the SSH agent '{ident}', which the build was not given"
                                    f"{_other_case(ident, ssh_ids)}: add --ssh {ident}=SOCKET")
                        flag = "--ssh default" if ident == "default" else f"--ssh {ident}=SOCKET"
                        return f"this step uses the SSH agent '{ident}', which the build was not given: add {flag}"
    return ""


def _other_case(ident: str, given) -> str:
    """When the build was given the ID in another case: say so (IDs are case-sensitive)."""
    alike = sorted(g for g in given if g.lower() == ident.lower() and g != ident)
    if not alike:
        return ""
    return f"; IDs are case-sensitive, and {' and '.join(alike)} {'was' if len(alike) == 1 else 'were'} given"


def _expansion_hint(word: str, error: str, stage_map: StageMap) -> tuple[int | None, str]:
    """The line holding a word BuildKit could not expand, and the release that added its
    form when this engine's frontend is older (Docker 20.10: "missing ':' in substitution")."""
    document = stage_map.document
    line = None
    for ins in getattr(document, "instructions", []):
        if word and word in ins.args or any(word == f.value for f in ins.flags):
            line = ins.line
            break
    if "missing ':'" not in error and "unsupported modifier" not in error:
        return line, ""
    for ref in var_refs(word):
        versions = newer_form(ref)
        if versions is not None:
            syntax, buildkit, engine = versions
            form = word[ref.offset:ref.end]
            return line, (f"this engine's Dockerfile frontend does not know {form}; Docker Engine {engine} "
                          f"(BuildKit {buildkit}, Dockerfile syntax {syntax}) added it")
    return line, ""


def _directive_line(document) -> int | None:
    text = getattr(document, "text", "")
    for node in getattr(document, "nodes", []):
        if node.kind == "directive" and "syntax" in text[node.start:node.end].lower():
            return node.line
    return None


def _parse_hint(message: str, stage_map: StageMap, line: int) -> str:
    if "Unknown flag: link" in message:
        return "COPY --link needs a newer Dockerfile frontend than this engine has (Docker 23 or later)"
    if "unknown instruction" in message.lower():
        for st in stage_map.graph.stages:
            for ins in [st.from_instruction, *st.instructions]:
                for doc in getattr(ins, "heredocs", []) or []:
                    if doc.line <= line <= doc.end_line or ins.line == line:
                        return "this engine's Dockerfile frontend does not support heredocs (Docker 23 or later does)"
    return ""


_OUTSIDE_NAME = re.compile(r"\.dockerfile\.[0-9a-f]{20}")  # build_request.outside_name


def _first_line(message: str) -> str:
    lines = [ln for ln in message.splitlines() if ln.strip()]
    text = lines[0] if lines else message
    for prefix in ("failed to solve with frontend dockerfile.v0: ", "failed to solve with frontend gateway.v0: ",
                   "failed to create LLB definition: ", "failed to solve: "):
        text = text.replace(prefix, "")
    text = _OUTSIDE_NAME.sub("the Dockerfile", text)  # our upload's name means nothing to the user
    return text[:500]
