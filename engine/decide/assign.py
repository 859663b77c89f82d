"""Per-street assignment: list, primary party, cooperating parties and per-phase duty.

Only what fired ``assign`` rules say is applied here; with no assignment rule fired the list
and primary party stay empty (and the decision says so).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from engine.graph import CountyGraph
from engine.models.county import DutyItem
from engine.models.decision import Funding, Party, PhaseDuty, built
from engine.models.policy import Assignment


def street_party(graph: CountyGraph, street_id: str) -> Party:
    return Party(kind="street", id=street_id, name=graph.street(street_id).name)


def department_side(graph: CountyGraph, dept_id: str, street_id: str) -> Party:
    """The department's unit stationed in the street when one exists, else the department."""
    unit = graph.unit_serving(dept_id, street_id)
    if unit is not None:
        return Party(kind="unit", id=unit, name=graph.unit(unit).name)
    return Party(kind="department", id=dept_id, name=graph.department(dept_id).name)


class Parties:
    """The parties of one decision, each made once: a department or a unit stands on the
    department side of many streets, and its phase duties are the same in each of them.
    The models are frozen, so one object serves every street it belongs to."""

    def __init__(self, graph: CountyGraph) -> None:
        self.graph = graph
        self._sides: dict[tuple[str, str | None], Party] = {}
        self._duties: dict[tuple[str, str, str], PhaseDuty] = {}

    def street(self, street_id: str) -> Party:
        return built(Party, kind="street", id=street_id, name=self.graph.street(street_id).name)

    def department_side(self, dept_id: str, street_id: str) -> Party:
        key = (dept_id, self.graph.unit_serving(dept_id, street_id))
        party = self._sides.get(key)
        if party is None:
            party = self._sides[key] = department_side(self.graph, dept_id, street_id)
        return party

    def duty(self, phase: str, party: Party) -> PhaseDuty:
        if party.kind == "street":  # one street's own: not shared
            return built(PhaseDuty, phase=phase, party=party)
        key = (phase, party.kind, party.id)
        duty = self._duties.get(key)
        if duty is None:
            duty = self._duties[key] = PhaseDuty(phase=phase, party=party)  # type: ignore[arg-type]
        return duty


Plan = tuple[str | None, str | None, frozenset[str]]  # list, primary side, phases moved


def plan(fact: Mapping[str, Any], assignments: Iterable[Assignment]) -> Plan:
    """What the fired assignments say (first one to set a value wins, in pack order): the
    list, which side is primary, and the phases moved to the department side."""
    list_kind: str | None = None
    primary_kind: str | None = None
    moved: set[str] = set()
    for a in assignments:
        list_kind = list_kind or a.list
        primary_kind = primary_kind or a.primary
        if a.phases_to_department:
            moved.update(fact[a.phases_to_department])
    return list_kind, primary_kind, frozenset(moved)


def apply_plan(parties: Parties, item: DutyItem, street_id: str,
               planned: Plan) -> tuple[str | None, Party | None, list[Party], list[PhaseDuty]]:
    """A street's list, primary party, cooperating parties and per-phase duty."""
    list_kind, primary_kind, moved = planned
    street = parties.street(street_id)
    dept = parties.department_side(item.department, street_id)
    primary = {"street": street, "department": dept}.get(primary_kind or "")
    # a street keeps no part in an item taken back from it (the recalled list)
    cooperating = [] if primary is None or list_kind == "recalled" else [
        dept if primary is street else street]
    phases = [parties.duty(p, dept if p in moved else street) for p in item.phases]
    return list_kind, primary, cooperating, phases


def assign(
    graph: CountyGraph,
    item: DutyItem,
    street_id: str,
    fact: Mapping[str, Any],
    assignments: Iterable[Assignment],
) -> tuple[str | None, Party | None, list[Party], list[PhaseDuty]]:
    """Apply the fired assignments (first one to set a value wins, in pack order)."""
    return apply_plan(Parties(graph), item, street_id, plan(fact, assignments))


NO_FUNDING = Funding(follows=False, payer=None, amount=0)


def funding(amount: int, payer: str, per: str = "year") -> Funding:
    """Funds follow the duty when the proposal moves money with it (费随事转): per year, or
    per task for temporary work."""
    follows = amount > 0
    return Funding(follows=follows, payer=payer if follows else None, amount=amount,
                   per=per if follows else "year")  # type: ignore[arg-type]
