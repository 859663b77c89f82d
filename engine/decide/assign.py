"""Per-street assignment: list, primary party, cooperating parties and per-phase duty.

Only what fired ``assign`` rules say is applied here; with no assignment rule fired the list
and primary party stay empty (and the decision says so).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from engine.graph import CountyGraph
from engine.models.county import DutyItem
from engine.models.decision import Funding, Party, PhaseDuty
from engine.models.policy import Assignment


def street_party(graph: CountyGraph, street_id: str) -> Party:
    return Party(kind="street", id=street_id, name=graph.street(street_id).name)


def department_side(graph: CountyGraph, dept_id: str, street_id: str) -> Party:
    """The department's unit stationed in the street when one exists, else the department."""
    unit = graph.unit_serving(dept_id, street_id)
    if unit is not None:
        return Party(kind="unit", id=unit, name=graph.unit(unit).name)
    return Party(kind="department", id=dept_id, name=graph.department(dept_id).name)


def assign(
    graph: CountyGraph,
    item: DutyItem,
    street_id: str,
    fact: Mapping[str, Any],
    assignments: Iterable[Assignment],
) -> tuple[str | None, Party | None, list[Party], list[PhaseDuty]]:
    """Apply the fired assignments (first one to set a value wins, in pack order)."""
    list_kind: str | None = None
    primary_kind: str | None = None
    moved: set[str] = set()
    for a in assignments:
        list_kind = list_kind or a.list
        primary_kind = primary_kind or a.primary
        if a.phases_to_department:
            moved.update(fact[a.phases_to_department])
    street = street_party(graph, street_id)
    dept = department_side(graph, item.department, street_id)
    primary = {"street": street, "department": dept}.get(primary_kind or "")
    # a street keeps no part in an item taken back from it (the recalled list)
    cooperating = [] if primary is None or list_kind == "recalled" else [
        dept if primary is street else street]
    phases = [PhaseDuty(phase=p, party=dept if p in moved else street) for p in item.phases]
    return list_kind, primary, cooperating, phases


NO_FUNDING = Funding(follows=False, payer=None, amount=0)


def funding(amount: int, payer: str) -> Funding:
    """Funds follow the duty when the proposal moves money with it (费随事转)."""
    follows = amount > 0
    return Funding(follows=follows, payer=payer if follows else None, amount=amount)
