"""Run one build as a generator of events, cancellable from any thread.

``Build(request).events()`` yields the events of ``studio.engine.events`` (the GUI runs it
in a worker thread, the CLI in the main thread); ``Build.cancel()`` may be called from any
other thread at any moment: it shuts the request's socket down, which makes the engine
stop the build and unblocks the reader at once (a bare ``close()`` does neither).
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from studio.engine.events import BuildEvent, BuildResult

Backend = Literal["auto", "buildkit", "classic"]
MEASURE_LABEL = "io.github.stagestudio.measure"
BUILD_LABEL = "io.github.stagestudio.build"
DOCKERFILE_NAME = ".stage-studio.Dockerfile"


@dataclass
class BuildRequest:
    """Everything a build needs; the Dockerfile text is passed in, never read from disk."""

    dockerfile_text: str
    context_dir: str
    dockerfile_path: str | None = None  # where the text lives (for .dockerignore lookup and messages)
    target: str | None = None  # stage name or index as text; None: the last stage
    build_args: dict[str, str] = field(default_factory=dict)
    no_cache: bool = False
    backend: Backend = "auto"
    tag: str | None = None
    platform: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    sizes: bool = False  # after success, measure every built stage and its layers


class Build:
    """One build. Iterate ``events()`` once; ``result`` is set when it ends."""

    def __init__(self, request: BuildRequest, client=None) -> None:
        self.request = request
        self._client = client
        self._lock = threading.Lock()
        self._cancelled = threading.Event()
        self._socket = None
        self.result: BuildResult | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Stop the build now; safe from any thread, before, during or after ``events()``."""
        self._cancelled.set()
        with self._lock:
            sock = self._socket
        if sock is not None:
            _shutdown(sock)

    def events(self) -> Iterator[BuildEvent]:
        raise NotImplementedError  # implemented below in the next commit


def _shutdown(sock) -> None:
    import socket

    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
