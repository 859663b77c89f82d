"""谁来办 on the web: the list page's search box and its JSON endpoint.

``POST /lists/who/`` with ``q``, ``street`` and optionally ``top``, ``ticket`` and
``format=json`` (a complaint of 2,000 characters does not fit in a URL; ``GET`` takes the same
fields for short ones) answers from the store's newest published version, like the list page,
with the same reading rights: a street role asks about its own street only, the admin role not
at all. With a ticket number the lookup is
logged for the assessment view (the ticket, street, version and the item answered first).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from pydantic_core import to_jsonable_python

from engine.errors import DutyError, NoListsError, NotFoundError, QueryError
from engine.web.access import acting
from engine.web.runtime import clock, engine
from engine.who.answer import DEFAULT_TOP, Who
from engine.who.log import check_ticket, record_lookup
from engine.workflow.names import RoleKind

MAX_TOP = 20
_WHO: dict[tuple[str, int], Who] = {}  # per store and published version (built in seconds)


def _who(service: Any) -> tuple[Who, int]:
    """The newest published version's lists, ready to answer (kept while it is the newest)."""
    from engine.workflow.versions import version_source

    ws, number = service.published()
    key = (service.store.alias, number)
    if key not in _WHO:
        _WHO.clear()
        _WHO[key] = Who(ws, version_source(service.store, number))
    return _WHO[key], number


def _refused(request: HttpRequest, status: int, exc: DutyError) -> HttpResponse:
    if _fields(request).get("format") == "json":
        return JsonResponse({"error": exc.code, "message": exc.message, "hint": exc.hint},
                            status=status, json_dumps_params={"ensure_ascii": False})
    return render(request, _template(request), {"error": exc}, status=status)


def _template(request: HttpRequest) -> str:
    """The answer alone for the list page's search box, or as a page of its own."""
    return "web/_who_result.html" if request.htmx else "web/who.html"  # type: ignore[attr-defined]


def _fields(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else request.GET


@acting
def who(request: HttpRequest) -> HttpResponse:
    fields = _fields(request)
    actor = request.actor  # type: ignore[attr-defined]
    role = actor.role
    if role.kind is RoleKind.admin:
        raise Http404
    street = fields.get("street", "").strip()
    if role.kind is RoleKind.street:
        street = street or role.id
        if street != role.id:  # a street reads its own lists only
            raise Http404
    top = fields.get("top", "")
    top_n = min(int(top), MAX_TOP) if top.isdigit() and int(top) > 0 else DEFAULT_TOP
    try:
        ticket = check_ticket(fields["ticket"]) if fields.get("ticket") else None
        with engine() as service:
            index, number = _who(service)
            answer = index.answer(fields.get("q", ""), street, top_n)
            if ticket is not None:
                record_lookup(service.store, at=clock().stamp, account=actor.account,
                              role=str(role), ticket=ticket, answer=answer, version=number)
    except QueryError as exc:
        return _refused(request, 400, exc)
    except (NotFoundError, NoListsError) as exc:
        return _refused(request, 404, exc)
    if fields.get("format") == "json":
        return JsonResponse(to_jsonable_python(answer),
                            json_dumps_params={"ensure_ascii": False, "indent": 2})
    return render(request, _template(request), {"answer": answer, "ticket": ticket})
