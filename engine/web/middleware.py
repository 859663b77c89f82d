"""Headers every response carries: a strict content security policy (no script, style or font
from elsewhere), and Secure cookies when the request came over HTTPS."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


class SecureHeaders:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        if request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies:
                    response.cookies[name]["secure"] = True
        return response


SESSION_MUST_CHANGE = "duty_must_change"


class ForcedPasswordChange:
    """An account whose password is temporary (set or reset by an administrator) sees the
    password page before anything else. Asked once per session: a reset changes the password,
    which ends the account's sessions, and the password page clears the mark."""

    OPEN = ("password", "logout")  # the pages it may still open

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            must = request.session.get(SESSION_MUST_CHANGE)
            if must is None:
                from engine.web.runtime import service
                from engine.workflow.accounts import must_change_password

                must = must_change_password(service().store, user.get_username())
                request.session[SESSION_MUST_CHANGE] = must
            if must:
                from django.shortcuts import redirect
                from django.urls import Resolver404, resolve

                try:
                    name = resolve(request.path_info).url_name
                except Resolver404:
                    name = None
                if name not in self.OPEN:
                    return redirect("password")
        return self.get_response(request)


class CountyInStep:
    """The county a process serves is the one the store records (``engine/web/runtime.py``),
    checked before anything reads it: a host whose county directory fell behind an import
    made elsewhere answers every request with 503 and the reason, and changes nothing. The
    page is plain (the site's templates would read the county again)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from engine.errors import StoreError
        from engine.web.runtime import in_step

        try:
            in_step()
        except StoreError as exc:
            if exc.reason != "county-behind":
                raise
            from django.utils.html import escape

            from engine.web.views.errors import words

            return HttpResponse(
                "<!doctype html><html lang=\"zh-hans\"><meta charset=\"utf-8\">"
                f"<title>县区数据不一致</title><h1>县区数据不一致</h1><p>{escape(words(exc))}</p>",
                status=503)
        return self.get_response(request)
