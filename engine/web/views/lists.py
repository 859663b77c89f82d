"""The published lists: any version, per street or department, with search and filters,
downloads in every format of ``duty lists build``, and the difference between two versions."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from engine.errors import DutyError
from engine.lists.diff import ListsDiff, diff_lists
from engine.models.lists import CountyLists, ListRow, ListSource
from engine.render.lists_files import FORMATS, render_lists
from engine.render.lists_table import (
    LEDGER_HEADERS,
    LIST_TITLES,
    department_columns,
    department_rows,
    display,
    funding_text,
    ledger_rows,
)
from engine.vocab import label
from engine.web import reading
from engine.web.access import acting
from engine.web.runtime import engine
from engine.workflow.names import RoleKind
from engine.workflow.roles import Actor

CHANGE_WORDS = {"added": "新增", "removed": "移除", "changed": "调整"}
CONTENT_TYPES = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
                 "csv": "text/csv; charset=utf-8", "json": "application/json",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def scope(actor: Actor, lists: CountyLists) -> CountyLists:
    """What the role may read: a street its own lists; a department every street's lists and
    its own department list; the county offices everything; the admin role nothing."""
    role = actor.role
    if role.kind is RoleKind.admin:
        raise Http404
    if role.kind is RoleKind.street:
        return lists.model_copy(update={"streets": [s for s in lists.streets
                                                    if s.street == role.id],
                                        "departments": []})
    if role.kind is RoleKind.department:
        return lists.model_copy(update={"departments": [d for d in lists.departments
                                                        if d.department == role.id]})
    return lists


def _number(text: str | None, newest: int) -> int:
    if not text:
        return newest
    if not text.isdigit():
        raise Http404
    return int(text)


def _load(request: HttpRequest, key: str = "version") -> tuple[CountyLists, dict[str, str],
                                                               int, list[reading.VersionRow]]:
    with engine() as s:
        versions = reading.versions(s.store)
        number = _number(request.GET.get(key), versions[0].number if versions else 0)
        try:
            lists, names = reading.published_lists(s.store, number)
        except DutyError:
            raise Http404 from None
    return scope(request.actor, lists), names, number, versions  # type: ignore[attr-defined]


def _narrow(lists: CountyLists, street: str | None, department: str | None) -> CountyLists:
    if street:
        chosen = [s for s in lists.streets if s.street == street]
        if not chosen:
            raise Http404
        return lists.model_copy(update={"streets": chosen, "departments": []})
    if department:
        chosen_d = [d for d in lists.departments if d.department == department]
        if not chosen_d:
            raise Http404
        return lists.model_copy(update={"streets": [], "departments": chosen_d})
    return lists


def _matches(row: ListRow, q: str, category: str, department: str) -> bool:
    if category and row.category != category:
        return False
    if department and row.department != department:
        return False
    return not q or q in row.name or q in row.item or q in row.legal_basis


@acting
def lists_page(request: HttpRequest) -> HttpResponse:
    lists, names, number, versions = _load(request)
    street = request.GET.get("street") or ""
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("list", "")
    category = request.GET.get("category", "")
    dept = request.GET.get("department", "")
    if not street and lists.streets:
        street = lists.streets[0].street
    shown = _narrow(lists, street, None) if street else lists
    tables = []
    for s in shown.streets:
        for key in ("basic", "cooperative", "recalled"):
            if kind and key != kind:
                continue
            rows = [{"n": i, "r": r, "category": label(r.category),
                     "primary": r.primary.name if r.primary else "—",
                     "funding": funding_text(r).replace(
                         r.funding.payer or "\0", names.get(r.funding.payer or "", ""), 1)}
                    for i, r in enumerate(getattr(s, key), 1)
                    if _matches(r, q, category, dept)]
            tables.append({"title": f"{s.name} {LIST_TITLES[key]}", "key": key, "rows": rows})
    led = None  # a department's own list: the items it leads or owns, the funds it owes
    chosen = request.GET.get("dept_list")
    if chosen:
        found = [d for d in lists.departments if d.department == chosen]
        if not found:
            raise Http404
        # the office works with codes: the page shows them, as documents do with --with-rules
        led = {"d": found[0], "headers": [c.title for c in department_columns(True)],
               "rows": [[display(c) for c in r] for r in department_rows(found[0], True)],
               "ledger_headers": LEDGER_HEADERS,
               "ledger": [[display(c) for c in r] for r in ledger_rows(found[0], names)]}
    departments = sorted({r.department for s in lists.streets
                          for r in (*s.basic, *s.cooperative, *s.recalled)})
    context: dict[str, Any] = {
        "lists": lists, "number": number, "versions": versions, "street": street, "q": q,
        "kind": kind, "category": category, "department": dept, "tables": tables,
        "departments": [(d, names.get(d, d)) for d in departments],
        "own_departments": lists.departments, "formats": FORMATS, "led": led,
        "list_titles": LIST_TITLES.items(),
        "categories": [(c, label(c)) for c in ("comprehensive", "specialist", "assisting")]}
    template = "web/_list_tables.html" if request.htmx else "web/lists.html"
    return render(request, template, context)


@acting
def download(request: HttpRequest) -> HttpResponse:
    lists, names, number, versions = _load(request)
    fmt = request.GET.get("format", "")
    if fmt not in FORMATS:
        raise Http404
    street, department = request.GET.get("street"), request.GET.get("department")
    part = _narrow(lists, street, department)
    shown = next((v for v in versions if v.number == number), None)
    source = ListSource(version=number, published=shown.at[:10] if shown else None,
                        anchor=shown.anchor if shown else None)  # the title block
    data = render_lists(part, names, fmt, source)
    scope_name = street or department or "all"
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (f'attachment; filename="lists-v{number}-'
                                       f'{scope_name}.{fmt}"')
    return response


@acting
def diff(request: HttpRequest) -> HttpResponse:
    new, new_names, new_number, versions = _load(request, "to")
    with engine() as s:
        try:
            old_number = _number(request.GET.get("from"), max(new_number - 1, 0))
            old_lists, old_names = reading.published_lists(s.store, old_number)
            old = scope(request.actor, old_lists)  # type: ignore[attr-defined]
        except DutyError:
            raise Http404 from None
    changes = diff_lists(old, new, (old_names, new_names))
    return render(request, "web/diff.html", {
        "diff": changes, "old": old_number, "new": new_number, "versions": versions,
        "rows": diff_rows(changes)})


def diff_rows(changes: ListsDiff) -> list[dict[str, Any]]:
    """The rows of the diff page: each change, its word and list, and (in ``c.values``) each
    changed field's value before and after."""
    return [{"c": c, "change": CHANGE_WORDS[c.change],
             "list": LIST_TITLES[(c.after or c.before).list]}  # type: ignore[union-attr]
            for c in changes.changes]
