"""谁来办 on the web: the list page's search box and its JSON endpoint.

``POST /lists/who/`` with ``q``, ``street`` and optionally ``top``, ``ticket`` and
``format=json`` (a complaint of 2,000 characters does not fit in a URL; ``GET`` takes the same
fields for short ones) answers from the store's newest published version, like the list page,
with the same reading rights: a street role asks about its own street only, the admin role not
at all. With a ticket number the lookup is logged for the assessment view (the ticket, street,
version and the item answered first).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from pydantic_core import to_jsonable_python

from engine.errors import (
    DutyError,
    ForbiddenError,
    NoListsError,
    NotFoundError,
    QueryError,
    UsageError,
)
from engine.web.access import acting
from engine.web.runtime import clock, engine
from engine.who.answer import DEFAULT_TOP, Who
from engine.who.log import check_ticket, record_lookup
from engine.workflow.names import RoleKind

MAX_TOP = 20
_WHO: dict[tuple[str, int, str], Who] = {}  # per store, published version and county data


def _who(service: Any) -> tuple[Who, int]:
    """The newest published version's lists, ready to answer (kept while it is the newest)."""
    from engine.workflow.versions import version_source

    ws, number = service.published()
    key = (service.store.alias, number, service.revision)
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
    street = fields.get("street", "").strip() or (role.id if role.kind is RoleKind.street
                                                  else "")
    top = fields.get("top", "")
    top_n = min(int(top), MAX_TOP) if top.isdigit() and int(top) > 0 else DEFAULT_TOP
    try:
        ticket = check_ticket(fields["ticket"]) if fields.get("ticket") else None
        with engine() as service:
            index, number = _who(service)
            sid = index.street(street)
            if role.kind is RoleKind.street and sid != role.id:  # its own lists only
                raise Http404
            answer = index.answer(fields.get("q", ""), sid, top_n)
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


@acting
def assessment(request: HttpRequest) -> HttpResponse:
    """The assessment view of one street or department for a period: the same figures as
    ``duty assessment``, as tables and an SVG chart of the ticket lookups per item."""
    from django.utils.safestring import mark_safe

    from engine.web.charts import bars
    from engine.who.assessment import assess

    actor = request.actor  # type: ignore[attr-defined]
    role = actor.role
    if role.kind is RoleKind.admin:
        raise Http404
    kind = request.GET.get("kind") or ("department" if role.kind is RoleKind.department
                                       else "street")
    if kind not in ("street", "department"):
        raise Http404
    today = clock().now.date().isoformat()
    start = request.GET.get("from") or today[:4] + "-01-01"
    end = request.GET.get("to") or today
    with engine() as service:
        county = service.base.county
        known = county.streets if kind == "street" else county.departments
        ident = request.GET.get("id") or (role.id if role.kind.value == kind else next(iter(known)))
        try:
            result = assess(service, actor, kind, ident, start, end)
        except (ForbiddenError, NotFoundError):
            raise Http404 from None
        except UsageError as exc:
            return render(request, "web/assessment.html", {
                "error": exc, "kind": kind, "ident": ident, "start": start, "end": end,
                "choices": known.values()}, status=400)
    looked = sorted((i for i in result.items if i.lookups), key=lambda i: (-i.lookups, i.item))
    chart = bars(f"{result.name}：按事项统计的工单查询（{start} 至 {end}）",
                 [(i.name, [float(i.lookups)]) for i in looked[:15]], ["工单"], "件")
    return render(request, "web/assessment.html", {
        "a": result, "kind": kind, "ident": result.id, "start": start, "end": end,
        "choices": known.values(), "chart": mark_safe(chart) if looked else None})
