"""The PySide6 user interface: a thin view over studio.core and studio.engine."""
