"""``stage-studio lint FILE|DIR... [--format text|json|sarif] [--target T] [--build-arg K=V]``:
check Dockerfiles headless, several per run with one summary. Text output reads like a
compiler's (``FILE:LINE: severity: message [code]``); the exit status is 2 when a file
cannot be read, else 1 when any finding (lint or parser) is an error, else 0. Each file
uses the nearest ``.stage-studio.toml`` (or ``[tool.stage-studio]``) above it."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from studio.core import parse
from studio.core.files import DockerfileReadError, check_in_place, read_dockerfile
from studio.core.lint import RULES, LintConfig, find_config, fix_all, lint, parser_only, rule_docs
from studio.core.lint.code_docs import NON_RULE_DOCS
from studio.core.lint.registry import find_rule, hadolint_rules
from studio.core.lint.config import parse_config
from studio.core.lint.sarif import column, to_sarif_many
from studio.core.options import no_target_message, parse_pairs, write_atomically
from studio.core.units import TerminalWriter

PROG = "stage-studio lint"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", nargs="*",
                        help="Dockerfiles or folders of them to check ('-' reads standard input)")
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--target", metavar="T",
                        help="the stage to build (name or index; default: the last)")
    parser.add_argument("--build-arg", metavar="K=V", action="append", default=[],
                        help="a build arg value (repeatable)")
    parser.add_argument("--config", metavar="PATH",
                        help="settings file (default: the nearest .stage-studio.toml, or "
                             "pyproject.toml with [tool.stage-studio], at or above each file)")
    parser.add_argument("--context", metavar="DIR",
                        help="the build context, for rules that look at its files (default: "
                             "each Dockerfile's folder; none for standard input)")
    parser.add_argument("--fix", action="store_true",
                        help="apply every safe quick fix to each FILE (written atomically), "
                             "then report what is left")
    parser.add_argument("--explain", metavar="CODE", help="print a rule's explanation and exit")
    parser.add_argument("--list-rules", action="store_true", help="list every rule and exit")


def run(args: argparse.Namespace) -> int:
    if args.list_rules:
        for code, r in sorted(RULES.items(), key=lambda item: not item[1].buildkit):
            kind = "buildkit" if r.buildkit else "studio"
            also = f"  (hadolint {', '.join(r.hadolint)})" if r.hadolint else ""
            print(f"{code:32} {r.severity:8} {kind:8} {r.summary}{also}")
        for code, r in sorted(NON_RULE_DOCS.items()):  # the parser's own codes, which lint prints too
            if code != "lint-internal":
                print(f"{code:32} {r.severity:8} {'parser':8} {r.summary}")
        return 0
    if args.explain:
        if find_rule(args.explain) is not None:
            sys.stdout.write(rule_docs(args.explain))
            return 0
        covering = hadolint_rules(args.explain)  # a hadolint code, as --list-rules shows them
        if not covering:
            print(f"{PROG}: no rule {args.explain!r} (see --list-rules)", file=sys.stderr)
            return 2
        names = ", ".join(r.code for r in covering)
        print(f"hadolint {args.explain.strip().upper()} is checked by {names}.\n")
        sys.stdout.write("\n".join(rule_docs(r.code) for r in covering))
        return 0
    if not args.file:
        print(f"{PROG}: give a Dockerfile to check", file=sys.stderr)
        return 2
    if "-" in args.file and (args.fix or len(args.file) > 1):
        why = "--fix rewrites a file; standard input cannot be fixed in place" if args.fix \
            else "standard input ('-') cannot be checked together with other files"
        print(f"{PROG}: {why}", file=sys.stderr)
        return 2
    if args.context and not os.path.isdir(args.context):
        print(f"{PROG}: --context {args.context}: not a folder", file=sys.stderr)
        return 2
    try:
        build_args = parse_pairs(args.build_arg)
        fixed_config = _config_file(args.config) if args.config else None
        paths = dockerfiles(args.file)
    except (OSError, ValueError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    several = len(paths) > 1 or any(os.path.isdir(p) for p in args.file)
    reports = [_check(path, args, build_args, fixed_config) for path in paths]
    _print(reports, args.format, several)
    if any(r.get("problem") for r in reports):
        return 2
    return 1 if any(d.severity == "error" for r in reports for d in r["items"]) else 0


def dockerfiles(names: list[str]) -> list[str]:
    """The files to check: each FILE, and the Dockerfiles inside each folder (Dockerfile,
    Containerfile, Dockerfile.*, *.Dockerfile, *.dockerfile; hidden folders skipped)."""
    out: list[str] = []
    for name in names:
        if name != "-" and os.path.isdir(name):
            found = sorted(str(p) for p in Path(name).rglob("*") if p.is_file() and _looks_like(p)
                           and not any(part.startswith(".") for part in p.relative_to(name).parts[:-1]))
            if not found:
                raise ValueError(f"{name}: no Dockerfiles in this folder")
            out.extend(found)
        else:
            out.append(name)
    return out


def _looks_like(path: Path) -> bool:
    name = path.name.lower()
    return (name in ("dockerfile", "containerfile") or name.startswith("dockerfile.")
            or name.endswith(".dockerfile") or name.endswith(".containerfile"))


def _config_file(path: str) -> LintConfig:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read it ({exc})") from None
    table = p.name == "pyproject.toml"
    config = parse_config(text, RULES, table=table, where=path)
    if config is None:
        raise ValueError(f"{path}: no [tool.stage-studio] table")
    return config


def _check(path: str, args, build_args: dict[str, str], config: LintConfig | None) -> dict:
    """One file's report: its items (findings and parser diagnostics), or the problem
    that kept it from being checked."""
    try:
        if args.fix:
            _check_in_place(path)
        text = _read(path)
        if config is None:
            config = find_config(Path(path).parent if path != "-" else Path.cwd(), RULES)
    except (OSError, ValueError) as exc:
        return {"path": path, "problem": str(exc), "items": []}
    target = args.target
    context_dir = args.context or (str(Path(path).parent) if path != "-" else None)
    if args.fix and parse(text).graph(target, build_args or None).target is not None:
        new_text, fixed = fix_all(text, build_args or None, target, config.enabled(RULES),
                                  context_dir=context_dir)
        if fixed:
            try:
                write_atomically(path, new_text.encode("utf-8"), "lint")
            except OSError as exc:
                return {"path": path, "problem": f"cannot write {path}: {exc.strerror or exc}", "items": []}
            text = new_text
        print(f"fixed {len(fixed)} problem(s) in {path}", file=sys.stderr)
    doc = parse(text)
    graph = doc.graph(target, build_args or None)
    if target is not None and graph.target is None:
        return {"path": path, "problem": f"{path}: {no_target_message(doc.stages, target)}", "items": []}
    findings = lint(doc, build_args or None, target, config=config, context_dir=context_dir)
    parser_diags = parser_only(graph.diagnostics, findings)
    every = sorted(list(findings) + parser_diags, key=lambda d: (d.line, d.start))
    return {"path": path, "doc": doc, "items": every}


def _print(reports: list[dict], fmt: str, several: bool) -> None:
    for r in reports:
        if r.get("problem"):
            print(f"{PROG}: {r['problem']}", file=sys.stderr)
    good = [r for r in reports if not r.get("problem")]
    if fmt == "json":
        files = [_json(r["path"], r["doc"], r["items"]) for r in good]
        files += [{"file": r["path"], "error": r["problem"], "findings": []}
                  for r in reports if r.get("problem")]
        if several:
            totals = _counts([d for r in good for d in r["items"]])
            totals.update(files=len(reports), unreadable=len(reports) - len(good))
            out = {"files": files, "summary": totals}
        else:
            out = files[0]
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
        return
    if fmt == "sarif":
        sys.stdout.write(json.dumps(to_sarif_many([(r["path"], r["doc"], r["items"]) for r in good]),
                                    indent=2) + "\n")
        return
    out = TerminalWriter(sys.stdout)  # a file name or a message quoting a name: never a raw escape code
    for r in good:
        for d in r["items"]:
            print(f"{r['path']}:{d.line}: {d.severity}: {d.message} [{d.code}]", file=out)
    counts = _counts([d for r in good for d in r["items"]])
    tally = f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} note(s)"
    if several:
        unread = len(reports) - len(good)
        print(f"{len(reports)} files: {tally}" + (f"; {unread} could not be read" if unread else ""),
              file=sys.stderr)
    elif any(r["items"] for r in good):
        print(tally, file=sys.stderr)


def _counts(items) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for d in items:
        counts[d.severity] = counts.get(d.severity, 0) + 1
    return counts


def _json(path: str, doc, items) -> dict:
    out = []
    for d in items:
        r = getattr(d, "rule", None)
        out.append({
            "code": d.code, "severity": d.severity, "line": d.line,
            "end_line": d.end_line or d.line, "column": column(doc, d), "message": d.message,
            "source": "lint" if r is not None else "parser",
            "rule": r.name if r is not None else None,
            "buildkit": bool(r.buildkit) if r is not None else False,
            "fixable": getattr(d, "fix", None) is not None,
            "fix": _fix_json(d),
        })
    return {"file": path, "findings": out, "summary": _counts(items)}


def _fix_json(d) -> dict | None:
    fix = getattr(d, "fix", None)
    if fix is None:
        return None
    return {"title": d.fix_title,
            "edits": [{"start": e.start, "end": e.end, "new_text": e.new_text} for e in fix()]}


def _check_in_place(path: str) -> None:
    try:
        check_in_place(path)
    except DockerfileReadError as exc:
        raise ValueError(str(exc)) from None


def _read(path: str) -> str:
    try:
        return read_dockerfile(path)
    except DockerfileReadError as exc:
        raise ValueError(str(exc)) from None
