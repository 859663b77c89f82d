"""A county as it stands on a day: only what is in force then counts.

Items, the county's power grants to streets and the decisions applied to it (admissions and
recalls) may carry dates of force (``effective``, ``until``; a recall also the last day of a
hand-over period, ``handover_until``). ``at_date`` gives the county read on one day, for
evaluation and list building alike:

- an item out of force that day is on no list (it is left out of the catalogue);
- a grant out of force gives the street nothing;
- an admission not yet or no longer in force leaves the street without the item;
- a recall not yet in force leaves the street holding the item as before (the admission it
  replaced, when there was one); during its hand-over period the street still carries the item
  and the county records the hand-over (``County.handovers``: the lists show both parties
  with the date); after it, the item is on the street's recalled list.

A county with no dates at all is returned as it is, so undated counties read exactly as
before.
"""

from __future__ import annotations

from datetime import date

from engine.graph import build_graph
from engine.loading.workspace import Workspace
from engine.models.base import in_force
from engine.models.county import Admission, County, DutyItem, Handover, Recall, Street


def has_dates(county: County) -> bool:
    """Whether anything in the county carries a date of force."""
    return (any(i.effective or i.until for i in county.items.values())
            or any(g.effective or g.until for s in county.streets.values()
                   for g in s.granted_powers)
            or any(a.effective or a.until for per in county.admissions.values()
                   for a in per.values())
            or any(r.effective or r.handover_until for per in county.recalls.values()
                   for r in per.values()))


def at_date(ws: Workspace, day: date | None) -> Workspace:
    """The workspace as it stands on ``day`` (None, or a county without dates: as it is)."""
    county = ws.county
    if day is None or county.as_of == day or not has_dates(county):
        return ws
    items = {k: i for k, i in county.items.items() if in_force(i.effective, i.until, day)}
    admissions: dict[str, dict[str, Admission]] = {}
    recalls: dict[str, dict[str, Recall]] = {}
    handovers: dict[str, dict[str, Handover]] = {}
    off: dict[str, set[str]] = {}  # item → streets whose admission is out of force
    for item_id, per in county.admissions.items():
        if item_id not in items:
            continue
        for sid, a in per.items():
            if in_force(a.effective, a.until, day):
                admissions.setdefault(item_id, {})[sid] = a
            else:
                off.setdefault(item_id, set()).add(sid)
    for item_id, per in county.recalls.items():
        if item_id not in items:
            continue
        for sid, r in per.items():
            pending = r.effective is not None and day < r.effective
            handing = not pending and r.handover_until is not None and day <= r.handover_until
            if not (pending or handing):
                recalls.setdefault(item_id, {})[sid] = r
                continue
            if r.held is not None:
                if in_force(r.held.effective, r.held.until, day):
                    admissions.setdefault(item_id, {})[sid] = r.held
                else:
                    off.setdefault(item_id, set()).add(sid)
            if handing and r.handover_until is not None:
                handovers.setdefault(item_id, {})[sid] = Handover(proposal=r.proposal,
                                                                  until=r.handover_until)
    for item_id, streets in off.items():
        items[item_id] = _without(county, items[item_id], streets)
    streets = {sid: _grants_on(s, day) for sid, s in county.streets.items()}
    dated = county.model_copy(update={
        "items": items, "admissions": admissions, "recalls": recalls, "handovers": handovers,
        "streets": streets, "as_of": day})
    same_streets = all(streets[sid] is s for sid, s in county.streets.items())
    # the graph's lookups of grants are shared by ``for_county``: rebuilt when grants differ
    graph = ws.graph.for_county(dated) if same_streets else build_graph(dated)
    return Workspace(dated, ws.policy, graph)


def _without(county: County, item: DutyItem, streets: set[str]) -> DutyItem:
    """The item without the streets whose admission is out of force."""
    kept = [s for s in county.item_streets(item) if s not in streets]
    return item.model_copy(update={"streets": kept})


def _grants_on(street: Street, day: date) -> Street:
    grants = [g for g in street.granted_powers if in_force(g.effective, g.until, day)]
    if len(grants) == len(street.granted_powers):
        return street
    return street.model_copy(update={"granted_powers": grants})
