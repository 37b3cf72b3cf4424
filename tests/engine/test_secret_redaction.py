"""A step that prints a secret: the value is masked in every event, in the result, in the
CLI's text and ``--json`` output and in a failure's message, even when the step prints it
in two pieces that reach us in two chunks (real engines, both of them)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from testimages import TEST_LABEL

from studio.engine.builder import Build, BuildRequest
from studio.engine.redact import MASK
from studio.engine.session.secrets import SecretSpec

pytestmark = pytest.mark.engine
BB = "stage-studio-test/busybox:latest"
VALUE = "S3CRET-tok-91x"  # 14 characters: the split step prints 5, then 9
PRINTS = (f"FROM {BB}\n"
          "RUN --mount=type=secret,id=tok,required=true echo \"token is $(cat /run/secrets/tok)\"\n"
          "RUN --mount=type=secret,id=tok,required=true sh -c 'printf \"split:%s\" \"$(head -c 5 /run/secrets/tok)\"; "
          "sleep 0.5; printf \"%s:end\\n\" \"$(tail -c +6 /run/secrets/tok)\"'\n")
FAILS = (f"FROM {BB}\n"
         "RUN --mount=type=secret,id=tok,required=true sh -c 'echo \"bad $(cat /run/secrets/tok)\" >&2; exit 3'\n")


def _secret(tmp_path):
    path = tmp_path / "tok.txt"
    path.write_text(VALUE + "\n")
    return path


def _traced_build(text: str, context, secret) -> tuple[Build, list, list[tuple[int | None, str]]]:
    """A build whose events are read as the app reads them, plus the step output as the
    engine sent it (before masking), to show the chunks really split the value."""
    build = Build(BuildRequest(text, str(context), labels={TEST_LABEL: "1"}, no_cache=True,
                               secrets=[SecretSpec("tok", src=str(secret))]))
    raw: list[tuple[int | None, str]] = []
    inner = build._events

    def tapped():
        for event in inner():
            if event.event == "step_log":
                raw.append((event.line, event.text))
            yield event

    build._events = tapped
    return build, list(build.events()), raw


def test_a_printed_secret_is_masked_whole_and_split_across_chunks(engine, tmp_path):
    secret = _secret(tmp_path)
    build, events, raw = _traced_build(PRINTS, tmp_path, secret)
    assert build.result.ok, build.result.error
    # the engine did print the value, and the split step's value came in two chunks
    split_chunks = [text for line, text in raw if line == 3]
    assert VALUE in "".join(split_chunks) and not any(VALUE in c for c in split_chunks), split_chunks
    everything = json.dumps([e.to_json() for e in events]) + json.dumps(build.result.to_json())
    assert VALUE not in everything and VALUE[:5] + VALUE[5:] not in everything
    logs = {line: "".join(e.text for e in events if e.event == "step_log" and e.line == line) for line in (2, 3)}
    assert f"token is {MASK}" in logs[2]
    assert f"split:{MASK}:end" in logs[3]


def test_a_failure_that_prints_a_secret_is_masked(engine, tmp_path):
    secret = _secret(tmp_path)
    build, events, raw = _traced_build(FAILS, tmp_path, secret)
    assert not build.result.ok
    assert any(VALUE in text for _line, text in raw)  # the step did print it
    failure = next(e for e in events if e.event == "build_failed")
    assert failure.exit_code == 3 and any(f"bad {MASK}" in line for line in failure.last_log), failure
    everything = json.dumps([e.to_json() for e in events]) + json.dumps(build.result.to_json())
    assert VALUE not in everything


@pytest.mark.parametrize("mode", ["text", "json"])
def test_the_cli_prints_no_secret(engine, tmp_path, mode):
    secret = _secret(tmp_path)
    for name, text, code in (("ok", PRINTS, 0), ("fails", FAILS, 1)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "Dockerfile").write_text(text)
        args = [sys.executable, "-m", "studio", "build", str(folder / "Dockerfile"), "--no-cache",
                "--label", f"{TEST_LABEL}=1", "--secret", f"id=tok,src={secret}"]
        done = subprocess.run(args + (["--json"] if mode == "json" else []), capture_output=True, text=True,
                              timeout=300, env=os.environ)
        assert done.returncode == code, done.stdout + done.stderr
        assert VALUE not in done.stdout + done.stderr
        if mode == "json":
            logs = "".join(json.loads(line).get("text", "") for line in done.stdout.splitlines())
            assert (f"split:{MASK}:end" if name == "ok" else f"bad {MASK}") in logs
        elif name == "fails":
            assert f"bad {MASK}" in done.stdout + done.stderr


def test_a_short_secret_is_masked_and_said_so_without_its_value(engine, tmp_path):
    path = tmp_path / "pin"
    path.write_text("q7z")
    text = f"FROM {BB}\nRUN --mount=type=secret,id=pin,required=true echo \"pin=$(cat /run/secrets/pin)\"\n"
    build = Build(BuildRequest(text, str(tmp_path), labels={TEST_LABEL: "1"}, no_cache=True,
                               secrets=[SecretSpec("pin", src=str(path))]))
    events = list(build.events())
    assert build.result.ok, build.result.error
    warning = next(e for e in events if e.event == "warning" and "secret pin" in e.message)
    assert "shorter than 4" in warning.message
    logs = "".join(e.text for e in events if e.event == "step_log")
    assert f"pin={MASK}" in logs and "q7z" not in json.dumps([e.to_json() for e in events])


@pytest.mark.parametrize("mode", ["text", "json"])
def test_our_own_words_are_never_masked_only_what_the_build_printed(engine, tmp_path, mode):
    """A one-letter value ("t") masks that letter in what the engine said, never in our hint
    or our "line 2: "; the step mounts 'tok' and the build was given 'TOK', so the hint
    says IDs are case-sensitive."""
    secret = tmp_path / "t.txt"
    secret.write_text("t\n")
    (tmp_path / "Dockerfile").write_text(f"FROM {BB}\nRUN --mount=type=secret,id=tok,required=true cat /run/secrets/tok\n")
    args = [sys.executable, "-m", "studio", "build", str(tmp_path / "Dockerfile"), "--no-cache",
            "--label", f"{TEST_LABEL}=1", "--secret", f"id=TOK,src={secret}"]
    done = subprocess.run(args + (["--json"] if mode == "json" else []), capture_output=True, text=True,
                          timeout=300, env=os.environ)
    assert done.returncode == 1, done.stdout + done.stderr
    hint = (" (this step mounts the secret 'tok', which the build was not given; IDs are case-sensitive, "
            "and TOK was given: add --secret id=tok,src=FILE (or env=VARIABLE))")
    if mode == "json":
        events = [json.loads(line) for line in done.stdout.splitlines()]
        (failed,) = [e for e in events if e["event"] == "build_failed"]
        assert "own" not in failed and events[-1]["error"]["message"] == failed["message"]
        message = failed["message"]
        warning = next(e["message"] for e in events if e["event"] == "warning")
    else:
        (message,) = [line.removeprefix("error: ") for line in done.stdout.splitlines() if line.startswith("error: ")]
        warning = next(line for line in done.stdout.splitlines() if line.startswith("warning: "))
    assert message.startswith("line 2: ") and message.endswith(hint), message
    said = message.removeprefix("line 2: ").removesuffix(hint)  # the engine's words: "secret tok..."
    assert MASK in said and "t" not in said.replace(MASK, ""), said
    assert "shorter than 4 characters" in warning  # (said before the build, never masked)
