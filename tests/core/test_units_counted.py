"""Counts in messages read as English: one file, two files."""
from __future__ import annotations

import pytest

from studio.core.units import counted


@pytest.mark.parametrize(("n", "noun", "plural", "text"), [
    (1, "file", None, "1 file"), (0, "file", None, "0 files"), (2, "changed file", None, "2 changed files"),
    (1, "entry", "entries", "1 entry"), (3, "entry", "entries", "3 entries")])
def test_counted(n, noun, plural, text):
    assert counted(n, noun, plural) == text
