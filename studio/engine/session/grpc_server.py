"""A small gRPC server over one HTTP/2 connection, for the BuildKit session.

Why a server: after ``POST /session`` is upgraded (h2c), the engine is the gRPC *client*
on that connection and we answer its calls (file sync, secrets, SSH, health). HTTP/2
framing, HPACK and flow control are the ``h2`` library's; this module adds only gRPC's
message framing (a flag byte and a four-byte length before each message), the status
trailers, and a loop that keeps output within the peer's flow-control windows.

Everything runs on one thread (``serve``): handlers are called from it and produce their
output lazily (an iterator per call), so a 100 MB context is read from disk only as fast
as the engine takes it, and memory stays flat. ``close`` may be called from any thread.
"""
from __future__ import annotations

import logging
import os
import select
import socket
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings

log = logging.getLogger(__name__)

# gRPC status codes used here (google.golang.org/grpc/codes).
OK, CANCELLED, UNKNOWN, NOT_FOUND, PERMISSION_DENIED, UNIMPLEMENTED, INTERNAL = 0, 1, 2, 5, 7, 12, 13
WINDOW = 4 * 1024 * 1024  # our receive window: the engine's REQ packets never wait on us
REFILL = 256 * 1024  # bytes of framed output kept ready per call


class GrpcError(Exception):
    """Raised by a handler to end its call with a gRPC status other than OK."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def frame(message: bytes) -> bytes:
    """One gRPC length-prefixed message (never compressed)."""
    return b"\x00" + len(message).to_bytes(4, "big") + message


class Call:
    """One gRPC call: an HTTP/2 stream, its metadata, and its queued output."""

    def __init__(self, stream_id: int, path: str, metadata: dict[str, list[str]]) -> None:
        self.stream_id = stream_id
        self.path = path
        self.metadata = metadata
        self.inbox = bytearray()
        self.out = bytearray()
        self.sources: deque[Iterator[bytes]] = deque()
        self.status: tuple[int, str] | None = None  # set by finish(); sent once output drains
        self.headers_sent = False
        self.done = False
        self.handler = None

    def first(self, key: str) -> str | None:
        values = self.metadata.get(key)
        return values[0] if values else None

    def send(self, message: bytes) -> None:
        self.sources.append(iter((message,)))

    def send_all(self, messages: Iterable[bytes]) -> None:
        """Queue messages that are made only when the peer can take them."""
        self.sources.append(iter(messages))

    def finish(self, code: int = OK, message: str = "") -> None:
        if self.status is None:
            self.status = (code, message)


Handler = Callable[[Call], object]  # a factory: called once per call with the Call


class UnaryHandler:
    """A one-request, one-response method: ``fn(request bytes) -> response bytes``."""

    def __init__(self, fn: Callable[[Call, bytes], bytes]) -> None:
        self.fn = fn

    def __call__(self, call: Call) -> UnaryHandler:
        return _Unary(self.fn)  # type: ignore[return-value]


class _Unary:
    def __init__(self, fn) -> None:
        self.fn = fn
        self.request = b""

    def on_message(self, call: Call, payload: bytes) -> None:
        self.request = payload

    def on_half_close(self, call: Call) -> None:
        try:
            call.send(self.fn(call, self.request))
            call.finish(OK)
        except GrpcError as exc:
            call.finish(exc.code, exc.message)

    def on_cancel(self, call: Call) -> None:
        pass


class GrpcServer:
    """Serves ``routes`` (``/package.Service/Method`` -> handler factory) on ``sock``."""

    def __init__(self, sock: socket.socket, routes: dict[str, Handler]) -> None:
        self.sock = sock
        self.routes = routes
        self.calls: dict[int, Call] = {}
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
        self._wake_r, self._wake_w = os.pipe()
        self._closed = threading.Event()
        self.watched: dict[int, Callable[[], None]] = {}  # extra file descriptors (SSH agent sockets)
        self.error: BaseException | None = None
        self.fault: BaseException | None = None  # an unexpected error that ended the session

    # ---- lifecycle ----------------------------------------------------------------
    def close(self) -> None:
        """Stop serving (any thread); the engine sees the session end."""
        if self._closed.is_set():
            return
        self._closed.set()
        try:
            os.write(self._wake_w, b"x")
        except OSError:
            pass

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def wake(self) -> None:
        try:
            os.write(self._wake_w, b"x")
        except OSError:
            pass

    def serve(self) -> None:
        """Run until the engine closes the connection or ``close`` is called."""
        try:
            self.conn.initiate_connection()
            self.conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: WINDOW})
            self.conn.increment_flow_control_window(WINDOW)
            self._flush()
            while not self._closed.is_set():
                readable, _, _ = select.select([self.sock, self._wake_r, *self.watched], [], [], 1.0)
                if self._wake_r in readable:
                    os.read(self._wake_r, 4096)
                if self.sock in readable:
                    data = self.sock.recv(256 * 1024)
                    if not data:
                        break
                    self._handle(self.conn.receive_data(data))
                for fd in readable:
                    callback = self.watched.get(fd)
                    if callback is not None:
                        callback()
                self._pump()
                self._flush()
        except (OSError, h2.exceptions.ProtocolError) as exc:
            if not self._closed.is_set():
                self.error = exc
                log.debug("session connection ended: %s", exc)
        except Exception as exc:  # a bug here ends the session, never with a thread traceback
            self.error = self.fault = exc
            log.debug("session failed", exc_info=True)
        finally:
            self._closed.set()
            for call in list(self.calls.values()):
                self._cancel(call)
            for fd in (self._wake_r, self._wake_w):
                try:
                    os.close(fd)
                except OSError:
                    pass

    # ---- HTTP/2 events ------------------------------------------------------------
    def _handle(self, events) -> None:
        for event in events:
            if isinstance(event, h2.events.RequestReceived):
                self._open(event.stream_id, event.headers)
            elif isinstance(event, h2.events.DataReceived):
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                call = self.calls.get(event.stream_id)
                if call is not None:
                    call.inbox += event.data
                    self._deliver(call)
            elif isinstance(event, h2.events.StreamEnded):
                call = self.calls.get(event.stream_id)
                if call is not None and call.handler is not None:
                    self._guard(call, lambda c=call: c.handler.on_half_close(c))
            elif isinstance(event, h2.events.StreamReset):
                call = self.calls.pop(event.stream_id, None)
                if call is not None:
                    self._cancel(call)
            elif isinstance(event, h2.events.ConnectionTerminated):
                self._closed.set()

    def _open(self, stream_id: int, headers) -> None:
        metadata: dict[str, list[str]] = {}
        path = ""
        for name, value in headers:
            if name == ":path":
                path = value
            elif not name.startswith(":"):
                metadata.setdefault(name.lower(), []).append(value)
        call = Call(stream_id, path, metadata)
        self.calls[stream_id] = call
        factory = self.routes.get(path)
        if factory is None:
            call.finish(UNIMPLEMENTED, f"unknown method {path}")
            return
        try:
            call.handler = factory(call)
        except GrpcError as exc:
            call.finish(exc.code, exc.message)

    def _deliver(self, call: Call) -> None:
        box = call.inbox
        while len(box) >= 5:
            size = int.from_bytes(box[1:5], "big")
            if len(box) < 5 + size:
                return
            payload = bytes(box[5:5 + size])
            del box[:5 + size]
            if call.handler is not None and call.status is None:
                self._guard(call, lambda c=call, p=payload: c.handler.on_message(c, p))

    def _guard(self, call: Call, action: Callable[[], None]) -> None:
        try:
            action()
        except GrpcError as exc:
            call.finish(exc.code, exc.message)
        except Exception as exc:  # a handler bug ends its call, never the session
            log.debug("session handler for %s failed", call.path, exc_info=True)
            call.finish(INTERNAL, f"{type(exc).__name__}: {exc}")

    def _cancel(self, call: Call) -> None:
        if call.handler is not None and not call.done:
            call.done = True
            try:
                call.handler.on_cancel(call)
            except Exception:
                log.exception("session handler for %s failed while cancelled", call.path)

    # ---- output -------------------------------------------------------------------
    def _pump(self) -> None:
        for call in list(self.calls.values()):
            self._pump_call(call)

    def _pump_call(self, call: Call) -> None:
        sid = call.stream_id
        if not call.headers_sent:
            self.conn.send_headers(sid, [(":status", "200"), ("content-type", "application/grpc")])
            call.headers_sent = True
        while True:
            while len(call.out) < REFILL and call.sources:
                try:
                    call.out += frame(next(call.sources[0]))
                except StopIteration:
                    call.sources.popleft()
                except GrpcError as exc:
                    call.sources.clear()
                    call.finish(exc.code, exc.message)
                except OSError as exc:
                    call.sources.clear()
                    call.finish(UNKNOWN, str(exc))
                except Exception as exc:  # a handler bug ends its call, never the session
                    log.debug("session handler for %s failed", call.path, exc_info=True)
                    call.sources.clear()
                    call.finish(INTERNAL, f"{type(exc).__name__}: {exc}")
            if not call.out:
                break
            window = min(self.conn.local_flow_control_window(sid), self.conn.max_outbound_frame_size)
            if window <= 0:
                return  # the engine has not read yet; a WINDOW_UPDATE wakes the loop
            piece = bytes(call.out[:window])
            del call.out[:window]
            self.conn.send_data(sid, piece)
            self._flush()
        if call.status is not None and not call.sources and not call.out:
            code, message = call.status
            trailers = [("grpc-status", str(code))]
            if message:
                trailers.append(("grpc-message", _percent(message)))
            self.conn.send_headers(sid, trailers, end_stream=True)
            call.done = True
            self.calls.pop(sid, None)

    def _flush(self) -> None:
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)


def _percent(message: str) -> str:
    """grpc-message is percent-encoded outside printable ASCII (the gRPC HTTP/2 spec)."""
    out = []
    for byte in message.encode("utf-8", "surrogateescape"):
        out.append(chr(byte) if 0x20 <= byte < 0x7F and byte != 0x25 else f"%{byte:02X}")
    return "".join(out)
