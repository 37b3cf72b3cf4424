"""Guard against a PySide6 6.12 defect on CPython < 3.12.

PySide6-Essentials 6.12.0 (an abi3 wheel) drops references it never took to ``None``
(on every call of a void Qt method) and to ``True``/``False`` (on every emit of a bool
signal) when run on CPython 3.11, where those objects are not yet immortal. After a few
thousand calls (one highlighting pass over a long file) the interpreter aborts with
"Fatal Python error: none_dealloc" or "bool_dealloc". 6.11.x does not do this.

When the defect is detected, give these singletons a reference count they can never
lose, which is what CPython 3.12 does for them anyway.
"""
from __future__ import annotations

import sys

PROBE_CALLS = 64
SINGLETONS = (None, True, False, Ellipsis, NotImplemented)


def singleton_refs_leak() -> bool:
    """Call a void Qt method and emit a bool signal a few times: did None/True lose refs?"""
    from PySide6.QtCore import QObject, Signal

    class Probe(QObject):
        sig_flag = Signal(bool)

    probe = Probe()
    probe.sig_flag.connect(lambda _flag: None)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(PROBE_CALLS):
        probe.setObjectName("probe")
        probe.sig_flag.emit(True)
    lost_none = none_before - sys.getrefcount(None)
    lost_true = true_before - sys.getrefcount(True)
    return max(lost_none, lost_true) >= PROBE_CALLS // 2


def make_singletons_immortal() -> bool:
    """Apply the guard if this interpreter needs it; returns whether it did."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython" or hasattr(sys, "gettotalrefcount"):
        return False  # immortal already, or a layout (debug build) we do not touch
    if not singleton_refs_leak():
        return False
    import ctypes

    for obj in SINGLETONS:
        refcount = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt: PyObject's first field
        refcount.value += 1 << 48
    return True


APPLIED = make_singletons_immortal()
