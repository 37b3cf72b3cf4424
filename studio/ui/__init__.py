"""The PySide6 user interface: a thin view over studio.core and studio.engine."""

# Before any widget exists: PySide6 6.12 on CPython 3.11 leaks references to None.
from studio.ui import qt_guard  # noqa: E402,F401
