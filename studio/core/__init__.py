"""Pure-Python heart of Stage Studio: the lossless Dockerfile model, stage graph and edits. No Qt.

Public API: ``parse(text) -> Document`` (never raises, round-trips), ``reparse(doc, edit)``
(incremental, same result as parse of the new text), ``apply_edits(text, edits)``, and
the model dataclasses from ``studio.core.model``.

The names are loaded on first use, so importing a small module of the package (such as
``studio.core.units``) does not load the parser: a one-shot ``stage-studio build`` sends
its request before it needs the parser at all.
"""
from __future__ import annotations

from importlib import import_module

_DOCUMENT = ("Document", "apply_edits", "parse", "reparse")


def __getattr__(name: str):
    if name.startswith("_") or name in ("document", "model"):  # submodules load through the import system
        raise AttributeError(f"module 'studio.core' has no attribute {name!r}")
    module = import_module("studio.core.document" if name in _DOCUMENT else "studio.core.model")
    try:
        return getattr(module, name)
    except AttributeError:
        raise AttributeError(f"module 'studio.core' has no attribute {name!r}") from None


def __dir__() -> list[str]:
    model = import_module("studio.core.model")
    return sorted({*globals(), *_DOCUMENT, *(n for n in vars(model) if not n.startswith("_"))})
