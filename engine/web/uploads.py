"""Request bodies bounded before they are read: a body that declares more than a proposal
form and its file can hold is refused by its Content-Length (413, nothing read), and a file
that grows past the limit while streaming (no or a false length) stops the upload; uploads are
kept in memory only, never spooled to a temporary file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse


def body_limit() -> int:
    return int(settings.MAX_UPLOAD_BYTES) + int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def too_large_text() -> str:
    return f"请求过大：上传文件不能超过 {settings.MAX_UPLOAD_BYTES // 1024} KB。"


class DeclaredLength:
    """Middleware: refuse a body whose declared length is over the limit, unread."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > body_limit():
            response = HttpResponse(too_large_text(), status=413,
                                    content_type="text/plain; charset=utf-8")
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class BoundedUpload(MemoryFileUploadHandler):
    """Files in memory, up to the body limit (a file a little over ``MAX_UPLOAD_BYTES`` still
    reaches the form, which names its size); a longer stream stops the upload."""

    def handle_raw_input(self, *args: Any, **kwargs: Any) -> None:
        super().handle_raw_input(*args, **kwargs)
        self.activated = True  # in memory whatever the declared length
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > body_limit():
            raise StopUpload(connection_reset=True)
        return super().receive_data_chunk(raw_data, start)
