"""Comparing two sets of lists: rows added, removed and changed per street, and what it costs."""

from __future__ import annotations

from typing import Literal

from engine.models.decision import Out
from engine.models.lists import CountyLists, ListRow

Change = Literal["added", "removed", "changed"]
_COMPARED = ("list", "category", "name", "primary", "cooperating", "street_phases",
             "department_phases", "task", "funding", "workload_days", "legal_basis", "proposal")


class RowChange(Out):
    street: str
    street_name: str
    item: str
    name: str
    change: Change
    fields: list[str]
    before: ListRow | None
    after: ListRow | None


class ListsDiff(Out):
    streets_affected: int
    items_affected: int
    workload_days_before: int
    workload_days_after: int
    funding_before: int
    funding_after: int
    changes: list[RowChange]


def _rows(lists: CountyLists) -> dict[tuple[str, str], tuple[str, ListRow]]:
    return {(s.street, r.item): (s.name, r) for s in lists.streets
            for r in (*s.basic, *s.cooperative, *s.recalled)}


def _workload(lists: CountyLists) -> int:
    return sum(r.workload_days for s in lists.streets for r in (*s.basic, *s.cooperative))


def _funding(lists: CountyLists) -> int:
    return sum(d.funding_total for d in lists.departments)


def diff_lists(before: CountyLists, after: CountyLists) -> ListsDiff:
    old, new = _rows(before), _rows(after)
    order = [s.street for s in after.streets] + [s.street for s in before.streets]
    rank = {sid: i for i, sid in reversed(list(enumerate(order)))}
    changes: list[RowChange] = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: (rank.get(k[0], 0), k[1])):
        a, b = old.get(key), new.get(key)
        if a is None and b is not None:
            changes.append(RowChange(street=key[0], street_name=b[0], item=key[1],
                                     name=b[1].name, change="added", fields=[], before=None,
                                     after=b[1]))
        elif b is None and a is not None:
            changes.append(RowChange(street=key[0], street_name=a[0], item=key[1],
                                     name=a[1].name, change="removed", fields=[],
                                     before=a[1], after=None))
        elif a is not None and b is not None:
            fields = [f for f in _COMPARED if getattr(a[1], f) != getattr(b[1], f)]
            if fields:
                changes.append(RowChange(street=key[0], street_name=b[0], item=key[1],
                                         name=b[1].name, change="changed", fields=fields,
                                         before=a[1], after=b[1]))
    return ListsDiff(
        streets_affected=len({c.street for c in changes}),
        items_affected=len({c.item for c in changes}),
        workload_days_before=_workload(before), workload_days_after=_workload(after),
        funding_before=_funding(before), funding_after=_funding(after),
        changes=changes)
