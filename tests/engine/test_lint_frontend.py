"""needs-newer-frontend is the engines' word: each flag it warns about is built without a
``# syntax=`` line on both engines, which refuse it on that line in the words the warning
quotes; with a ``# syntax=`` line the named frontend decides and lint says nothing."""
from __future__ import annotations

import pytest

from studio.core import parse
from studio.core.lint import lint

B = "stage-studio-test/busybox:latest"
REFUSED = {  # step -> what both engines' built-in frontends say
    "COPY --exclude=*.md a.txt /a": "unknown flag: exclude",
    "COPY --parents a.txt /a": "unknown flag: parents",
    "ADD --exclude=*.md a.txt /a": "unknown flag: exclude",
    "ADD --unpack=true a.txt /a": "unknown flag: unpack",
    "RUN --device=/dev/null true": "unknown flag: device",
    "RUN --security=insecure true": "unknown flag: security",
    "RUN --mount=type=secret,id=t,env=T true": "unexpected key 'env'",
}


def _warned(text: str) -> list:
    return [f for f in lint(parse(text)) if f.code == "needs-newer-frontend"]


@pytest.mark.engine
@pytest.mark.parametrize("step", sorted(REFUSED))
def test_the_built_in_frontend_refuses_what_lint_warns_about(step, run_build, tmp_path):
    (tmp_path / "a.txt").write_text("a\n")
    text = f"FROM {B}\n{step}\n"
    _, result, _ = run_build(text, context=tmp_path)
    assert not result.ok and REFUSED[step] in result.error.message.lower(), result.error.message
    # on its line on both engines (26.1 names none for a mount key: found from its words),
    # and no hint about a secret the build was not given: the step never ran
    assert result.error.line == 2 and "was not given" not in result.error.message
    assert [s.state for s in result.stages] == ["failed"]
    (finding,) = _warned(text)
    assert finding.line == 2 and REFUSED[step] in finding.message and "# syntax=" in finding.message


@pytest.mark.parametrize("step", sorted(REFUSED))
def test_a_syntax_line_leaves_it_to_the_named_frontend(step):
    assert _warned(f"# syntax=docker/dockerfile:1-labs\nFROM {B}\n{step}\n") == []


def test_flags_every_engine_since_23_knows_are_not_warned_about():
    assert _warned(f"FROM {B}\nCOPY --link a /a\nRUN --network=none true\nADD --checksum=sha256:{'0' * 64} a /b\n"
                   "RUN --mount=type=secret,id=t,target=/t true\n") == []
