"""``stage-studio lint FILE [--format text|json|sarif] [--target T] [--build-arg K=V]``:
check a Dockerfile headless. Text output reads like a compiler's
(``FILE:LINE: severity: message [code]``); the exit status is 1 when any finding (lint
or parser) is an error, 2 when the file cannot be read, else 0."""
from __future__ import annotations

import argparse
import json
import sys

from studio.core import parse
from studio.core.files import DockerfileReadError, read_dockerfile
from studio.core.lint import FACT_RULES, RULES, fix_all, lint, parser_only, rule_docs
from studio.core.lint.sarif import column, to_sarif
from studio.core.options import parse_pairs, write_atomically

PROG = "stage-studio lint"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", nargs="?", help="the Dockerfile to check ('-' reads standard input)")
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--target", metavar="T",
                        help="the stage to build (name or index; default: the last)")
    parser.add_argument("--build-arg", metavar="K=V", action="append", default=[],
                        help="a build arg value (repeatable)")
    parser.add_argument("--fix", action="store_true",
                        help="apply every safe quick fix to FILE (written atomically), then "
                             "report what is left")
    parser.add_argument("--explain", metavar="CODE", help="print a rule's explanation and exit")
    parser.add_argument("--list-rules", action="store_true", help="list every rule and exit")


def run(args: argparse.Namespace) -> int:
    if args.list_rules:
        for code, r in sorted(RULES.items(), key=lambda item: not item[1].buildkit):
            kind = "buildkit" if r.buildkit else "studio"
            print(f"{code:32} {r.severity:8} {kind:8} {r.summary}")
        return 0
    if args.explain:
        if args.explain not in RULES and args.explain not in FACT_RULES:
            print(f"{PROG}: no rule {args.explain!r} (see --list-rules)", file=sys.stderr)
            return 2
        sys.stdout.write(rule_docs(args.explain))
        return 0
    if not args.file:
        print(f"{PROG}: give a Dockerfile to check", file=sys.stderr)
        return 2
    if args.fix and args.file == "-":
        print(f"{PROG}: --fix rewrites a file; standard input cannot be fixed in place", file=sys.stderr)
        return 2
    try:
        text = _read(args.file)
        build_args = parse_pairs(args.build_arg)
    except (OSError, ValueError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    target = args.target
    if args.fix and parse(text).graph(target, build_args or None).target is not None:
        new_text, fixed = fix_all(text, build_args or None, target)
        if fixed:
            try:
                write_atomically(args.file, new_text.encode("utf-8"), "lint")
            except OSError as exc:
                print(f"{PROG}: cannot write {args.file}: {exc.strerror or exc}", file=sys.stderr)
                return 2
            text = new_text
        print(f"fixed {len(fixed)} problem(s) in {args.file}", file=sys.stderr)
    doc = parse(text)
    graph = doc.graph(target, build_args or None)
    if target is not None and graph.target is None:
        print(f"{PROG}: there is no stage {target!r} in {args.file}", file=sys.stderr)
        return 2
    findings = lint(doc, build_args or None, target)
    parser_diags = parser_only(graph.diagnostics, findings)
    every = sorted(list(findings) + parser_diags, key=lambda d: (d.line, d.start))
    if args.format == "json":
        sys.stdout.write(json.dumps(_json(args.file, doc, every), indent=2) + "\n")
    elif args.format == "sarif":
        sys.stdout.write(json.dumps(to_sarif(args.file, doc, every), indent=2) + "\n")
    else:
        for d in every:
            print(f"{args.file}:{d.line}: {d.severity}: {d.message} [{d.code}]")
        counts = _counts(every)
        if every:
            print(f"{counts['error']} error(s), {counts['warning']} warning(s), "
                  f"{counts['info']} note(s)", file=sys.stderr)
    return 1 if any(d.severity == "error" for d in every) else 0


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


def _read(path: str) -> str:
    try:
        return read_dockerfile(path)
    except DockerfileReadError as exc:
        raise ValueError(str(exc)) from None
