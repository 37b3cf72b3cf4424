"""Run one build as a generator of events, cancellable from any thread.

``Build(request).events()`` yields the events of ``studio.engine.events`` (the GUI runs it
in a worker thread, the CLI in the main thread); ``Build.cancel()`` may be called from any
other thread at any moment: it shuts the request's socket down, which makes the engine
stop the build and unblocks the reader at once (a bare ``close()`` does neither).
"""
from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from studio.engine import sdk
from studio.engine.events import (BuildEvent, BuildFailed, BuildFinished, BuildResult, BuildStarted,
                                  BuildWarning, ContextReady, ContextSent, SizesReady, StageResult)

Backend = Literal["auto", "buildkit", "classic", "buildx"]
DOCKERFILE_NAME = "Dockerfile"  # the name of a Dockerfile sent alone (no context)


# A FROM keyword at the start of some line: without one the Dockerfile surely has no stage
# (the parser decides for real; this only picks whether to parse before sending).
_MAYBE_FROM = re.compile(r"^[ \t\ufeff]*from[ \t]", re.IGNORECASE | re.MULTILINE)


@dataclass
class BuildRequest:
    """Everything a build needs; the Dockerfile text is passed in, never read from disk."""

    dockerfile_text: str
    context_dir: str
    dockerfile_path: str | None = None  # where the text lives (for <file>.dockerignore and messages)
    target: str | None = None  # stage name or index as text; None: the last stage
    build_args: dict[str, str] = field(default_factory=dict)
    no_cache: bool = False
    backend: Backend = "auto"
    tag: str | None = None
    platform: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    sizes: bool = False  # after success, measure every built stage and its layers
    secrets: list = field(default_factory=list)  # SecretSpec: references only, never values
    ssh: list = field(default_factory=list)  # SshSpec: agent sockets to forward
    session: bool | None = None  # None: a BuildKit session when the engine has them; False: tar upload
    # docker build's --network, --add-host, --ulimit, --shm-size and --pull (see build_options)
    network: str | None = None  # default, none or host
    extra_hosts: list[str] = field(default_factory=list)  # "name:ip"
    ulimits: list[dict] = field(default_factory=list)  # {"Name", "Soft", "Hard"}
    shm_size: int | None = None  # bytes
    pull: bool = False
    builder: str | None = None  # a buildx builder: build there through `docker buildx build`
    files: bool = False  # with sizes: also read every built stage's files (build_files.py)


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
            _shutdown(sock)
        if self.session is not None:
            self.session.close()
        if self.buildx is not None:
            self.buildx.cancel()
        for child in list(self._children):  # measuring builds
            child.cancel()

    # ---- the generator -------------------------------------------------------------
    def events(self) -> Iterator[BuildEvent]:
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
            _close_quietly(client)

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
            ctx = yield from self._scan(started, text)
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
            refusal = _unapplied_options(req, backend, self._api_version(client))
            if refusal is not None:
                yield from self._fail(started, BuildFailed(refusal))
                return
        self._sent_text = text
        session_params = None
        if backend == "buildx":
            sent = self._open_buildx(text)
        elif ctx is None and backend == "buildkit" and client is not None:
            from studio.engine.session.transport import SessionUnavailable

            try:
                session_params = self._open_session(client.api)
            except SessionUnavailable as exc:
                yield from self._fail(started, BuildFailed(str(exc)))
                return
        if session_params is None and ctx is None and backend != "buildx":
            ctx = yield from self._scan(started, text)
            if ctx is None:
                return
        if backend != "buildx":
            dockerfile = ctx.dockerfile if ctx is not None else None
            params = {**build_params(req, backend, None, self._target_key, dockerfile=dockerfile),
                      **(session_params or {})}
            sent = self._open(client, params, ctx)
        if backend == "buildkit" and ctx is not None and ctx.dockerfile_added:
            yield BuildWarning(f"without a BuildKit session the engine reads the Dockerfile from the uploaded "
                               f"context, so COPY . also sees it as {ctx.dockerfile} (docker build's would not)")
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
                yield BuildWarning(diag.message, diag.line)
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
        if translator.failure is not None:
            _hint_ignored_source(translator.failure, ctx, req)
            _hint_session_input(translator.failure, stage_map, req)
        ok = translator.failure is None and translator.image_id is not None and not self.cancelled
        if self.cancelled and translator.failure is None:
            translator.failure = translator.explain("the build was cancelled")
            translator.failure.message = "the build was cancelled"  # where it stood, without the hint
        elif not ok and translator.failure is None:
            translator.failure = BuildFailed("the engine ended the build without an image")
        yield from translator.close(ok)
        duration = time.time() - started
        self.result = self._result(ok, duration, translator, graph.target)
        if not ok:
            yield translator.failure
            return
        yield BuildFinished(translator.image_id, round(duration, 3))
        if req.sizes and not self.cancelled and backend == "buildx" and not self._buildx_loaded(client):
            yield BuildWarning(f"per-stage sizes need the image in the local engine: builder {req.builder} "
                               "keeps its result (use a builder with the docker driver, or a local engine)")
        elif req.sizes and not self.cancelled:
            from studio.engine.sizes import measure

            yield from measure(self, self.engine_api())
            if req.files and not self.cancelled:
                from studio.engine.build_files import explore_stages

                yield from explore_stages(self, self.engine_api())
            if self.result is not None:
                yield SizesReady(self.result)

    # ---- pieces --------------------------------------------------------------------
    def _scan(self, started: float, text: str):
        """Measure and check the context for a tar upload (yields its events); None when
        it cannot be sent (the failure was yielded)."""
        from studio.engine import context as build_context

        req = self.request
        try:
            ctx = build_context.scan(req.context_dir, text, outside_name(text), req.dockerfile_path,
                                     files=self._send_context, hide_outside=True)
        except build_context.ContextError as exc:
            yield from self._fail(started, BuildFailed(str(exc)))
            return None
        yield ContextReady(ctx.size, ctx.files, ctx.warning)
        if ctx.warning:
            yield BuildWarning(ctx.warning)
        return ctx

    def _prepare(self):
        """Parse and map the Dockerfile: ``(document, graph, text to send)`` or a BuildFailed.
        Sets ``stage_map`` and, for a chosen target, the engine's name for it."""
        from studio.engine.mapping import StageMap

        req = self.request
        try:
            document, graph = _parse(req)
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
                _close_quietly(self._client)

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
            _shutdown(sock)

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
            context_error = _cause(exc, ContextError)  # a file changed or became unreadable mid-upload
            if context_error is not None:
                return BuildFailed(str(context_error)), ctx
            return BuildFailed(f"could not send the build to the engine: {exc}"), ctx

    def _open_session(self, api) -> dict[str, str] | None:
        """Serve the context, Dockerfile, secrets and SSH through a BuildKit session, as the
        docker CLI does; the build then names it. None: upload the context as a tar (an
        engine without sessions); a build that needs secrets or SSH cannot, and fails."""
        from studio.engine.session.for_build import build_session, dockerfile_name
        from studio.engine.session.transport import SessionUnavailable

        req = self.request
        if req.session is False:
            if req.secrets or req.ssh:
                raise SessionUnavailable("secrets and SSH need a BuildKit session, which this build turned off")
            return None
        session = build_session(req.context_dir, self._sent_text or req.dockerfile_text, req.dockerfile_path,
                                req.secrets, req.ssh, send_context=self._send_context)
        try:
            session.start(api)
        except SessionUnavailable:
            if req.secrets or req.ssh or req.session:
                raise
            return None
        self.session = session
        if self.cancelled:
            session.close()
        return {"session": session.id, "remote": "client-session",
                "dockerfile": dockerfile_name(req.dockerfile_path)}

    def _open_buildx(self, text: str) -> tuple:
        """Start `docker buildx build` on the request's builder: a sent tuple like _open's."""
        from studio.engine.buildx import BuildxOptions, BuildxRun, BuildxUnavailable

        req = self.request
        options = BuildxOptions(req.builder or "default", req.context_dir if self._send_context else None, text,
                                self._target_key or req.target, dict(req.build_args), dict(req.labels),
                                req.no_cache, req.platform, req.tag,
                                secrets=[s.describe() for s in req.secrets],
                                ssh=[f"{s.id}={s.socket}" for s in req.ssh], extra=_buildx_flags(req))
        run = self.buildx = BuildxRun(options)
        try:
            run.start()
        except BuildxUnavailable as exc:
            run.close()
            return BuildFailed(str(exc)), None
        if self.cancelled:
            run.cancel()
        return 200, run.messages(), run.close, lambda: "", None

    def _buildx_loaded(self, client) -> bool:
        """Whether the buildx builder put the image into the engine we measure with."""
        if client is None:
            return False
        from studio.engine.buildx import BuildxUnavailable, list_builders

        try:
            builders = {b.name: b for b in list_builders()}
        except BuildxUnavailable:
            return False
        found = builders.get(self.request.builder or "default")
        return found is not None and found.loads_into_engine

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
                translator.failure = BuildFailed(_error_message(error_text()))
                return
            for message in (chunks if self.backend == "buildx" else _messages(chunks)):
                yield from translator.feed(message)
            if ctx is not None:
                self.context_digest = ctx.digest
        except Exception as exc:  # noqa: BLE001 - a shut-down socket raises from deep inside
            if not self.cancelled:
                translator.failure = BuildFailed(f"lost the connection to the engine: {exc}")
        finally:
            self._finish_request(sent)


def _parse(req: BuildRequest):
    from studio.core import parse

    document = parse(req.dockerfile_text)
    target: Any = req.target
    if target is not None:
        stage = document.stage(int(target) if str(target).isdigit() else target)
        if stage is None:
            names = ", ".join(s.key for s in document.stages) or "none"
            raise ValueError(f"there is no stage {target!r} to build (stages: {names})")
        target = stage.index
    graph = document.graph(target=target, build_args=dict(req.build_args))
    return document, graph


def outside_name(text: str) -> str:
    """The context name of a Dockerfile that has no place in the context: the docker CLI's
    ``.dockerfile.`` plus 20 hex digits, here taken from the text so that the same text
    sends the same context (the CLI's are random, which defeats the cache of ``COPY .``)."""
    import hashlib

    return ".dockerfile." + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _unapplied_options(req: BuildRequest, backend: str, api_version: str | None) -> str | None:
    """Options the engine would take and then quietly ignore. Checked: Debian's 20.10 (API
    1.41) runs BuildKit RUN steps without --ulimit and --shm-size (its classic builder
    applies them); Docker 26.1 applies them with BuildKit too."""
    if backend != "buildkit" or not (req.ulimits or req.shm_size) or not api_version:
        return None
    try:
        major, minor = (int(part) for part in api_version.split(".")[:2])
    except ValueError:
        return None
    if (major, minor) >= (1, 42):  # Docker 23.0 and later
        return None
    flags = " and ".join(f for f, used in (("--ulimit", req.ulimits), ("--shm-size", req.shm_size)) if used)
    return (f"this engine (API {api_version}) builds with BuildKit without applying {flags}: its RUN steps "
            "would not get them. Build with the classic builder (--backend classic) or on a newer engine "
            "(Docker 26.1 applies them)")


def build_params(req: BuildRequest, backend: str, stage_map, target_key: str | None = None,
                 extra_labels: dict[str, str] | None = None, dockerfile: str = DOCKERFILE_NAME) -> dict[str, Any]:
    params: dict[str, Any] = {"dockerfile": dockerfile, "rm": "1", "forcerm": "1",
                              "version": "2" if backend == "buildkit" else "1"}
    if target_key:
        params["target"] = target_key
    if req.build_args:
        params["buildargs"] = json.dumps(req.build_args)
    labels = dict(req.labels)
    labels.update(extra_labels or {})
    if labels:
        params["labels"] = json.dumps(labels)
    if req.no_cache:
        params["nocache"] = "1"
    if req.tag and not extra_labels:
        params["t"] = req.tag
    if req.platform:
        params["platform"] = req.platform
    if req.network and req.network != "default":
        params["networkmode"] = req.network
    if req.extra_hosts:
        params["extrahosts"] = list(req.extra_hosts)  # one query parameter each, as the docker CLI sends them
    if req.ulimits:
        params["ulimits"] = json.dumps(req.ulimits)
    if req.shm_size:
        params["shmsize"] = str(req.shm_size)
    if req.pull:
        params["pull"] = "1"
    return params


def _messages(chunks: Iterator[bytes]) -> Iterator[dict]:
    """Decode the engine's JSON lines as they arrive (objects never span a newline)."""
    buffer = b""
    decoder = json.JSONDecoder()
    for chunk in chunks:
        buffer += chunk
        if b"\n" not in buffer:
            continue
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            yield from _decode_line(line, decoder)
    if buffer.strip():
        yield from _decode_line(buffer, decoder)


def _decode_line(line: bytes, decoder: json.JSONDecoder) -> Iterator[dict]:
    text = line.decode("utf-8", "replace").strip()
    pos = 0
    while pos < len(text):
        try:
            obj, end = decoder.raw_decode(text, pos)
        except ValueError:
            yield {"stream": text[pos:] + "\n"}
            return
        if isinstance(obj, dict):
            yield obj
        pos = end
        while pos < len(text) and text[pos] in " \r\t":
            pos += 1


def _error_message(body: str) -> str:
    try:
        return str(json.loads(body).get("message") or body)
    except (ValueError, AttributeError):
        return f"the engine refused the build: {body[:300]}"


_NOT_FOUND = re.compile(r'"/?([^"]+)":? not found')


def _hint_ignored_source(failure: BuildFailed, ctx, req: BuildRequest) -> None:
    """A COPY source the engine did not find because .dockerignore left it out: say so."""
    m = _NOT_FOUND.search(failure.message)
    if m is None:
        return
    from studio.engine.dockerignore import IgnoreMatcher, load

    try:  # a session build has no scan: find the file as the scan does
        ignore_file = ctx.ignore_file if ctx is not None else load(req.context_dir, req.dockerfile_path)[1]
        if ignore_file is None:
            return
        matcher = IgnoreMatcher.from_text(ignore_file.read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError):
        return
    if matcher.ignored(m.group(1)):
        failure.message += f" ({m.group(1)} is left out of the build context by {ignore_file.name})"


def _buildx_flags(req: BuildRequest) -> list[str]:
    """docker build's engine options as buildx flags."""
    flags = [f"--network={req.network}"] if req.network else []
    flags += [f"--add-host={host}" for host in req.extra_hosts]
    for limit in req.ulimits:
        flags.append(f"--ulimit={limit['Name']}={limit['Soft']}:{limit['Hard']}")
    if req.shm_size:
        flags.append(f"--shm-size={req.shm_size}")
    if req.pull:
        flags.append("--pull")
    return flags


def _hint_session_input(failure: BuildFailed, stage_map, req: BuildRequest) -> None:
    from studio.engine.failures import session_input_hint

    hint = session_input_hint(stage_map, failure.line, {s.id for s in req.secrets}, {s.id for s in req.ssh})
    if hint and hint not in failure.message:
        failure.message = f"{failure.message} ({hint})"


def _cause(exc: BaseException, kind: type) -> BaseException | None:
    """``exc`` or the first exception of type ``kind`` in its chain (HTTP libraries wrap
    what the request body raised)."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        if isinstance(current, kind):
            return current
        current, seen = current.__cause__ or current.__context__, seen + 1
    return None


def _close_quietly(client) -> None:
    if client is not None:
        try:
            client.close()
        except Exception:  # noqa: BLE001 - closing is best effort
            pass


def _shutdown(sock) -> None:
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except (OSError, TypeError, AttributeError):
        try:
            sock.shutdown(2)  # paramiko channels take a plain int
        except Exception:  # noqa: BLE001
            pass
