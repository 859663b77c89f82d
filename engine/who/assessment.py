"""The assessment view (考核): for one street or one department and a period, the items on
its lists (as last published), the adjustments asked for and granted, and the 12345 tickets
looked up per item.

- A street's items are the rows of its three lists; a department's, the items it owns that are
  on some street's lists.
- An adjustment is a proposal in the store that concerns it: for a street, one that targets it
  or that it made; for a department, one it made. *Asked*: made (created) within the period;
  *granted*: admitted at a county meeting within the period.
- Lookups: `duty who` lookups with a ticket number (logged from the web) within the period,
  counted per item answered first (for a department: its items; for a street: lookups about
  that street).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, Literal

from engine.errors import ForbiddenError, NotFoundError, UsageError
from engine.models.decision import Out
from engine.models.lists import ListSource
from engine.times import time_text
from engine.vocab import ListKind
from engine.who.log import lookups
from engine.workflow.names import RoleKind
from engine.workflow.roles import Actor

SEES_ALL = (RoleKind.office, RoleKind.justice, RoleKind.county)


class AssessedItem(Out):
    item: str
    name: str
    list: ListKind | None  # a street's list; None for a department's item
    streets: int  # the streets whose lists hold it (1 for a street's own row)
    lookups: int


class Adjustment(Out):
    proposal: str
    title: str
    change: str
    applicant: str
    state: str
    asked: str | None  # the day it was made, when within the period
    granted: str | None  # the day a county meeting admitted it, when within the period


class Assessment(Out):
    kind: Literal["street", "department"]
    id: str
    name: str
    period: tuple[str, str]
    source: ListSource
    lists: dict[str, int]  # a street's rows per list, or a department's items ("owned")
    items: list[AssessedItem]
    asked: int
    granted: int
    adjustments: list[Adjustment]
    lookups: int
    lookups_unmatched: int


def period(start: str, end: str) -> tuple[str, str]:
    """A period of whole days, both ends included."""
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise UsageError(f"日期应写作 YYYY-MM-DD：“{start}”—“{end}”",
                         hint="例如 2026-01-01 至 2026-12-31") from None
    if first > last:
        raise UsageError(f"起始日期 {start} 晚于结束日期 {end}")
    return first.isoformat(), last.isoformat()


def _allowed(actor: Actor | None, kind: str, ident: str) -> None:
    if actor is None:  # a local store read without declaring a role
        return
    role = actor.role
    if role.kind in SEES_ALL or (role.kind.value == kind and role.id == ident):
        return
    raise ForbiddenError(f"角色 {role} 不能查看{'街道' if kind == 'street' else '部门'} "
                         f"{ident} 的考核情况", account=actor.account, role=str(role),
                         action="assessment")


def assess(service: Any, actor: Actor | None, kind: Literal["street", "department"],
           ident: str, start: str, end: str) -> Assessment:
    from engine.store.session import transaction
    from engine.workflow import repository as repo
    from engine.workflow.versions import version_lists, version_source

    first, last = period(start, end)
    county = service.base.county
    known = county.streets if kind == "street" else county.departments
    if ident not in known:
        named = [k for k, v in known.items() if v.name == ident]
        if len(named) != 1:
            raise NotFoundError(f"没有{'街道（乡镇）' if kind == 'street' else '部门'} “{ident}”",
                                kind=kind, name=ident,
                                known=[*known, *(v.name for v in known.values())])
        ident = named[0]
    _allowed(actor, kind, ident)
    source = version_source(service.store)
    lists, _ = version_lists(service.store, source.version or 0)
    looked = [x for x in lookups(service.store, first, last)
              if (x.street == ident if kind == "street" else x.department == ident)]
    per_item = Counter(x.item for x in looked if x.item)
    if kind == "street":
        mine = next(s for s in lists.streets if s.street == ident)
        rows = [(k, r) for k in ("basic", "cooperative", "recalled") for r in getattr(mine, k)]
        items = [AssessedItem(item=r.item, name=r.name, list=k, streets=1,  # type: ignore[arg-type]
                              lookups=per_item[r.item]) for k, r in rows]
        counts = {k: len(getattr(mine, k)) for k in ("basic", "cooperative", "recalled")}
    else:
        owned = next(d for d in lists.departments if d.department == ident)
        items = [AssessedItem(item=r.item, name=r.name, list=None, streets=len(r.streets),
                              lookups=per_item[r.item]) for r in owned.items]
        counts = {"owned": len(items)}
    adjustments = []
    with transaction(service.store, write=False):
        meetings = {pid: time_text(at)[:10] for pid, at in repo.admitted_meetings().items()}
        for p in sorted(repo.proposals(), key=lambda p: (p.created, p.id)):
            concerned = (ident in p.streets or p.applicant == f"street:{ident}"
                         if kind == "street" else p.department == ident)
            created = time_text(p.created)[:10]
            asked = created if first <= created <= last else None
            granted = meetings.get(p.id)
            granted = granted if granted and first <= granted <= last else None
            if concerned and (asked or granted):
                adjustments.append(Adjustment(proposal=p.id, title=p.title, change=p.change,
                                              applicant=p.applicant, state=p.state,
                                              asked=asked, granted=granted))
    return Assessment(
        kind=kind, id=ident, name=known[ident].name, period=(first, last), source=source,
        lists=counts, items=items, asked=sum(a.asked is not None for a in adjustments),
        granted=sum(a.granted is not None for a in adjustments), adjustments=adjustments,
        lookups=len(looked), lookups_unmatched=sum(x.item is None for x in looked))
