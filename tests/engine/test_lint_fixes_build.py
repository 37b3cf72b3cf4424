"""Quick fixes never break a build: each fixable rule's fix is applied to Dockerfiles that
trigger it, and both versions are built on the real engine. Where the rule is about
size, the fixed image is no larger.

The package managers are offline stand-ins (tests/engine/data/fakepm) that behave as the
real ones do where it matters: apt-get install fails without the lists apt-get update
writes, apk/pip/yum leave caches unless told not to, useradd writes lastlog records.
"""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from studio.core import parse
from studio.core.lint import fix_all, lint

B = "stage-studio-test/busybox:latest"
TOOLS = Path(__file__).parent / "data" / "fakepm"
HEAD = f"FROM {B}\nCOPY bin/ /usr/bin/\n"
SIZE_RULES = {"package-cache", "ApkAddWithoutNoCache", "AptInstallRecommends",
              "UseraddWithoutNoLogInit", "ConsecutiveRunInstructions", "add-instead-of-copy"}

# (rule, Dockerfile that triggers it); several per rule where the fix has cases.
CASES = [
    ("package-cache", HEAD + "RUN apt-get update && apt-get install -y curl\n"),
    ("package-cache", HEAD + "RUN pip install flask\n"),
    ("package-cache", HEAD + "RUN yum install -y gcc\n"),
    ("package-cache", HEAD + "RUN apt-get update && apt-get install -y curl\nRUN echo done\n"),
    ("ApkAddWithoutNoCache", HEAD + "RUN apk add curl\n"),
    ("ApkAddWithoutNoCache", HEAD + "RUN apk update && apk add curl git\n"),
    ("AptInstallRecommends", HEAD + "RUN apt-get update && apt-get install -y curl "
                                    "&& rm -rf /var/lib/apt/lists/*\n"),
    ("UseraddWithoutNoLogInit", HEAD + "RUN useradd -u 100000 app\n"),
    ("ConsecutiveRunInstructions", HEAD + "RUN echo a > /a\nRUN echo b >> /a\n"),
    ("ConsecutiveRunInstructions", HEAD + "RUN apk add curl\nRUN rm -rf /var/cache/apk\n"),
    ("MaintainerDeprecated", f"FROM {B}\nMAINTAINER Ada <ada@example.com>\n"),
    ("StageNameCasing", f"FROM {B} AS Build\nRUN echo > /x\nFROM {B}\nCOPY --from=Build /x /x\n"),
    ("FromAsCasing", f"FROM {B} as build\nRUN echo > /x\n"),
    ("NoEmptyContinuation", f"FROM {B}\nRUN echo a \\\n\n  b\n"),
    ("ConsistentInstructionCasing", f"FROM {B}\nRUN echo a\nrun echo b\nRUN echo c\n"),
    ("JSONArgsRecommended", f"FROM {B}\nCMD httpd -f -p 8080\n"),
    ("MultipleInstructionsDisallowed", f"FROM {B}\nCMD [\"a\"]\nCMD [\"b\"]\n"),
    ("LegacyKeyValueFormat", f"FROM {B}\nENV A some value\nLABEL k v\n"),
    ("RedundantTargetPlatform", f"FROM --platform=$TARGETPLATFORM {B}\n"),
    ("ExposeProtoCasing", f"FROM {B}\nEXPOSE 80/TCP\n"),
    ("ExposeInvalidFormat", f"FROM {B}\nEXPOSE 8080:80\n"),
    ("copy-from-index", f"FROM {B}\nRUN echo > /x\nFROM {B}\nCOPY --from=0 /x /x\n"),
    ("copy-from-index", f"FROM {B} AS one\nRUN echo > /x\nFROM {B}\nCOPY --from=0 /x /x\n"),
    ("add-instead-of-copy", f"FROM {B}\nADD a.txt /a.txt\n"),
]

# Files where a tempting fix would break the build: every fix lint offers must still build.
EVERY_FIX = [
    # The case: the lists come from the first RUN and the third still needs them.
    HEAD + "RUN apt-get update\nRUN apt-get install -y curl\nRUN apt-get install -y vim\n",
    HEAD + "RUN apt-get update && apt-get install -y curl\nRUN apt-get install -y vim\n",
    f"FROM {B} AS base\nCOPY bin/ /usr/bin/\nRUN apt-get update && apt-get install -y curl\n"
    "FROM base\nRUN apt-get install -y vim\n",
    HEAD + "RUN apt-get update && apt-get install -y curl\nRUN curl --version || true\n",
    HEAD + "RUN cd /tmp\nRUN test \"$(pwd)\" = /\n",
    HEAD + "RUN export A=1\nRUN test -z \"$A\"\n",
]


def _lint_cases():
    path = Path(__file__).parent.parent / "core" / "lint_cases.py"
    spec = importlib.util.spec_from_file_location("lint_cases_for_builds", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES


def test_every_rule_with_a_fix_has_a_build_case():
    fixable = {f.code for text, _ in _lint_cases().values() for f in lint(parse(text))
               if f.fix is not None}
    # (MistypedStageName's file never builds before its fix: its own test is below.)
    assert fixable <= {code for code, _ in CASES} | {"MistypedStageName"}


@pytest.fixture
def context(tmp_path):
    shutil.copytree(TOOLS, tmp_path / "bin")
    (tmp_path / "a.txt").write_text("a\n")
    return tmp_path


def _build(run_build, text, context):
    _, result, _ = run_build(text, context=context, sizes=True)
    assert result.ok, (text, result.error and result.error.message)
    return result.final["size"]


@pytest.mark.engine
@pytest.mark.parametrize("code,text", CASES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(CASES)])
def test_a_fix_keeps_the_file_building(code, text, run_build, context):
    fixed, applied = fix_all(text, enabled={code}, context_dir=context)
    assert applied and fixed != text, f"{code} offered no fix for {text!r}"
    assert code not in {f.code for f in lint(parse(fixed), context_dir=context) if f.fix is not None}
    before = _build(run_build, text, context)
    after = _build(run_build, fixed, context)
    if code in SIZE_RULES:
        assert after <= before, (fixed, before, after)


@pytest.mark.engine
@pytest.mark.parametrize("text", EVERY_FIX)
def test_every_offered_fix_together_keeps_the_file_building(text, run_build, context):
    _build(run_build, text, context)
    fixed, _ = fix_all(text, context_dir=context)
    _build(run_build, fixed, context)


@pytest.mark.engine
def test_the_mistyped_stage_fix_turns_a_failing_pull_into_a_build(run_build, context):
    """`--from=biuld` makes BuildKit pull an image (refused offline); the fix names the stage."""
    text = f"FROM {B} AS build\nRUN echo hi > /x\nFROM {B}\nCOPY --from=biuld /x /x\n"
    (finding,) = [f for f in lint(parse(text)) if f.code == "MistypedStageName"]
    assert "did you mean `build`?" in finding.message
    _, before, _ = run_build(text, context=context)
    assert not before.ok and "biuld" in before.error.message
    fixed, _ = fix_all(text, enabled={"MistypedStageName"})
    assert "COPY --from=build /x /x" in fixed
    _build(run_build, fixed, context)


def _tar_gz(inner: str) -> bytes:
    import gzip
    import io
    import tarfile

    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        info = tarfile.TarInfo(inner)
        info.size = 3
        tar.addfile(info, io.BytesIO(b"hi\n"))
    return gzip.compress(out.getvalue())


@pytest.mark.engine
def test_add_of_an_archive_without_its_suffix_is_left_to_add(run_build, context):
    """The engine unpacks data.bin (a .tar.gz by content): COPY would change the image, so
    lint neither reports the ADD nor fixes it."""
    (context / "data.bin").write_bytes(_tar_gz("inner"))
    text = f"FROM {B}\nADD data.bin /4/\nRUN test -f /4/inner && test ! -e /4/data.bin\n"
    _build(run_build, text, context)  # the engine unpacked it
    assert "add-instead-of-copy" not in {f.code for f in lint(parse(text), context_dir=context)}
    assert fix_all(text, context_dir=context)[0] == text


@pytest.mark.engine
def test_add_of_plain_bytes_becomes_copy_with_the_same_result(run_build, context):
    """Random bytes under a .bin name are copied by ADD; the fixed COPY puts the same file there."""
    (context / "data.bin").write_bytes(bytes(range(256)) * 8)
    text = f"FROM {B}\nADD data.bin /4/\nRUN test -f /4/data.bin && test \"$(wc -c < /4/data.bin)\" -eq 2048\n"
    _build(run_build, text, context)
    fixed, applied = fix_all(text, enabled={"add-instead-of-copy"}, context_dir=context)
    assert [f.code for f in applied] == ["add-instead-of-copy"] and fixed.startswith(f"FROM {B}\nCOPY data.bin")
    _build(run_build, fixed, context)
