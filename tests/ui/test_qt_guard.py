"""PySide6 6.12 on CPython 3.11 drops references to None/True/False; studio.ui guards
against it. Run in a child process: without the guard the interpreter aborts."""
from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import studio.ui
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel

class Probe(QObject):
    sig_flag = Signal(bool)

app = QApplication([])
label, probe = QLabel(), Probe()
probe.sig_flag.connect(lambda flag: None)
for i in range(30000):
    label.setText("x")          # void call: None
    probe.sig_flag.emit(i % 2 == 0)  # bool signal: True and False
print("survived")
"""


def test_many_void_calls_and_bool_signals_do_not_abort():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "survived"
