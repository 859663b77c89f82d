"""Slow clients cannot take the site down: with 200 connections open that send their request a
byte at a time (headers or body) or send nothing at all, a normal client logs in and reads
pages. The test bounds each of its requests (10 s, generous) and asserts that it is served,
not how fast; the slow connections are checked to be still open, so they were held while it
was served (``duty serve``: gunicorn with uvicorn's worker; docs/web.md, "Serving")."""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import urllib.parse

from tests.web.conftest import Client, Server

SLOW = 200
PATIENCE_S = 10.0  # for each request of the normal client: served, not fast


def _slow_connections(server: Server) -> tuple[list[socket.socket], list[socket.socket]]:
    """(tricklers, idle): two thirds send their request a byte at a time, half of them still
    in the headers and half in the body of a form post; a third send nothing."""
    host, port = urllib.parse.urlsplit(server.url).netloc.split(":")
    tricklers, idle = [], []
    for n in range(SLOW):
        s = socket.create_connection((host, int(port)), timeout=PATIENCE_S)
        if n % 3 == 0:
            s.sendall(b"GET /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            tricklers.append(s)
        elif n % 3 == 1:
            s.sendall(b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Content-Type: application/x-www-form-urlencoded\r\n"
                      b"Content-Length: 4096\r\n\r\nusername=")
            tricklers.append(s)
        else:
            idle.append(s)
    return tricklers, idle


def test_two_hundred_slow_connections_do_not_stall_a_normal_client(
        sqlite_server: Server) -> None:
    tricklers, idle = _slow_connections(sqlite_server)
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(0.5):
            for s in tricklers:
                with contextlib.suppress(OSError):
                    s.send(b"a")

    feeder = threading.Thread(target=trickle, daemon=True)
    feeder.start()
    try:
        client = Client(sqlite_server.url, timeout=PATIENCE_S)
        for _ in range(3):
            assert client.get("/login/").status == 200
        client.login("office")
        for path in ("/", "/proposals/"):
            reply = client.get(path)
            assert reply.status == 200, (path, reply.text[:300])
        # the slow ones were held open all along: none answered, none closed
        answered, _, _ = select.select(tricklers, [], [], 0)
        assert answered == [], f"{len(answered)} slow connections were answered or closed"
    finally:
        stop.set()
        feeder.join(timeout=5)
        for s in (*tricklers, *idle):
            s.close()
    assert Client(sqlite_server.url, timeout=PATIENCE_S).get("/login/").status == 200
