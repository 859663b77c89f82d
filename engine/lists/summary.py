"""A county's lists summed up for the province: per catalogue item, the streets placing it on
each list (``ListSummary``)."""

from __future__ import annotations

from itertools import chain

from engine.loading.workspace import Workspace
from engine.models.lists import CountyLists, ItemPlacement, ListSummary, StreetLists

Placing = tuple[list[str], list[str], list[str]]


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
        self.place(sl.street, self.placing(sl))

    def placing(self, sl: StreetLists) -> Placing:
        """The items on a street's basic, cooperative and recalled lists, for ``place``
        (their names noted): the same for every street of a class."""
        for row in chain(sl.basic, sl.cooperative, sl.recalled, sl.not_applying):
            self.names.setdefault(row.item, row.name)
        return ([r.item for r in sl.basic], [r.item for r in sl.cooperative],
                [r.item for r in sl.recalled])

    def place(self, street: str, placing: Placing) -> None:
        """Add the street whose lists hold the items of ``placing``."""
        self.streets += 1
        basic, cooperative, recalled = self.basic, self.cooperative, self.recalled
        for item in placing[0]:
            basic.setdefault(item, []).append(street)
        for item in placing[1]:
            cooperative.setdefault(item, []).append(street)
        for item in placing[2]:
            recalled[item] = recalled.get(item, 0) + 1

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
