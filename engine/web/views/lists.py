"""The published lists: any version, per street or department, with search and filters,
downloads in every format of ``duty lists build``, and the difference between two versions."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from engine.errors import DutyError
from engine.jobs.work import FILE_FORMATS
from engine.lists.diff import ListsDiff, diff_lists
from engine.models.lists import (
    CountyLists,
    DepartmentList,
    ListRow,
    ListSource,
    NotApplying,
    StreetLists,
)
from engine.render.lists_files import FORMATS, render_lists
from engine.render.lists_table import (
    LEDGER_COLUMNS,
    LIST_TITLES,
    RULES,
    Cell,
    Column,
    cells,
    department_columns,
    department_rows,
    display,
    ledger_rows,
    list_columns,
    not_applying_cells,
    not_applying_columns,
    sections,
    title_block,
    title_text,
)
from engine.vocab import label
from engine.web.access import acting
from engine.web.runtime import engine
from engine.workflow import queries
from engine.workflow.names import RoleKind
from engine.workflow.roles import Actor
from engine.workflow.versions import version_as_of

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


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Http404 from None


def _load(request: HttpRequest, key: str = "version") -> tuple[CountyLists, dict[str, str],
                                                               int, list[queries.VersionRow]]:
    with engine() as s:
        versions = queries.versions(s.store)
        number = _number(request.GET.get(key), versions[0].number if versions else 0)
        try:
            day = request.GET.get("as_of") if key == "version" else None
            if day:  # the version in force that day: the newest published on or before it
                number = version_as_of(s.store, _day(day))
            lists, names = queries.published_lists(s.store, number)
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


def _source(number: int, versions: list[queries.VersionRow]) -> ListSource:
    """The title block's source: the version shown, its date and audit anchor."""
    shown = next((v for v in versions if v.number == number), None)
    return ListSource(version=number, published=shown.at[:10] if shown else None,
                      anchor=shown.anchor if shown else None)


def _head(column: Column) -> dict[str, Any]:
    return {"title": column.title, "number": column.kind != "text"}


def _cell(cell: Cell) -> dict[str, Any]:
    return {"text": display(cell), "number": isinstance(cell, int)}


# the office works with codes: the page shows the catalogue code (as documents do with
# --with-rules) but not the rule ids, which the proposal's own page explains
def _columns(kind: str) -> tuple[list[Column], list[bool]]:
    full = list_columns(kind, with_rules=True, grouped=True)
    return [c for c in full if c != RULES], [c != RULES for c in full]


def _list_table(s: StreetLists, kind: str, names: dict[str, str],
                keep: Callable[[ListRow], bool]) -> dict[str, Any]:
    """A street's list as the documents lay it out: the list's own columns, its rows under
    their field of work (履职领域) and numbered through the whole list; ``keep`` says which
    rows the filters show, each keeping its own number."""
    columns, shown = _columns(kind)
    groups = []
    for heading, numbered in sections(getattr(s, kind)):
        rows = [{"item": r.item,
                 "cells": [_cell(c) for c, on in zip(cells(n, r, names, True, grouped=True),
                                                     shown, strict=True) if on]}
                for n, r in numbered if keep(r)]
        if rows:
            groups.append({"heading": heading, "rows": rows})
    return {"title": f"{s.name} {LIST_TITLES[kind]}", "key": kind,
            "columns": [_head(c) for c in columns], "groups": groups,
            "count": sum(len(g["rows"]) for g in groups), "total": len(getattr(s, kind))}


def _not_applying(s: StreetLists, q: str) -> dict[str, Any]:
    """The catalogue items that do not apply to the street, with their reasons; the text
    search narrows them too, each keeping its own number."""
    def hit(a: NotApplying) -> bool:
        return not q or q in a.name or q in a.item or q in a.reason

    return {"where": label(s.kind), "total": len(s.not_applying),
            "columns": [_head(c) for c in not_applying_columns(True)],
            "rows": [{"item": a.item, "cells": [_cell(c) for c in not_applying_cells(n, a, True)]}
                     for n, a in enumerate(s.not_applying, 1) if hit(a)]}


def _department_list(d: DepartmentList, names: dict[str, str], block: str) -> dict[str, Any]:
    """A department's own list as its documents lay it out: the title block, its items (with
    the catalogue code: the office works with codes, as documents do with --with-rules) and
    the funds it owes each street."""
    return {"d": d, "title_block": block,
            "columns": [_head(c) for c in department_columns(True)],
            "rows": [[_cell(c) for c in r] for r in department_rows(d, True)],
            "ledger_columns": [_head(c) for c in LEDGER_COLUMNS],
            "ledger": [[_cell(c) for c in r] for r in ledger_rows(d, names)]}


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
    source = _source(number, versions)
    whole = not (q or kind or category or dept)  # a street's whole lists: rendered once
    kept = (lists.county, number, source.anchor, street)
    tables, blocks, not_applying = [], [], []
    for s in shown.streets if request.htmx or not whole or kept not in _TABLES else []:
        blocks.append(title_text(title_block(lists.county, source, s.name)))
        tables += [_list_table(s, key, names, lambda r: _matches(r, q, category, dept))
                   for key in ("basic", "cooperative", "recalled") if not kind or key == kind]
        if s.not_applying:
            not_applying.append(_not_applying(s, q))
    if not shown.streets:
        blocks.append(title_text(title_block(lists.county, source)))
    led = None  # a department's own list: the items it leads or owns, the funds it owes
    chosen = request.GET.get("dept_list")
    if chosen:
        found = [d for d in lists.departments if d.department == chosen]
        if not found:
            raise Http404
        led = _department_list(found[0], names, title_text(title_block(lists.county, source)))
    departments = sorted({r.department for s in lists.streets
                          for r in (*s.basic, *s.cooperative, *s.recalled)})
    context: dict[str, Any] = {
        "lists": lists, "number": number, "versions": versions, "street": street, "q": q,
        "kind": kind, "category": category, "department": dept, "tables": tables,
        "title_blocks": blocks, "not_applying": not_applying,
        "departments": [(d, names.get(d, d)) for d in departments],
        "own_departments": lists.departments, "formats": FORMATS, "led": led,
        "job_formats": FILE_FORMATS,
        "list_titles": LIST_TITLES.items(),
        "categories": [(c, label(c)) for c in ("comprehensive", "specialist", "assisting")]}
    if request.htmx:
        return render(request, "web/_list_tables.html", context)
    if whole:
        if kept not in _TABLES:
            if len(_TABLES) >= DOWNLOADS_KEPT:
                _TABLES.pop(next(iter(_TABLES)))
            _TABLES[kept] = render_to_string("web/_list_tables.html", context, request)
        context["tables_html"] = mark_safe(_TABLES[kept])  # rendered and escaped already
    return render(request, "web/lists.html", context)


# a published version's street lists as the page shows them (unfiltered), rendered once
_TABLES: dict[tuple[object, ...], str] = {}


DOWNLOADS_KEPT = 64
_DOWNLOADS: dict[tuple[object, ...], tuple[bytes, str]] = {}


@acting
def download(request: HttpRequest) -> HttpResponse:
    lists, names, number, versions = _load(request)
    fmt = request.GET.get("format", "")
    if fmt not in FORMATS:
        raise Http404
    street, department = request.GET.get("street"), request.GET.get("department")
    part = _narrow(lists, street, department)  # the role's scope checked on every request
    source = _source(number, versions)  # the title block; its anchor names the publication
    key = (lists.county, number, source.anchor, street, department, fmt)
    if key not in _DOWNLOADS:  # a published version never changes: built once
        if len(_DOWNLOADS) >= DOWNLOADS_KEPT:
            _DOWNLOADS.pop(next(iter(_DOWNLOADS)))
        data = render_lists(part, names, fmt, source)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        _DOWNLOADS[key] = (raw, f'"{hashlib.sha256(raw).hexdigest()[:32]}"')
    raw, etag = _DOWNLOADS[key]
    scope_name = street or department or "all"
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(raw, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = (f'attachment; filename="lists-v{number}-'
                                           f'{scope_name}.{fmt}"')
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"  # kept by the browser, checked by ETag
    return response


@acting
def diff(request: HttpRequest) -> HttpResponse:
    new, new_names, new_number, versions = _load(request, "to")
    with engine() as s:
        try:
            old_number = _number(request.GET.get("from"), max(new_number - 1, 0))
            old_lists, old_names = queries.published_lists(s.store, old_number)
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
