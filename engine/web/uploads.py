"""Request bodies bounded before they are read: a body that declares more than a proposal
form and its file can hold is refused by its Content-Length (413, nothing read), and a file
that grows past the limit while streaming (no or a false length) stops the upload; uploads are
kept in memory only, never spooled to a temporary file. The office's import page takes
workbooks up to ``MAX_IMPORT_BYTES`` in all, and a larger declared body there is answered with
the page's message next to the upload field; the review and legal-review steps take
attachments, and their bodies may hold as many as a step accepts (``ATTACHMENT_STEPS``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse

from engine.workflow.notes import LIMIT_WORDS, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS

IMPORT_PATH = "/import/"  # the office's import page takes workbooks (MAX_IMPORT_BYTES)
# the steps whose forms carry attachments (a review's notes, a legal opinion)
ATTACHMENT_STEPS = re.compile(r"^/proposals/[^/]+/(review|legal)/$")


def takes_attachments(path: str) -> bool:
    return bool(ATTACHMENT_STEPS.match(path or ""))


def body_limit(path: str = "") -> int:
    if path.startswith(IMPORT_PATH):
        files = int(settings.MAX_IMPORT_BYTES)
    elif takes_attachments(path):
        files = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + int(settings.MAX_UPLOAD_BYTES)
    else:
        files = int(settings.MAX_UPLOAD_BYTES)
    return files + int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def too_large_page(path: str, declared: int) -> tuple[str, str]:
    """The body and content type of a 413: on the import page, the page itself with the
    message next to the upload field; elsewhere, one line of text."""
    if path.startswith(IMPORT_PATH):
        from django.template.loader import render_to_string

        return (render_to_string("web/import_too_large.html", {
            "declared": declared, "limit": settings.MAX_IMPORT_BYTES}),
            "text/html; charset=utf-8")
    if takes_attachments(path):
        return f"请求过大：{LIMIT_WORDS}。", "text/plain; charset=utf-8"
    return (f"请求过大：上传文件不能超过 {settings.MAX_UPLOAD_BYTES // 1024} KB。",
            "text/plain; charset=utf-8")


def too_large(request: HttpRequest, declared: int) -> HttpResponse:
    body, content_type = too_large_page(request.path_info, declared)
    response = HttpResponse(body, status=413, content_type=content_type)
    response["Connection"] = "close"
    return response


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
            return too_large(request, declared)
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
