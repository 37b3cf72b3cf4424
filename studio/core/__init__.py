"""Pure-Python heart of Stage Studio: the lossless Dockerfile model, stage graph and edits. No Qt.

Public API: ``parse(text) -> Document`` (never raises, round-trips), ``reparse(doc, edit)``
(incremental, same result as parse of the new text), ``apply_edits(text, edits)``, and
the model dataclasses from ``studio.core.model``.
"""
from studio.core.model import *  # noqa: F401,F403
from studio.core.document import Document, apply_edits, parse, reparse  # noqa: F401
