"""The admin's page of current log-in lock-outs (by account and address together), each with
a button that lifts it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from engine.errors import DutyError
from engine.web.access import acting, need_kind
from engine.web.runtime import clock, engine
from engine.web.views.errors import status_of, words
from engine.workflow import lockouts
from engine.workflow.names import RoleKind


@acting
def lockout_list(request: HttpRequest) -> HttpResponse:
    need_kind(request.actor, RoleKind.admin)  # type: ignore[attr-defined]
    with engine() as s:
        rows = lockouts.current(s.store, clock().now)
    return render(request, "web/lockouts.html", {"rows": rows})


@acting
@require_POST
def lift(request: HttpRequest, lockout: int) -> HttpResponse:
    need_kind(request.actor, RoleKind.admin)  # type: ignore[attr-defined]
    with engine() as s:
        try:
            done = lockouts.lift(s.store, request.actor, clock(),  # type: ignore[attr-defined]
                                 lockout=lockout)
        except DutyError as exc:
            rows = lockouts.current(s.store, clock().now)
            return render(request, "web/lockouts.html", {"rows": rows, "error": words(exc)},
                          status=status_of(exc))
    assert done is not None  # one lock-out, found (else NotFoundError)
    messages.success(request, f"已解除账号 {done.username} 在地址 {'、'.join(done.addresses)} "
                              "的登录锁定。")
    return redirect("lockouts")
