"""Shell words as BuildKit's Dockerfile frontend reads them, in one place: splitting,
quotes, escapes, ``$VAR`` expansion, ARG declarations and the platform ARGs.

Why one place: the graph (``FROM ${BASE}``), lint, the build dialog and edits must read a
word the same way the engine does, or the app draws one build and runs another. Import
from ``studio.core.shell`` only; the submodules (``lexer``: expansion and splitting as
BuildKit's lexer does it; ``args``: ARG declarations, platform ARGs, meta ARG values;
``written``: words as written, with offsets) are its parts.

Expansion forms: ``$V``, ``${V}``, ``${V:-w}`` ``${V-w}`` ``${V:+w}`` ``${V+w}``
``${V:?m}`` ``${V?m}``, ``${V#p}`` ``${V##p}`` ``${V%p}`` ``${V%%p}`` (glob patterns)
and ``${V/p/r}`` ``${V//p/r}``.
"""
from __future__ import annotations

from studio.core.shell.args import (PLATFORM_ARGS, arg_declarations, key_values, local_platform,
                                    platform_args, resolve_meta_args)
from studio.core.shell.lexer import Lexed, VarRef, dequote, expand, lex, newer_form, split_words, var_refs
from studio.core.shell.written import (SpanWord, continuation_end, raw_words, skip_dropped_lines, span_words,
                                       unquote)

__all__ = [
    "VarRef", "Lexed", "lex", "expand", "var_refs", "split_words", "dequote", "newer_form",
    "arg_declarations", "key_values", "PLATFORM_ARGS", "local_platform", "platform_args",
    "resolve_meta_args", "raw_words", "unquote", "SpanWord", "span_words", "continuation_end",
    "skip_dropped_lines",
]
