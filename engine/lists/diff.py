"""Comparing two sets of lists: rows added, removed and changed per street, and what it costs.

Lists stored as models (published versions) are compared row by row. Lists of a county as
it stands are compared as plans (``diff_plans``): an item whose templates, streets and
profiles are the same on both sides, in a county whose streets and units are the same, has
the same rows everywhere and is skipped; only the other items are compared street by street.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from engine.lists.plan import ItemPlan, ListPlan
from engine.lists.row_values import change_texts, compared_fields, field_label
from engine.models.decision import Out
from engine.models.lists import CountyLists, ListRow

Change = Literal["added", "removed", "changed"]
Names = tuple[Mapping[str, str], Mapping[str, str]]  # departments' names before and after
_COMPARED = compared_fields()


class FieldChange(Out):
    """One changed field of a row: its Chinese label and its value before and after, as
    people read them (parties by name, phases by label, funds as amounts)."""

    field: str
    label: str
    before: str
    after: str


class RowChange(Out):
    street: str
    street_name: str
    item: str
    name: str
    change: Change
    fields: list[str]
    values: list[FieldChange]  # the changed fields' values before and after, as text
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


def _names(lists: CountyLists) -> dict[str, str]:
    """Departments' and parties' names as the lists themselves give them."""
    names = {d.department: d.name for d in lists.departments}
    for s in lists.streets:
        for r in (*s.basic, *s.cooperative, *s.recalled):
            for p in (r.primary, *r.cooperating):
                if p is not None:
                    names.setdefault(p.id, p.name)
    return names


def _change(sid: str, item: str, a: tuple[str, ListRow] | None,
            b: tuple[str, ListRow] | None, names: Names) -> RowChange | None:
    """The change of one street's row of one item (street name and row on each side)."""
    if a is None and b is not None:
        return RowChange(street=sid, street_name=b[0], item=item, name=b[1].name,
                         change="added", fields=[], values=[], before=None, after=b[1])
    if b is None and a is not None:
        return RowChange(street=sid, street_name=a[0], item=item, name=a[1].name,
                         change="removed", fields=[], values=[], before=a[1], after=None)
    if a is not None and b is not None:
        old, new = a[1], b[1]
        fields = [f for f in _COMPARED if getattr(old, f) != getattr(new, f)]
        if fields:
            values = []
            for f in fields:
                was, now = change_texts(f, getattr(old, f), getattr(new, f), names)
                values.append(FieldChange(field=f, label=field_label(f), before=was, after=now))
            return RowChange(street=sid, street_name=b[0], item=item, name=new.name,
                             change="changed", fields=fields, values=values,
                             before=old, after=new)
    return None


def _ranked(before: list[str], after: list[str]) -> dict[str, int]:
    """Streets in the order of the later lists, then those only in the earlier ones."""
    rank: dict[str, int] = {}
    for i, sid in enumerate([*after, *before]):
        rank.setdefault(sid, i)
    return rank


def gathered(changes: list[RowChange], workload: tuple[int, int],
             funding: tuple[int, int]) -> ListsDiff:
    """The changes (in order) with what they affect, and the workload and funds on each
    side."""
    return ListsDiff(
        streets_affected=len({c.street for c in changes}),
        items_affected=len({c.item for c in changes}),
        workload_days_before=workload[0], workload_days_after=workload[1],
        funding_before=funding[0], funding_after=funding[1], changes=changes)


def diff_lists(before: CountyLists, after: CountyLists,
               names: Names | None = None) -> ListsDiff:
    """The changes from ``before`` to ``after``; ``names`` gives the departments' names on
    each side (by default those the lists themselves show)."""
    old, new = _rows(before), _rows(after)
    rank = _ranked([s.street for s in before.streets], [s.street for s in after.streets])
    known: Names = names or (_names(before), _names(after))
    changes = [c for key in sorted(old.keys() | new.keys(), key=lambda k: (rank[k[0]], k[1]))
               if (c := _change(*key, old.get(key), new.get(key), known)) is not None]
    return gathered(changes, (_workload(before), _workload(after)),
                    (_funding(before), _funding(after)))


def _same_item(before: ListPlan, old: ItemPlan, after: ListPlan, new: ItemPlan) -> bool:
    """Whether an item has the same template for every street on both sides."""
    dept = old.item.department
    return (old.item == new.item and old.applies == new.applies
            and old.by_street == new.by_street and old.by_profile == new.by_profile
            and before.profiles.ids(dept) == after.profiles.ids(dept))


def diff_plans(before: ListPlan, after: ListPlan) -> ListsDiff:
    """``diff_lists`` of two plans' lists, comparing items as groups before rows."""
    rank = _ranked(before.streets, after.streets)
    same_parties = (before.streets == after.streets and before.graph.names == after.graph.names
                    and before.county.units == after.county.units)
    old_items = {ip.item.id: ip for ip in before.items}
    new_items = {ip.item.id: ip for ip in after.items}
    streets = sorted(rank, key=rank.__getitem__)
    names: Names = (before.graph.names, after.graph.names)
    changes: list[RowChange] = []
    for item in old_items.keys() | new_items.keys():
        old, new = old_items.get(item), new_items.get(item)
        if same_parties and old and new and _same_item(before, old, after, new):
            continue
        for sid in streets:
            a = _row(before, old, sid)
            b = _row(after, new, sid)
            change = _change(sid, item, a, b, names)
            if change is not None:
                changes.append(change)
    changes.sort(key=lambda c: (rank[c.street], c.item))
    return gathered(changes, (before.workload(), after.workload()),
                 (sum(d.funding_total for d in before.departments()),
                  sum(d.funding_total for d in after.departments())))


def _row(plan: ListPlan, item: ItemPlan | None, sid: str) -> tuple[str, ListRow] | None:
    if item is None or sid not in plan.county.streets:
        return None
    row = plan.row(item, sid)
    return None if row is None else (plan.county.streets[sid].name, row)
