"""Guard against a PySide6 6.12 defect on CPython < 3.12.

PySide6-Essentials 6.12.0 (an abi3 wheel) drops one reference to ``None`` on every call
of a void Qt method when run on CPython 3.11, where ``None`` is not yet immortal. After a
few thousand calls (one highlighting pass over a long file) the interpreter aborts with
"Fatal Python error: none_dealloc". 6.11.x does not do this. When the defect is detected,
give ``None`` a reference count it can never lose, which is what CPython 3.12 does anyway.
"""
from __future__ import annotations

import sys

PROBE_CALLS = 64


def none_refs_leak() -> bool:
    """Call a void Qt method a few times and see whether None lost references."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(PROBE_CALLS):
        probe.setObjectName("probe")
    return sys.getrefcount(None) <= before - PROBE_CALLS // 2


def make_none_immortal() -> bool:
    """Apply the guard if this interpreter needs it; returns whether it did."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython" or hasattr(sys, "gettotalrefcount"):
        return False  # immortal already, or a layout (debug build) we do not touch
    if not none_refs_leak():
        return False
    import ctypes

    refcount = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is PyObject's first field
    refcount.value += 1 << 48
    return True


APPLIED = make_none_immortal()
