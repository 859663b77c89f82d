"""Uploads are bounded before they are read: a declared length over the limit is refused
unread (413), and a body that streams past the limit without declaring it is cut off; the
server goes on serving."""

from __future__ import annotations

import contextlib
import socket
import time
import urllib.parse

from tests.web.conftest import Client, Server


def _raw(server: Server, head: str, body: bytes = b"", timeout: float = 30) -> bytes:
    host, port = urllib.parse.urlsplit(server.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.sendall(head.encode("ascii") + body)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def test_a_declared_gigabyte_is_refused_unread(sqlite_server: Server) -> None:
    started = time.monotonic()
    reply = _raw(sqlite_server,
                 "POST /proposals/new/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 "Content-Type: multipart/form-data; boundary=x\r\n"
                 f"Content-Length: {1 << 30}\r\nConnection: close\r\n\r\n", b"--x\r\n")
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert time.monotonic() - started < 60  # answered without the gigabyte
    assert Client(sqlite_server.url).get("/login/").status == 200


def test_a_chunked_stream_past_the_limit_is_cut_off(sqlite_server: Server) -> None:
    """No declared length: the served application counts the body as it streams and answers
    413 once it passes the limit, long before the 4 MB are sent."""
    chunk = b"x" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(64)) + b"0\r\n\r\n"
    host, port = urllib.parse.urlsplit(sqlite_server.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(b"POST /proposals/new/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Content-Type: multipart/form-data; boundary=x\r\n"
                  b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            s.sendall(body)  # the server may stop reading: what is asserted is its answer
        reply = s.recv(65536)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert Client(sqlite_server.url).get("/login/").status == 200


def test_a_stream_past_the_limit_stops_in_memory() -> None:
    """No declared length: the upload handler keeps the file in memory and stops it once it
    passes the limit (nothing is spooled to a temporary file)."""
    import pytest
    from django.core.files.uploadhandler import StopFutureHandlers, StopUpload
    from django.test import override_settings

    from engine.store.config import ensure_django

    ensure_django()
    from engine.web.uploads import BoundedUpload

    with override_settings(MAX_UPLOAD_BYTES=10, DATA_UPLOAD_MAX_MEMORY_SIZE=6):
        handler = BoundedUpload()
        handler.handle_raw_input(None, {}, None, "x", None)  # no length at all
        with pytest.raises(StopFutureHandlers):  # the file is this handler's, in memory
            handler.new_file("upload", "p.yaml", "text/plain", None)
        assert handler.receive_data_chunk(b"12345678", 0) is None  # 16 bytes allowed
        assert handler.receive_data_chunk(b"12345678", 8) is None
        with pytest.raises(StopUpload):
            handler.receive_data_chunk(b"1", 16)
