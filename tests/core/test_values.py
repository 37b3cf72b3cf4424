"""``Document.instruction_values``: per instruction, the text after its keyword as one
logical line. The bulk path must equal the long way (``logical_line``) on any text, and
match dockerfile-parse's ``structure`` values where the two parsers agree."""
from __future__ import annotations

import io
import sys
from pathlib import Path

from dockerfile_parse import DockerfileParser
from hypothesis import given, settings

from studio.core import parse
from studio.core.values import instruction_value
from test_bulk_lexer import texts


def long_way(doc) -> list[str]:
    return [instruction_value(doc.text, ins.start, ins.content_end, doc.escape) for ins in doc.instructions]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(texts())
def test_bulk_values_equal_the_long_way(text):
    doc = parse(text)
    assert doc.instruction_values == long_way(doc)


def test_values_join_continuations_and_keep_flags():
    text = ("FROM a AS b\nRUN --mount=type=cache,target=/c \\\n    echo 1 && \\\n  # c\n\n    true  \n"
            "  run   lower  \nRU\\\nN split\nCOPY <<EOF /x\nbody\nEOF\nENV A=1 `\n B=2\nRUN tail \\")
    assert parse(text).instruction_values == [
        "a AS b", "--mount=type=cache,target=/c     echo 1 &&     true", "lower", "split", "<<EOF /x",
        "A=1 `", "", "tail"]  # (" B=2": the keyword is "B=2", nothing follows it)


def test_values_match_dockerfile_parse_structure_on_the_benchmark_file():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from benchlib import big_text

    text = big_text(12)
    parser = DockerfileParser(fileobj=io.BytesIO(b""))
    parser.content = text
    expected = [s["value"] for s in parser.structure if s["instruction"] != "COMMENT"]
    assert parse(text).instruction_values == expected
