"""Refusals as pages: the service's typed errors mapped to HTTP statuses, and the Chinese pages
for 403, 404, 500 and a failed CSRF check (never a traceback)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from engine.errors import (
    AuthError,
    ConflictError,
    DataError,
    DutyError,
    ForbiddenError,
    NotFoundError,
    RefusedError,
    StoreError,
)

STATUS: tuple[tuple[type[DutyError], int], ...] = (
    (NotFoundError, 404), (ForbiddenError, 403), (AuthError, 403), (RefusedError, 409),
    (ConflictError, 409), (StoreError, 503), (DataError, 400))


def status_of(exc: DutyError) -> int:
    return next((code for cls, code in STATUS if isinstance(exc, cls)), 400)


def words(exc: DutyError) -> str:
    """The refusal as the service words it (its code for developers), with its hint."""
    text = f"{exc.message}"
    return text + (f"（{exc.hint}）" if exc.hint else "")


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    return render(request, "web/error.html", {"status": status, "title": title, "text": text},
                  status=status)


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(request, 403, "无权访问", "当前账号或角色不能打开该页面或执行该操作。")


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(request, 404, "页面不存在", "没有这个页面，或当前角色无权查看。")


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "web/error.html", {
        "status": 500, "title": "服务器内部错误",
        "text": "处理请求时出现内部错误，操作没有生效。请稍后重试，或告知管理员。"}, status=500)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(request, 400, "请求有误", "请求无法处理（例如上传的内容过大）。")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(request, 403, "请求未通过安全校验",
                 "表单已过期或缺少安全令牌（CSRF）。请返回上一页，刷新后重新提交。")
