"""The ASGI application that ``duty serve`` runs (gunicorn with uvicorn's worker).

Connections are held by an event loop, not by a worker: a client that sends its request a byte
at a time, or sends nothing at all, costs a socket and a little memory, never a thread, so slow
clients cannot stall the others (docs/web.md, "Serving"). Django's views stay synchronous;
each request runs in a thread of its own once its body is in.

Bodies are bounded before they are read: a request whose declared ``Content-Length`` is over
what a proposal form and its file can hold is answered 413 before a byte of its body is
received, and a body that streams past that limit (no length, or a false one) is cut off
with the same answer. A body within the limit is kept in memory, never spooled to a file.
"""

from __future__ import annotations

import io
import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engine.web.settings")

import django
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler

from engine.web.uploads import body_limit, too_large_text


class BodyTooLarge(Exception):
    """The body streamed past the limit."""


def declared_length(scope: dict[str, Any]) -> int:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def refuse(send: Any) -> None:
    body = too_large_text().encode("utf-8")
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode("ascii")),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BoundedASGIHandler(ASGIHandler):
    """Django's ASGI handler with the body bounded before and while it is read."""

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if declared_length(scope) > body_limit():
            await refuse(send)
            return
        try:
            await super().handle(scope, receive, send)
        except BodyTooLarge:
            await refuse(send)

    async def read_body(self, receive: Any) -> io.BytesIO:
        limit = body_limit()
        body = io.BytesIO()  # in memory: never more than the limit
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise RequestAborted()
            chunk = message.get("body", b"")
            if body.tell() + len(chunk) > limit:
                raise BodyTooLarge()
            body.write(chunk)
            if not message.get("more_body", False):
                break
        body.seek(0)
        return body


django.setup(set_prefix=False)
application = BoundedASGIHandler()
