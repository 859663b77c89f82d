"""A county's lists summed up for the province: per catalogue item, the streets placing it on
each list (``ListSummary``)."""

from __future__ import annotations

from engine.loading.workspace import Workspace
from engine.models.lists import CountyLists, ItemPlacement, ListSummary, StreetLists


def catalogue_of(ws: Workspace) -> dict[str, str]:
    """The county's catalogue: names by item id, in its order."""
    return {item.id: item.name for item in ws.county.items.values()}


class Summing:
    """Streets' lists summed up one street at a time: every item of ``catalogue`` (ids and
    names, in its order), or, without it, every item the streets' lists name, in the order
    they first name it (each street has every catalogue item on one of its three lists or
    among those not applying to it)."""

    def __init__(self, catalogue: dict[str, str] | None = None) -> None:
        self.names: dict[str, str] = dict(catalogue or {})
        self.basic: dict[str, list[str]] = {}
        self.cooperative: dict[str, list[str]] = {}
        self.recalled: dict[str, int] = {}
        self.streets = 0

    def add(self, sl: StreetLists) -> None:
        self.streets += 1
        for row in sl.basic:
            self.names.setdefault(row.item, row.name)
            self.basic.setdefault(row.item, []).append(sl.street)
        for row in sl.cooperative:
            self.names.setdefault(row.item, row.name)
            self.cooperative.setdefault(row.item, []).append(sl.street)
        for row in sl.recalled:
            self.names.setdefault(row.item, row.name)
            self.recalled[row.item] = self.recalled.get(row.item, 0) + 1
        for gone in sl.not_applying:
            self.names.setdefault(gone.item, gone.name)

    def result(self, county: str) -> ListSummary:
        return ListSummary(county=county, streets=self.streets, items=[
            ItemPlacement(item=item, name=name, basic=self.basic.get(item, []),
                          cooperative=self.cooperative.get(item, []),
                          recalled=self.recalled.get(item, 0))
            for item, name in self.names.items()])


def summarise(lists: CountyLists, catalogue: dict[str, str] | None = None) -> ListSummary:
    summing = Summing(catalogue)
    for sl in lists.streets:
        summing.add(sl)
    return summing.result(lists.county)
