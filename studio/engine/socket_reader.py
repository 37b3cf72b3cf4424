"""An HTTP body taken from its socket by a thread of its own, megabytes per system call.

An image's save stream arrives as fast as the engine reads its temporary files; read
through http.client it costs a Python call per 32 KiB chunk, and while the reader parses
a chunk the engine waits (a socket holds a few hundred KiB). Here a thread receives into
a few large buffers with ``MSG_WAITALL`` (one call per buffer, the GIL released while the
kernel fills it) and the caller undoes the chunked framing on those buffers in place, so
receiving and parsing overlap and nothing is copied on the way. A buffer is refilled only
after the caller has asked for the one after it (``tar_stream.ChunkSource`` looks at one
chunk at a time).
"""
from __future__ import annotations

import queue
import socket
import struct
import threading
from collections.abc import Iterator

BUFFER = 4 << 20
BUFFERS = 3


class BodyError(OSError):
    """The body broke off, stalled, or its chunked framing is not HTTP's."""


def body_chunks(body, stall_timeout: float) -> Iterator[memoryview]:
    """The data of ``body`` (an ``sdk.RawBody``) as memoryviews, framing removed. The socket
    is closed when the body ends or the caller stops; ``stall_timeout`` bounds each wait."""
    expected = None if body.chunked or body.length is None else max(0, body.length - len(body.head))
    received = _received(body.sock, body.head, stall_timeout, expected)
    try:
        if body.chunked:
            yield from _dechunked(received)
        else:
            left = body.length
            for buf, n in received:
                if left is not None:
                    n = min(n, left)
                    left -= n
                if n:
                    yield memoryview(buf)[:n]
                if left == 0:
                    return
    finally:
        received.close()
        body.response.close()


def _received(sock: socket.socket, head: bytes, stall_timeout: float, expected: int | None) -> Iterator[tuple]:
    """``(buffer, bytes in it)``: ``head`` first, then what the thread receives (until the
    engine closes the connection, as asked, or ``expected`` more bytes came)."""
    seconds = int(stall_timeout)
    sock.settimeout(None)  # blocking, so MSG_WAITALL waits in the kernel; the stall bound is the kernel's
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", seconds, 0))
    free: queue.Queue = queue.Queue()
    full: queue.Queue = queue.Queue()
    for _ in range(BUFFERS):
        free.put(bytearray(BUFFER))
    threading.Thread(target=_receive, args=(sock, free, full, expected, seconds), name="save-stream",
                     daemon=True).start()
    held = None
    try:
        if head:
            yield head, len(head)
        while True:
            buf, n = full.get()
            if held is not None:
                free.put(held)  # the caller has moved on from it
            if isinstance(buf, BaseException):
                raise BodyError(f"the engine's answer broke off: {buf}") from buf
            if buf is None:
                return
            held = buf
            yield buf, n
    finally:
        free.put(None)  # the thread ends: waiting for a buffer, or at the end of the socket
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _receive(sock: socket.socket, free: queue.Queue, full: queue.Queue, expected: int | None, seconds: int) -> None:
    try:
        while True:
            buf = free.get()
            if buf is None:
                return
            want = len(buf) if expected is None else min(len(buf), expected)
            view, got = memoryview(buf), 0
            while got < want:
                n = sock.recv_into(view[got:], want - got, socket.MSG_WAITALL)
                if not n:
                    break
                got += n
            full.put((buf, got))
            if expected is not None:
                expected -= got
            if got < len(buf):  # the engine closed the connection, or all expected came: the end
                full.put((None, 0))
                return
    except BlockingIOError:
        full.put((TimeoutError(f"nothing came for {seconds} s"), 0))
    except BaseException as exc:  # noqa: BLE001 - handed to the reading side, which raises it
        full.put((exc, 0))


def _dechunked(received: Iterator[tuple]) -> Iterator[memoryview]:
    """The data of an HTTP/1.1 chunked body: each chunk is ``<hex size>[;ext]\\r\\n``, the
    data, ``\\r\\n``; a chunk of size 0 ends it (trailers are not read)."""
    left = 0  # data bytes of the current chunk still to come
    crlf = 0  # bytes of the CRLF after a chunk's data still to skip
    line = b""  # a size line cut by a buffer's end
    for buf, n in received:
        view, pos = memoryview(buf), 0
        while pos < n:
            if left:
                take = min(left, n - pos)
                yield view[pos:pos + take]
                pos += take
                left -= take
                if not left:
                    crlf = 2
            elif crlf:
                skip = min(crlf, n - pos)
                if bytes(view[pos:pos + skip]) != b"\r\n"[2 - crlf:2 - crlf + skip]:
                    raise BodyError("the engine's answer is not HTTP chunked framing (no CRLF after a chunk)")
                pos += skip
                crlf -= skip
            else:
                end = buf.find(b"\n", pos, n)
                line += bytes(view[pos:n if end < 0 else end])
                if end < 0:
                    if len(line) > 4096:
                        raise BodyError("the engine's answer is not HTTP chunked framing (a size line runs on)")
                    break
                pos = end + 1
                try:
                    left = int(line.split(b";", 1)[0].strip(), 16)
                except ValueError:
                    raise BodyError(f"the engine's answer is not HTTP chunked framing ({line[:40]!r})") from None
                line = b""
                if left == 0:
                    return
    raise BodyError("the engine's answer ended before its last chunk")
