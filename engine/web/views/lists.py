"""The published lists: any version, per street or department, with search and filters,
downloads in every format of ``duty lists build``, and the difference between two versions."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from engine.errors import DutyError
from engine.jobs.work import FILE_FORMATS
from engine.lists.diff import ListsDiff
from engine.models.lists import (
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
from engine.store.session import Store
from engine.vocab import label
from engine.web.access import acting
from engine.web.runtime import engine
from engine.workflow import queries
from engine.workflow.versions import ListsScope, PublishedVersion, version_as_of

CHANGE_WORDS = {"added": "新增", "removed": "移除", "changed": "调整"}
CONTENT_TYPES = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
                 "csv": "text/csv; charset=utf-8", "json": "application/json",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


STREET_CHOICES = 500  # streets offered in a list; a county with more names one by typing


@dataclass(frozen=True)
class Opened:
    """The version a page shows, what the account reads of it, and every version."""

    version: PublishedVersion
    scope: ListsScope
    versions: list[queries.VersionRow]

    @property
    def number(self) -> int:
        return self.version.number


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


def _open(request: HttpRequest, store: Store, key: str = "version") -> Opened:
    """The version asked for (by number, or in force on a day), read part by part."""
    try:
        scope = queries.lists_scope(request.actor)  # type: ignore[attr-defined]
        versions = queries.versions(store)
        number = _number(request.GET.get(key), versions[0].number if versions else 0)
        day = request.GET.get("as_of") if key == "version" else None
        if day:  # the version in force that day: the newest published on or before it
            number = version_as_of(store, _day(day))
        return Opened(queries.published_version(store, number), scope, versions)
    except DutyError:
        raise Http404 from None


def _street(text: str, opened: Opened) -> str:
    """The street a page shows: by id or by name, among those the account reads (the first
    of them by default; none: the account reads no street)."""
    streets = opened.scope.streets_of(opened.version)
    if not text:
        return streets[0] if streets else ""
    if text in streets:
        return text
    names = opened.version.names
    found = [s for s in streets if names.get(s) == text]
    if len(found) != 1:
        raise Http404
    return found[0]


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
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("list", "")
    category = request.GET.get("category", "")
    dept = request.GET.get("department", "")
    chosen = request.GET.get("dept_list")
    with engine() as s:
        opened = _open(request, s.store)
        version = opened.version
        street = _street(request.GET.get("street") or "", opened)
        shown = version.street(s.store, street) if street else None
        own = opened.scope.departments_of(version)
        led_list = None
        if chosen:
            led_list = version.department(s.store, chosen) if chosen in own else None
            if led_list is None:
                raise Http404
    number, names = opened.number, version.names
    source = _source(number, opened.versions)
    whole = not (q or kind or category or dept)  # a street's whole lists: rendered once
    kept = (version.county, number, source.anchor, street)
    tables, blocks, not_applying = [], [], []
    if shown is not None and (request.htmx or not whole or kept not in _TABLES):
        blocks.append(title_text(title_block(version.county, source, shown.name)))
        tables += [_list_table(shown, key, names, lambda r: _matches(r, q, category, dept))
                   for key in ("basic", "cooperative", "recalled") if not kind or key == kind]
        if shown.not_applying:
            not_applying.append(_not_applying(shown, q))
    if shown is None:
        blocks.append(title_text(title_block(version.county, source)))
    led = (None if led_list is None else  # a department's own list: what it leads, its funds
           _department_list(led_list, names, title_text(title_block(version.county, source))))
    rows = (*shown.basic, *shown.cooperative, *shown.recalled) if shown else ()
    streets = opened.scope.streets_of(version)
    context: dict[str, Any] = {
        "county": version.county, "number": number, "versions": opened.versions,
        "street": street, "street_name": names.get(street, street),
        "street_choices": ([(sid, names.get(sid, sid)) for sid in streets]
                           if len(streets) <= STREET_CHOICES else None),
        "street_count": len(streets), "q": q,
        "kind": kind, "category": category, "department": dept, "tables": tables,
        "title_blocks": blocks, "not_applying": not_applying,
        "departments": [(d, names.get(d, d)) for d in sorted({r.department for r in rows})],
        "own_departments": [(d, names.get(d, d)) for d in own],
        "formats": FORMATS, "led": led, "job_formats": FILE_FORMATS,
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
WHOLE_DOWNLOAD_STREETS = 2_000  # above this, the whole county's lists come as a job's zip
_DOWNLOADS: dict[tuple[object, ...], tuple[bytes, str]] = {}


@acting
def download(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "")
    if fmt not in FORMATS:
        raise Http404
    street, department = request.GET.get("street"), request.GET.get("department")
    with engine() as s:
        opened = _open(request, s.store)
        version, scope = opened.version, opened.scope
        # the role's scope checked on every request
        if street:
            if street not in scope.streets_of(version):
                raise Http404
            streets, departments = [street], []
        elif department:
            if department not in scope.departments_of(version):
                raise Http404
            streets, departments = [], [department]
        else:
            streets, departments = scope.streets_of(version), scope.departments_of(version)
            if len(streets) > WHOLE_DOWNLOAD_STREETS:
                return render(request, "web/lists_too_large.html", {
                    "streets": len(streets), "limit": WHOLE_DOWNLOAD_STREETS}, status=413)
        number = opened.number
        source = _source(number, opened.versions)  # the title block; its anchor names it
        key = (version.county, number, source.anchor, street, department, fmt,
               None if street or department else scope)
        part = (None if key in _DOWNLOADS  # a published version never changes: built once
                else version.lists(s.store, streets, departments))
    if part is not None:
        if len(_DOWNLOADS) >= DOWNLOADS_KEPT:
            _DOWNLOADS.pop(next(iter(_DOWNLOADS)))
        data = render_lists(part, version.names, fmt, source)
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
    with engine() as s:
        opened = _open(request, s.store, "to")
        try:
            old = _number(request.GET.get("from"), max(opened.number - 1, 0))
            changes = queries.lists_diff(s.store, request.actor,  # type: ignore[attr-defined]
                                         old, opened.number)
        except DutyError:
            raise Http404 from None
    return render(request, "web/diff.html", {
        "diff": changes, "old": old, "new": opened.number, "versions": opened.versions,
        "rows": diff_rows(changes)})


def diff_rows(changes: ListsDiff) -> list[dict[str, Any]]:
    """The rows of the diff page: each change, its word and list, and (in ``c.values``) each
    changed field's value before and after."""
    return [{"c": c, "change": CHANGE_WORDS[c.change],
             "list": LIST_TITLES[(c.after or c.before).list]}  # type: ignore[union-attr]
            for c in changes.changes]
