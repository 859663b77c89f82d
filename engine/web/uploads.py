"""Request bodies bounded before they are read: a body that declares more than a proposal
form and its file can hold is refused by its Content-Length (413, nothing read), and a file
that grows past the limit while streaming (no or a false length) stops the upload; uploads are
kept in memory only, never spooled to a temporary file. The review and legal-review steps take
attachments, and their bodies may hold as many as a step accepts (``ATTACHMENT_STEPS``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse

from engine.workflow.notes import LIMIT_WORDS, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS

# the steps whose forms carry attachments (a review's notes, a legal opinion)
ATTACHMENT_STEPS = re.compile(r"^/proposals/[^/]+/(review|legal)/$")


def takes_attachments(path: str) -> bool:
    return bool(ATTACHMENT_STEPS.match(path or ""))


def body_limit(path: str = "") -> int:
    files = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + int(settings.MAX_UPLOAD_BYTES) \
        if takes_attachments(path) else int(settings.MAX_UPLOAD_BYTES)
    return files + int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class DeclaredLength:
    """Middleware: refuse a body whose declared length is over the limit, unread."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > body_limit(request.path_info):
            response = HttpResponse(
                f"请求过大：{LIMIT_WORDS}。" if takes_attachments(request.path_info) else
                f"请求过大：上传文件不能超过 {settings.MAX_UPLOAD_BYTES // 1024} KB。",
                status=413, content_type="text/plain; charset=utf-8")
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
        path = self.request.path_info if self.request is not None else ""
        if self.received > body_limit(path):
            raise StopUpload(connection_reset=True)
        return super().receive_data_chunk(raw_data, start)
