"""Run one build as a generator of events, cancellable from any thread.

``Build(request).events()`` yields the events of ``studio.engine.events`` (the GUI runs it
in a worker thread, the CLI in the main thread); ``Build.cancel()`` may be called from any
other thread at any moment: it shuts the request's socket down, which makes the engine
stop the build and unblocks the reader at once (a bare ``close()`` does neither).
"""
from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

from studio.core.files import save_temps_note
from studio.engine import build_routes, sdk
from studio.engine.build_request import (BuildRequest, build_params, outside_name,
                                         parse_request, unapplied_options)
from studio.engine.build_stream import (cause_of, error_message, hint_ignored_source, hint_session_input,
                                        messages)
from studio.engine.events import (BuildEvent, BuildFailed, BuildFinished, BuildResult, BuildStarted,
                                  BuildWarning, ContextReady, ContextSent, SizesReady, StageResult)



# A FROM keyword at the start of some line: without one the Dockerfile surely has no stage
# (the parser decides for real; this only picks whether to parse before sending).
_MAYBE_FROM = re.compile(r"^[ \t\ufeff]*from[ \t]", re.IGNORECASE | re.MULTILINE)


class Build:
    """One build. Iterate ``events()`` once; ``result`` is set when it ends."""

    def __init__(self, request: BuildRequest, client=None, send_context: bool = True) -> None:
        self.request = request
        self._send_context = send_context  # False: the Dockerfile alone (measuring builds that need no files)
        self._client = client
        self._own_client = client is None
        self._lock = threading.Lock()
        self._cancelled = threading.Event()
        self._socket: Any = None
        self.result: BuildResult | None = None
        self.backend: str | None = None
        self.translator: Any = None
        self.stage_map: Any = None
        self.context_digest: str | None = None
        self._target_key: str | None = None  # the engine's name for the target stage
        self._over = False  # events() has ended
        self.session: Any = None  # the BuildKit session serving this build, when one is open
        self.buildx: Any = None  # the `docker buildx build` run, for a build on a buildx builder
        self._sent_text: str | None = None
        self._children: list[Build] = []  # the size pass's measuring builds
        self.skipped_temps: dict[str, None] = {}  # our save temps the session left out of the context

    def spawn(self, request: BuildRequest, send_context: bool = True) -> Build:
        """A build on this build's engine client (the size pass builds each stage as a
        target this way); ``cancel()`` here cancels it too."""
        child = Build(request, client=self._client, send_context=send_context)
        self._children.append(child)
        return child

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Stop the build now; safe from any thread, before, during or after ``events()``."""
        self._cancelled.set()
        with self._lock:
            sock = self._socket
        if sock is not None:
            sdk.shutdown_socket(sock)
        if self.session is not None:
            self.session.close()
        if self.buildx is not None:
            self.buildx.cancel()
        for child in list(self._children):  # measuring builds
            child.cancel()

    # ---- the generator -------------------------------------------------------------
    def events(self) -> Iterator[BuildEvent]:
        """Every event of the build, each secret value it serves masked (``redact``)."""
        from studio.engine.redact import Redactor, secret_values, short_value_warning

        values, short = secret_values(self.request.secrets)
        redactor = Redactor(values)
        for ident in short:
            yield short_value_warning(ident)
        try:
            yield from redactor.events(self._events())
        finally:
            if self.result is not None:
                redactor.scrub(self.result)

    def _events(self) -> Iterator[BuildEvent]:
        started = time.time()
        try:
            yield from self._run(started)
        except Exception as exc:  # noqa: BLE001 - a bug must end the build with a message, not a traceback
            self.cancel()
            yield from self._fail(started, BuildFailed(f"the build stopped unexpectedly: {type(exc).__name__}: {exc}"))
        finally:
            with self._lock:
                self._over = True  # a connection still being made closes itself (see _start_connect)
                client = self._client if self._own_client else None
            sdk.close_quietly(client)

    def _fail(self, started: float, failure: BuildFailed) -> Iterator[BuildEvent]:
        self.result = BuildResult(False, None, time.time() - started, error=failure)
        if self.stage_map is not None:
            self.result.stages = [StageResult(s.index, s.name, "skipped") for s in self.stage_map.stages]
        yield failure

    def _run(self, started: float) -> Iterator[BuildEvent]:
        """Connect (in the background), send the build, and only then parse and map while
        the engine works: the engine starts a little sooner, which a one-shot CLI build
        notices. The Dockerfile is parsed first when the request needs it (a target, or a
        text that may have no FROM), so those errors still come before anything is sent."""
        from studio.engine.dockerignore import candidate_ignore_file

        req = self.request
        connecting = self._start_connect()
        parsed = None
        if req.target is not None or not _MAYBE_FROM.search(req.dockerfile_text):
            parsed = self._prepare()
            if isinstance(parsed, BuildFailed):
                yield from self._fail(started, parsed)
                return
        text = req.dockerfile_text if parsed is None else parsed[2]
        # A BuildKit session syncs the context itself (only what the engine lacks); the tar
        # is measured and packed only when it will be uploaded.
        ctx = None
        if self._send_context and not os.path.isdir(req.context_dir):
            yield from self._fail(started, BuildFailed(f"the build context {req.context_dir!r} is not a directory"))
            return
        use_buildx = req.builder is not None or req.backend == "buildx"
        if not use_buildx and (req.session is False or req.backend == "classic"):
            # .dockerignore means what the backend's client makes of it: with "auto" and an
            # ignore file, the scan waits until the engine said which backend it is
            early = req.backend if req.backend in ("buildkit", "classic") else None
            if early is not None or candidate_ignore_file(req.context_dir, req.dockerfile_path) is None:
                ctx = yield from self._scan(started, text, early or "buildkit")
                if ctx is None:
                    return
        if self.cancelled:
            yield from self._fail(started, BuildFailed("the build was cancelled"))
            return
        connecting[0].join()
        if "error" in connecting[1] and not use_buildx:  # a remote builder needs no local engine
            yield from self._fail(started, BuildFailed(str(connecting[1]["error"])))
            return
        client = connecting[1].get("client")
        self.backend = backend = "buildx" if use_buildx else self._choose_backend(client)
        if backend != "buildx":  # (buildx checks its own flags)
            refusal = unapplied_options(req, backend, self._api_version(client))
            if refusal is not None:
                yield from self._fail(started, BuildFailed(refusal))
                return
        self._sent_text = text
        session_params = None
        if backend == "buildx":
            sent = build_routes.open_buildx(self, text)
        elif ctx is None and backend == "buildkit" and client is not None:
            from studio.engine.session.transport import SessionUnavailable

            try:
                session_params = build_routes.open_session(self, client.api)
            except SessionUnavailable as exc:
                yield from self._fail(started, BuildFailed(str(exc)))
                return
        if session_params is None and ctx is None and backend != "buildx":
            ctx = yield from self._scan(started, text, backend)
            if ctx is None:
                return
        refusal = ctx.buildkit_refusal(req.session is False) if backend == "buildkit" and ctx is not None else None
        if refusal is not None:  # a tar would make COPY . copy the Dockerfile: never ship it
            yield from self._fail(started, BuildFailed(refusal))
            return
        if backend != "buildx":
            dockerfile = ctx.dockerfile if ctx is not None else None
            params = {**build_params(req, backend, None, self._target_key, dockerfile=dockerfile),
                      **(session_params or {})}
            sent = self._open(client, params, ctx)
        if parsed is None:
            parsed = self._prepare()
            if isinstance(parsed, BuildFailed):  # (the quick look above saw a FROM; the parser did not)
                self.cancel()
                self._finish_request(sent)
                yield from self._fail(started, parsed)
                return
        stage_map, graph = self.stage_map, parsed[1]
        for diag in graph.diagnostics:
            if diag.severity == "error":
                yield BuildWarning(diag.message, diag.line, own=[diag.message])  # (the Dockerfile's words)
        if backend in ("buildkit", "buildx"):
            from studio.engine.buildkit import BuildkitTranslator as Translator
        else:
            from studio.engine.classic import ClassicTranslator as Translator  # type: ignore[assignment]
        translator = self.translator = Translator(stage_map, started)
        yield BuildStarted(stage_map.plan(backend), backend, graph.target)
        for info in stage_map.stages:
            if info.index not in translator.progress.built:
                yield translator.progress.finish(info.index, "skipped")
        yield from self._stream(sent, translator)
        if self.session is not None:
            stats = self.session.stats
            self.context_digest = stats.digest("context")
            yield ContextSent(stats.bytes_sent, stats.files_sent, stats.files_listed,
                              stats.by_dir.get("context", 0), stats.files_by_dir.get("context", 0))
            note = save_temps_note(self._temps_sent_by_docker(list(self.skipped_temps)))
            if note:
                yield BuildWarning(note, own=[note])  # (ours, about the user's files: never masked)
        fault = self.session.fault if self.session is not None else None
        if fault is not None and translator.failure is not None:
            said = f"the BuildKit session failed ({type(fault).__name__}: {fault}); the engine said: "
            translator.failure.message = said + translator.failure.message
            translator.failure.own.append(said)
        if translator.failure is not None:
            hint_ignored_source(translator.failure, ctx, req)
            hint_session_input(translator.failure, stage_map, req)
        ok = translator.failure is None and translator.image_id is not None and not self.cancelled
        if self.cancelled and translator.failure is None:
            translator.failure = translator.explain("the build was cancelled")
            translator.failure.message = "the build was cancelled"  # where it stood, without the hint
        elif not ok and translator.failure is None:
            translator.failure = BuildFailed("the engine ended the build without an image")
        yield from translator.close(ok, self.cancelled)
        duration = time.time() - started
        self.result = self._result(ok, duration, translator, graph.target)
        if not ok:
            yield translator.failure
            return
        yield BuildFinished(translator.image_id, round(duration, 3))
        if req.sizes and not self.cancelled and backend == "buildx" and not build_routes.buildx_loaded(self.request, client):
            message = (f"per-stage sizes need the image in the local engine: builder {req.builder} "
                       "keeps its result (use a builder with the docker driver, or a local engine)")
            yield BuildWarning(message, own=[message])
        elif req.sizes and not self.cancelled:
            from studio.engine.sizes import measure

            yield from measure(self, self.engine_api())
            if req.files and not self.cancelled:
                from studio.engine.build_files import explore_stages

                yield from explore_stages(self, self.engine_api())
            if self.result is not None:
                yield SizesReady(self.result)

    # ---- pieces --------------------------------------------------------------------
    def _scan(self, started: float, text: str, backend: str):
        """Measure and check the context for a tar upload (yields its events); None when
        it cannot be sent (the failure was yielded). ``backend`` decides how .dockerignore
        is applied (as that backend's client does)."""
        from studio.engine import context as build_context

        req = self.request
        try:
            ctx = build_context.scan(req.context_dir, text, outside_name(text), req.dockerfile_path,
                                     files=self._send_context, hide_outside=True, backend=backend)
        except build_context.ContextError as exc:
            yield from self._fail(started, BuildFailed(str(exc)))
            return None
        yield ContextReady(ctx.size, ctx.files, ctx.warning)
        if ctx.warning:
            yield BuildWarning(ctx.warning, own=[ctx.warning])  # (ours, about the context: never masked)
        note = save_temps_note(ctx.skipped_temps)
        if note:
            yield BuildWarning(note, own=[note])
        return ctx

    def _temps_sent_by_docker(self, paths: list[str]) -> list[str]:
        """Those of ``paths`` that .dockerignore lets through (the session skips our save
        temps before it applies .dockerignore; the rest docker build would not send either)."""
        from studio.engine.dockerignore import load

        if not paths:
            return paths
        try:
            matcher = load(self.request.context_dir, self.request.dockerfile_path)[0]
        except ValueError:
            return paths
        return [p for p in paths if not matcher.ignored_buildkit(p, None)[0]]

    def _prepare(self):
        """Parse and map the Dockerfile: ``(document, graph, text to send)`` or a BuildFailed.
        Sets ``stage_map`` and, for a chosen target, the engine's name for it."""
        from studio.engine.mapping import StageMap

        req = self.request
        try:
            document, graph = parse_request(req)
        except ValueError as exc:
            return BuildFailed(str(exc))
        self.stage_map = stage_map = StageMap(document, graph)
        if not stage_map.stages:
            return BuildFailed("the Dockerfile has no FROM instruction, so there is nothing to build")
        text = req.dockerfile_text
        self._target_key = None
        if req.target is not None and graph.target is not None:
            from studio.engine.mapping import named_text

            text, self._target_key = named_text(document, stage_map, graph.target)
            stage_map.by_key.setdefault(self._target_key, stage_map.stages[graph.target])
        return document, graph, text

    def _start_connect(self) -> tuple[threading.Thread, dict[str, Any]]:
        """Reach the engine in the background (the SDK's import and the ping) while the
        caller prepares the context; join the thread, then read "client" or "error"."""
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                outcome["client"] = self._connect()
            except Exception as exc:  # noqa: BLE001 - EngineUnavailable or anything unexpected
                outcome["error"] = exc
            with self._lock:
                late = self._over and self._own_client  # the build ended (an error) before it needed us
            if late:
                sdk.close_quietly(self._client)

        worker = threading.Thread(target=work, name="engine-connect", daemon=True)
        worker.start()
        return worker, outcome

    def _result(self, ok: bool, duration: float, translator, target: int | None) -> BuildResult:
        states = translator.progress.state
        image = translator.image_id if ok else None
        stages = [StageResult(s.index, s.name, states.get(s.index, "skipped"))  # type: ignore[arg-type]
                  for s in self.stage_map.stages]
        if target is not None and ok:
            stages[target].image_id = image
        for index, stage_image in getattr(translator, "stage_images", {}).items():  # classic only
            if stages[index].state in ("done", "cached"):
                stages[index].image_id = stage_image
        return BuildResult(ok, image, duration, stages, {"image_id": image, "size": None},
                           error=translator.failure)

    def _connect(self):
        """The SDK client: every Engine API call goes through the docker SDK."""
        if self._client is not None:
            return self._client
        from studio.engine.connection import connect

        self._client = connect()
        return self._client

    def engine_api(self):
        """The SDK's low-level API, for the size pass's JSON calls."""
        return self._client.api

    def _choose_backend(self, client) -> str:
        if self.request.backend in ("buildkit", "classic"):
            return self.request.backend
        from studio.engine.connection import buildkit_available

        headers = getattr(client, "_stage_studio_ping", None)
        if headers is None:
            try:
                headers = dict(sdk.get(client.api, "/_ping", 5).headers)
            except Exception:  # noqa: BLE001 - no headers: decide from the API version alone
                headers = {}
        version = {"ApiVersion": client.api.api_version, "Os": headers.get("OSType", "linux")}
        return "buildkit" if buildkit_available(version, headers) else "classic"

    def _api_version(self, client) -> str | None:
        return getattr(client.api, "api_version", None)

    def _remember_socket(self, sock) -> None:
        with self._lock:
            self._socket = sock
        if self.cancelled:
            sdk.shutdown_socket(sock)

    def _post(self, client, params: dict[str, Any], ctx):
        """Start the build request; returns (status, body chunk iterator, closer, error text getter)."""
        if ctx is None:  # the context comes through the session
            body, headers = None, {}
        else:
            body, headers = ctx.chunks(lambda: self.cancelled), {"Content-Type": "application/x-tar"}
        response, chunks, sock = sdk.post_stream(client.api, "/build", params, body, headers)
        self._remember_socket(sock)
        return response.status_code, chunks, response.close, lambda: response.text

    def _open(self, client, params: dict[str, Any], ctx) -> tuple:
        """Send the build: ``(status, chunks, close, error_text, ctx)``, or ``(failure, ctx)``."""
        try:
            return (*self._post(client, params, ctx), ctx)
        except Exception as exc:  # noqa: BLE001 - includes a cancel during the upload
            from studio.engine.context import ContextError

            with self._lock:
                self._socket = None
            if self.cancelled:
                return BuildFailed("the build was cancelled"), ctx
            context_error = cause_of(exc, ContextError)  # a file changed or became unreadable mid-upload
            if context_error is not None:
                return BuildFailed(str(context_error)), ctx
            return BuildFailed(f"could not send the build to the engine: {exc}"), ctx

    def _finish_request(self, sent: tuple) -> None:
        if self.session is not None:
            self.session.close()
        with self._lock:
            self._socket = None
        if not isinstance(sent[0], BuildFailed):
            sent[2]()

    def _stream(self, sent: tuple, translator) -> Iterator[BuildEvent]:
        """Translate every message of the sent build until the engine closes the stream."""
        if isinstance(sent[0], BuildFailed):
            translator.failure = sent[0]
            return
        status, chunks, _close, error_text, ctx = sent
        try:
            if status >= 400:
                translator.failure = BuildFailed(error_message(error_text()))
                return
            for message in (chunks if self.backend == "buildx" else messages(chunks)):
                yield from translator.feed(message)
            if ctx is not None:
                self.context_digest = ctx.digest
        except Exception as exc:  # noqa: BLE001 - a shut-down socket raises from deep inside
            if not self.cancelled:
                translator.failure = BuildFailed(f"lost the connection to the engine: {exc}")
        finally:
            self._finish_request(sent)

