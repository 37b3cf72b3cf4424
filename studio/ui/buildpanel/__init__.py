"""Builds in the GUI: build bar, engine indicator, worker, log panel, charts, compare.

A MainWindow composes ``panel.BuildPanel(window)``; the pieces that hold no Qt
(``session``, ``history``, ``units``, ``ansi``) are what the tests drive directly.
"""
