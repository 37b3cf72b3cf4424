"""Builds in the GUI: build bar, engine indicator, worker, log panel, charts, compare.

``install_build_ui(window)`` wires all of it into a MainWindow; the pieces that hold no
Qt (``session``, ``history``, ``units``, ``ansi``) are what the tests drive directly.
"""
from __future__ import annotations


def install_build_ui(window):
    """Attach the build bar, log and charts docks and the Build menu; returns the controller."""
    from studio.ui.buildpanel.install import install

    return install(window)
