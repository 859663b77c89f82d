"""Street profiles: which streets a policy cannot tell apart for one department's items.

A street fact is derived from the proposal, the item and a few things about the street (its
``inputs``, declared beside each field in ``engine.rules.facts``). A policy reads only some
fields: those its conditions test, those its assignments move phases by, and (for messages)
its placeholders. Streets that agree on every input of those fields, and on whether the
department has a unit stationed there, get the same facts, the same rule matches and the same
decision up to their own names. The grouping key is derived from the policy, never listed by
hand; a policy that reads a street's identity makes every street its own group. Whether the
department has a unit in the street changes who the department side is, not the decision:
it is part of the key only when a rule reads the unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from engine.graph import CountyGraph
from engine.rules.conditions import can_hold, facts_used
from engine.rules.facts import STREET_FIELDS
from engine.rules.parameters import Parameters
from engine.rules.staffing import capacity_days

if TYPE_CHECKING:  # the loaded policy, one floor up: named here, never imported at run time
    from engine.loading.policy import Policy


def fields_read(policy: Policy, messages: bool = False,
                known: Mapping[str, Any] | None = None) -> frozenset[str]:
    """The fact fields the policy's rules read: conditions and assignments, and with
    ``messages`` the placeholders of their messages too. With ``known`` proposal facts, a
    rule case that cannot fire on them (``mode`` is ``none`` where the case needs a mode…)
    reads nothing."""
    read: set[str] = set()
    for cases in policy.cases:
        for case in cases:
            if known is not None and not can_hold(case.when, known, policy.raw_parameters):
                continue
            read |= facts_used(case.when)
            if case.assign is not None and case.assign.phases_to_department:
                read.add(case.assign.phases_to_department)
            if messages:
                read.update(policy.placeholders[id(case)])
    return frozenset(read)


def street_inputs(fields: Iterable[str]) -> frozenset[str]:
    """What about a street the given fact fields are derived from."""
    return frozenset(i for f in fields if f in STREET_FIELDS for i in STREET_FIELDS[f].inputs)


class StreetProfiles:
    """Profile ids of streets per department: equal ids, indistinguishable streets.

    ``inputs`` are the street inputs the policy reads (``street_inputs``); ``listed`` and
    ``opinion`` depend on a proposal, not on the street, and are left to the caller.
    """

    def __init__(self, graph: CountyGraph, inputs: frozenset[str], params: Parameters) -> None:
        self.graph = graph
        self.inputs = inputs
        self.params = params
        self.streets = list(graph.county.streets)
        self.capacity = frozenset(need.institution for need in params.capacity)
        self._ids: dict[str, list[int]] = {}
        self._own_ids: list[int] | None = None
        self._firsts: dict[str, dict[int, int]] = {}

    @cached_property
    def index(self) -> dict[str, int]:
        """Each street's position in county order."""
        return {sid: i for i, sid in enumerate(self.streets)}

    def _own(self, street_id: str) -> tuple[Any, ...]:
        """What the policy can see of the street whatever the department."""
        graph = self.graph
        street = graph.street(street_id)
        inputs = self.inputs
        functions = graph.institutions(street_id)  # what the street's bodies carry
        return (
            (street.id, street.name) if "identity" in inputs else None,
            street.kind if "kind" in inputs else None,
            street.population if "population" in inputs else None,
            street.town_class if "town_class" in inputs else None,
            frozenset(functions) if "institutions" in inputs else None,
            self.capacity.intersection(functions) if "capacity" in inputs else None,
            capacity_days(street, self.params) if "staff" in inputs else None,
            graph.street_load(street_id) if "load" in inputs else None,
        )

    def key(self, dept: str, street_id: str) -> tuple[Any, ...]:
        """What the policy can see of the street for ``dept``'s items."""
        grants = self.graph.grants(street_id, dept) if "granted" in self.inputs else None
        return (self._own(street_id), grants,
                self.graph.unit_serving(dept, street_id) if "unit" in self.inputs else None)

    def ids(self, dept: str) -> list[int]:
        """Each street's profile id for ``dept`` (county order); ids count up from 0 in the
        order profiles first appear."""
        found = self._ids.get(dept)
        if found is None:
            if self._own_ids is None:
                own: dict[tuple[Any, ...], int] = {}
                self._own_ids = [own.setdefault(self._own(sid), len(own))
                                 for sid in self.streets]
            graph, granted, unit = self.graph, "granted" in self.inputs, "unit" in self.inputs
            seen: dict[tuple[Any, ...], int] = {}
            found = self._ids[dept] = []
            for base, sid in zip(self._own_ids, self.streets, strict=True):
                key = (base, graph.grants(sid, dept) if granted else None,
                       graph.unit_serving(dept, sid) if unit else None)
                found.append(seen.setdefault(key, len(seen)))
        return found

    def first_streets(self, dept: str) -> dict[int, int]:
        """Each profile's first street (its index in county order)."""
        found = self._firsts.get(dept)
        if found is None:
            found = self._firsts[dept] = {}
            for i, profile in enumerate(self.ids(dept)):
                found.setdefault(profile, i)
        return found
