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

from engine.web.uploads import body_limit, too_large_page


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


async def refuse(scope: dict[str, Any], send: Any) -> None:
    text, content_type = too_large_page(scope.get("path", ""), declared_length(scope))
    body = text.encode("utf-8")
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", content_type.encode("ascii")),
                            (b"content-length", str(len(body)).encode("ascii")),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BoundedASGIHandler(ASGIHandler):
    """Django's ASGI handler with the body bounded before and while it is read (the limit of
    the request's path: the import page takes more)."""

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        limit = body_limit(scope.get("path", ""))
        if declared_length(scope) > limit:
            await refuse(scope, send)
            return
        received = 0

        async def bounded() -> Any:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge()
            return message

        try:
            await super().handle(scope, bounded, send)
        except BodyTooLarge:
            await refuse(scope, send)

    async def read_body(self, receive: Any) -> io.BytesIO:
        body = io.BytesIO()  # in memory: ``handle`` bounds what ``receive`` gives
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise RequestAborted()
            body.write(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body.seek(0)
        return body


django.setup(set_prefix=False)
application = BoundedASGIHandler()
