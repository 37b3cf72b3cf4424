"""The redactor on any chunking of step output: the values never pass, everything else
passes unchanged and in order, whatever the chunk boundaries (hypothesis)."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from studio.engine.events import StepFinished, StepLog
from studio.engine.redact import MASK, Redactor, secret_values
from studio.engine.session.secrets import SecretSpec

VALUES = ["S3CRET-value", "S3C-other"]


@given(st.lists(st.sampled_from(["S3CRET-value", "S3C-other", "S3", "x", " ", "\n", "S3CRET-", "value"]),
                max_size=30), st.data())
def test_any_chunking_masks_every_value_and_keeps_the_rest(pieces, data):
    text = "".join(pieces)
    cuts = sorted(data.draw(st.sets(st.integers(0, len(text)), max_size=8)))
    chunks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
    events = [StepLog(1, 2, "stdout", c) for c in chunks] + [StepFinished(1, 2, False, 0.1)]
    out = list(Redactor(VALUES).events(events))
    passed = "".join(e.text for e in out if e.event == "step_log")
    assert passed == Redactor(VALUES).text(text)
    assert not any(v in passed for v in VALUES)
    assert out[-1].event == "step_finished"  # held output comes before its step's end


def test_other_steps_and_streams_do_not_release_held_output():
    redactor = Redactor(["S3CRET-value"])
    events = [StepLog(1, 2, "stdout", "a S3CRET"), StepLog(1, 3, "stdout", "other step\n"),
              StepLog(1, 2, "stderr", "err\n"), StepLog(1, 2, "stdout", "-value b\n")]
    texts = [(e.line, e.stream, e.text) for e in redactor.events(events)]
    assert texts == [(2, "stdout", "a "), (3, "stdout", "other step\n"), (2, "stderr", "err\n"),
                     (2, "stdout", f"{MASK} b\n")]


def test_values_come_from_files_and_variables_and_empty_ones_are_ignored(tmp_path, monkeypatch):
    (tmp_path / "key").write_text("line-one-abc\nline-two-def\n")
    (tmp_path / "empty").write_text("")
    monkeypatch.setenv("STAGE_STUDIO_TEST_PIN", "ab")
    values, short = secret_values([SecretSpec("key", src=str(tmp_path / "key")),
                                   SecretSpec("empty", src=str(tmp_path / "empty")),
                                   SecretSpec("gone", src=str(tmp_path / "missing")),
                                   SecretSpec("pin", env="STAGE_STUDIO_TEST_PIN")])
    # the whole value without the white space around it, and each line alone; the short one is said
    assert set(values) == {"line-one-abc\nline-two-def", "line-one-abc", "line-two-def", "ab"}
    assert short == ["pin"]
    assert "line" not in repr(Redactor(values))
