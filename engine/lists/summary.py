"""A county's lists summed up for the province: per catalogue item, the streets placing it on
each list (``ListSummary``)."""

from __future__ import annotations

from engine.loading.workspace import Workspace
from engine.models.lists import CountyLists, ItemPlacement, ListSummary


def county_summary(ws: Workspace, lists: CountyLists) -> ListSummary:
    """The lists ``ws`` made, summed up over its catalogue."""
    return summarise(lists, {item.id: item.name for item in ws.county.items.values()})


def summarise(lists: CountyLists, catalogue: dict[str, str] | None = None) -> ListSummary:
    """Every item of ``catalogue`` (ids and names, in its order), or, without it, every item
    the streets' lists name, in the order they first name it (each street has every catalogue
    item on one of its three lists or among those not applying to it)."""
    names: dict[str, str] = dict(catalogue or {})
    basic: dict[str, list[str]] = {}
    cooperative: dict[str, list[str]] = {}
    recalled: dict[str, int] = {}
    for sl in lists.streets:
        for row in sl.basic:
            names.setdefault(row.item, row.name)
            basic.setdefault(row.item, []).append(sl.street)
        for row in sl.cooperative:
            names.setdefault(row.item, row.name)
            cooperative.setdefault(row.item, []).append(sl.street)
        for row in sl.recalled:
            names.setdefault(row.item, row.name)
            recalled[row.item] = recalled.get(row.item, 0) + 1
        for gone in sl.not_applying:
            names.setdefault(gone.item, gone.name)
    return ListSummary(county=lists.county, streets=len(lists.streets), items=[
        ItemPlacement(item=item, name=names[item], basic=basic.get(item, []),
                      cooperative=cooperative.get(item, []), recalled=recalled.get(item, 0))
        for item in names])
