"""A county's lists summed up for the province: per catalogue item, the streets placing it on
each list (``ListSummary``)."""

from __future__ import annotations

from itertools import chain

from engine.loading.workspace import Workspace
from engine.models.lists import (
    CountyLists,
    DepartmentList,
    ItemPlacement,
    ListSummary,
    ListTotals,
    StreetLists,
)

# the items on a street's basic, cooperative and recalled lists, and the workload it carries
Placing = tuple[list[str], list[str], list[str], int]


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
        self.workload = 0
        self.funding: dict[str, int] = {}

    def add(self, sl: StreetLists) -> None:
        self.place(sl.street, self.placing(sl))

    def placing(self, sl: StreetLists) -> Placing:
        """The items on a street's basic, cooperative and recalled lists and the workload
        of the first two, for ``place`` (their names noted): the same for every street of a
        class."""
        for row in chain(sl.basic, sl.cooperative, sl.recalled, sl.not_applying):
            self.names.setdefault(row.item, row.name)
        return ([r.item for r in sl.basic], [r.item for r in sl.cooperative],
                [r.item for r in sl.recalled],
                sum(r.workload_days for r in chain(sl.basic, sl.cooperative)))

    def place(self, street: str, placing: Placing) -> None:
        """Add the street whose lists hold the items of ``placing``."""
        self.streets += 1
        self.workload += placing[3]
        basic, cooperative, recalled = self.basic, self.cooperative, self.recalled
        for item in placing[0]:
            basic.setdefault(item, []).append(street)
        for item in placing[1]:
            cooperative.setdefault(item, []).append(street)
        for item in placing[2]:
            recalled[item] = recalled.get(item, 0) + 1

    def fund(self, dl: DepartmentList) -> None:
        """Add a department's list: the funds it owes the streets."""
        self.funding[dl.department] = dl.funding_total

    def totals(self) -> ListTotals:
        return ListTotals(workload_days=self.workload, funding=self.funding)

    def result(self, county: str) -> ListSummary:
        return ListSummary(county=county, streets=self.streets, items=[
            ItemPlacement(item=item, name=name, basic=self.basic.get(item, []),
                          cooperative=self.cooperative.get(item, []),
                          recalled=self.recalled.get(item, 0))
            for item, name in self.names.items()])


def summed(lists: CountyLists, catalogue: dict[str, str] | None = None) -> Summing:
    summing = Summing(catalogue)
    for sl in lists.streets:
        summing.add(sl)
    for dl in lists.departments:
        summing.fund(dl)
    return summing


def summarise(lists: CountyLists, catalogue: dict[str, str] | None = None) -> ListSummary:
    return summed(lists, catalogue).result(lists.county)
