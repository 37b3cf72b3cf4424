"""The save stream's socket reader gives exactly the body's bytes, with the chunked framing
cut anywhere by its buffers, and says so when the body breaks off, stalls or is not HTTP."""
from __future__ import annotations

import socket
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.engine import socket_reader
from studio.engine.sdk import RawBody
from studio.engine.socket_reader import BodyError, body_chunks


class _Response:
    closed = False

    def close(self) -> None:
        self.closed = True


def chunked(data: bytes, sizes: list[int]) -> bytes:
    out, at, i = [], 0, 0
    while at < len(data):
        size = sizes[i % len(sizes)]
        i += 1
        part = data[at:at + size]
        at += size
        out.append(b"%x%s\r\n" % (len(part), b";ext=1" if i % 3 == 0 else b"") + part + b"\r\n")
    return b"".join(out) + b"0\r\n\r\n"


def received(wire: bytes, head_size: int, chunked_body: bool = True, close: bool = True,
             length: int | None = None) -> tuple[bytes, _Response]:
    """Send ``wire`` through a real socket pair (the first ``head_size`` bytes as if
    http.client had buffered them) and read it back through ``body_chunks``."""
    ours, theirs = socket.socketpair()

    def send() -> None:
        try:
            theirs.sendall(wire[head_size:])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the reader is done at the last chunk's size line, before the final CRLF
        if close:
            theirs.close()

    sender = threading.Thread(target=send)
    sender.start()
    response = _Response()
    try:
        got = b"".join(bytes(v) for v in body_chunks(RawBody(ours, wire[:head_size], chunked_body, length, response), 5))
    finally:
        sender.join()
        theirs.close()
    return got, response


@settings(max_examples=40, deadline=None)
@given(data=st.binary(min_size=0, max_size=5000), sizes=st.lists(st.integers(1, 700), min_size=1, max_size=5),
       head=st.integers(0, 40), buffer=st.integers(1, 300))
def test_chunked_bodies_read_whole_across_any_buffer_boundaries(data, sizes, head, buffer):
    wire = chunked(data, sizes)
    old = socket_reader.BUFFER
    socket_reader.BUFFER = buffer
    try:
        got, response = received(wire, min(head, len(wire)))
    finally:
        socket_reader.BUFFER = old
    assert got == data and response.closed


def test_a_body_with_a_length_stops_there_and_one_without_at_the_close():
    data = bytes(range(256)) * 50
    assert received(data + b"NEXT", 10, chunked_body=False, close=False, length=len(data))[0] == data
    assert received(data, 0, chunked_body=False, length=None)[0] == data


@pytest.mark.parametrize("wire, words", [
    (b"10\r\n0123456789", "ended before its last chunk"),
    (b"zz\r\nabc\r\n0\r\n\r\n", "not HTTP chunked framing"),
    (b"3\r\nabcXY0\r\n\r\n", "no CRLF after a chunk"),
])
def test_a_broken_body_is_an_error_that_says_so(wire, words):
    with pytest.raises(BodyError, match=words):
        received(wire, 0)


def test_a_stalled_engine_ends_the_read_with_an_error():
    ours, theirs = socket.socketpair()
    try:
        theirs.sendall(b"5\r\nabc")  # and then nothing, the connection open
        with pytest.raises(BodyError, match="nothing came for 1 s"):
            list(body_chunks(RawBody(ours, b"", True, None, _Response()), 1))
    finally:
        theirs.close()
