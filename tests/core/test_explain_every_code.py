"""``stage-studio lint --explain CODE`` knows every code lint can print: the lint rules',
the parser's own (a trial found lint printing codes that --explain did not know) and
lint's note that a rule could not run. Each parser explanation's "before" makes the
parser report its code and its "after" is clean."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from studio.core import parse
from studio.core.diagnostics import CODES
from studio.core.lint import FACT_RULES, RULES, lint
from studio.core.lint.code_docs import NON_RULE_DOCS
from studio.core.lint.registry import find_rule, rule_docs

STUDIO = Path(__file__).resolve().parents[2] / "studio"
CORPUS = Path(__file__).resolve().parent / "corpus"


def literal_codes() -> set[str]:
    """Every code written as a literal where findings and diagnostics are made."""
    found: set[str] = set()
    for path in (STUDIO / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name == "make" and isinstance(node.args[0].value, str):
                    found.add(node.args[0].value)
                if name == "Finding" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                    found.add(node.args[1].value)
            if isinstance(node, ast.Tuple) and len(node.elts) == 5 and isinstance(node.elts[0], ast.Constant) \
                    and node.elts[0].value in CODES:  # syntax.py's (code, message, line, start, end)
                found.add(node.elts[0].value)
    return found


def every_printable_code() -> set[str]:
    emitted = set()
    for path in CORPUS.glob("*"):
        text = path.read_text(errors="replace")
        doc = parse(text)
        emitted |= {d.code for d in doc.graph().diagnostics} | {f.code for f in lint(doc)}
    codes = set(RULES) | set(FACT_RULES) | set(CODES) | literal_codes() | emitted
    assert emitted and "lint-internal" in codes and "unterminated-heredoc" in codes
    return codes


@pytest.mark.parametrize("code", sorted(every_printable_code()))
def test_every_code_lint_can_print_is_explained(code):
    assert find_rule(code) is not None, code
    text = rule_docs(code)
    assert not text.startswith("Unknown") and "Before:" in text and "After:" in text


def test_the_cli_explains_parser_codes_and_both_spellings():
    for code in ("unterminated-heredoc", "duplicate-stage-name", "DuplicateStageName", "lint-internal"):
        proc = subprocess.run([sys.executable, "-m", "studio", "lint", "--explain", code],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0 and proc.stdout.startswith("# "), (code, proc.stderr)
    proc = subprocess.run([sys.executable, "-m", "studio", "lint", "--explain", "no-such-code"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2


NOT_FROM_A_FILE = {"unknown-target", "lint-internal", "line-too-long"}  # (a --target; a bug; made below)


@pytest.mark.parametrize("code", sorted(set(NON_RULE_DOCS) - NOT_FROM_A_FILE))
def test_a_parser_explanation_shows_the_code_and_its_cure(code):
    entry = NON_RULE_DOCS[code]
    before = parse(entry.example_before + "\n").graph().diagnostics
    after = parse(entry.example_after + "\n").graph().diagnostics
    assert code in {d.code for d in before}, (code, before)
    assert after == [], (code, after)  # the cure leaves nothing to report


def test_the_long_line_and_target_explanations_describe_what_the_parser_does():
    assert "line-too-long" in {d.code for d in parse("FROM busybox\nRUN echo " + "x" * 70_000 + "\n").graph().diagnostics}
    doc = parse("FROM busybox AS build\n")
    assert "unknown-target" in {d.code for d in doc.graph("biuld").diagnostics}
    assert "unknown-target" not in {d.code for d in doc.graph("build").diagnostics}


def test_every_hadolint_code_that_list_rules_names_can_be_explained(capsys):
    """--list-rules prints "(hadolint DL3006, DL3007)" beside a rule; --explain DL3007 then
    explains the rules that cover it (it once said there was no such rule)."""
    from studio.cli import main

    assert main(["lint", "--list-rules"]) == 0
    listed = capsys.readouterr().out
    codes = {code for rule in RULES.values() for code in (rule.hadolint or ())}
    assert codes and all(code in listed for code in codes)
    for code in sorted(codes):
        assert main(["lint", "--explain", code.lower()]) == 0
        out = capsys.readouterr().out
        covering = [r.code for r in RULES.values() if code in (r.hadolint or ())]
        assert out.startswith(f"hadolint {code} is checked by ")
        assert all(f"# {name}:" in out for name in covering), (code, covering)
    assert main(["lint", "--explain", "DL9999"]) == 2
    assert "no rule 'DL9999'" in capsys.readouterr().err
