"""Why dockerfile-parse's instruction splitter is not used for boundaries, and where
its helpers are used instead (word splitting and key/value parsing)."""
from __future__ import annotations

import io

from dockerfile_parse import DockerfileParser

from studio.core import parse
from studio.core.shell import arg_declarations
from studio.core.stages import copy_paths

TEXT = ("FROM alpine\nRUN <<EOF\necho hi\nEOF\n"
        "RUN apt-get update && \\\n    # note\n    apt-get install -y curl\n")


def structure(text: str) -> list[dict]:
    return DockerfileParser(fileobj=io.BytesIO(text.encode())).structure


def test_dockerfile_parse_turns_heredoc_bodies_into_instructions():
    theirs = [s["instruction"] for s in structure(TEXT)]
    assert "ECHO" in theirs and "EOF" in theirs  # the body line `echo hi` became an instruction
    ours = parse(TEXT)
    assert [i.keyword for i in ours.instructions] == ["FROM", "RUN", "RUN"]
    assert ours.instructions[1].heredocs[0].delimiter == "EOF"
    assert (ours.instructions[1].line, ours.instructions[1].end_line) == (2, 4)


def test_dockerfile_parse_folds_comments_out_of_continuations():
    theirs = structure(TEXT)
    comment = next(s for s in theirs if s["instruction"] == "COMMENT")
    run = theirs[-1]
    # The comment is moved out as its own entry and dropped from the RUN's content,
    # so the RUN's content is no longer the text of the file.
    assert "# note" not in run["content"] and comment["startline"] > run["startline"]
    ours = parse(TEXT)
    run_ours = ours.instructions[-1]
    assert "# note" in TEXT[run_ours.start:run_ours.end]
    assert run_ours.args == "apt-get update &&     apt-get install -y curl"


def test_dockerfile_parse_word_splitter_is_not_buildkits_lexer():
    """Its WordSplitter reads ``${V:-d}`` as ``$V`` followed by ``:-d}`` and knows no
    ``# escape=``: words go through studio.core.shell, which follows BuildKit's lexer."""
    from dockerfile_parse.util import WordSplitter

    assert list(WordSplitter("${V:-d}", args={"V": "x"}).split()) == ["x:-d}"]
    ins = parse('FROM a\nCOPY --from=a "my file" other\\ file /dst/\n').instructions[1]
    assert copy_paths(ins) == (["my file", "other file"], "/dst/")
    assert arg_declarations('A=1 B "C=x y"') == [("A", "1"), ("B", None), ("C", '"x y"')]
    assert parse('ARG A=1 B "C=x y"\nFROM x\n').meta_args == {"A": "1", "B": None, "C": "x y"}
