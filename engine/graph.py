"""The department–street graph (networkx) and the questions rules and reports ask of it.

The questions the rules and the lists ask on the hot path (which unit serves a street, which
powers a street holds for a department) are answered from plain lookups built from the county
model; the networkx graph itself is built only when something reads ``g`` (graph output,
graph queries), since at national scale it costs hundreds of megabytes.

Nodes are keyed ``kind:id`` (``county:…``, ``department:…``, ``unit:…``, ``street:…``) and carry
``kind``, ``id`` and ``name``. Edges are typed by their ``type`` attribute:

- ``dispatches``   department → unit
- ``stationed_in`` unit → street
- ``manages``      street → devolved unit
- ``coordinates``  street → dispatched unit (assessment and command powers)
- ``governs``      county → department and county → street

Still to come with the list reports: ``assigns`` (department → street, one per listed item) and
``funds`` (department → street, money per year).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING

from engine.models.county import County, Department, DutyItem, Street, Unit

if TYPE_CHECKING:
    import networkx as nx


def node(kind: str, ident: str) -> str:
    return f"{kind}:{ident}"


class CountyGraph:
    """The county as a typed multigraph, with indexed answers to the rules' questions."""

    def __init__(self, county: County) -> None:
        self.county = county
        self._unit_index: dict[tuple[str, str], str] = {  # a devolved unit is the street's own
            (unit.department, sid): unit.id
            for unit in county.units.values() if unit.mode == "dispatched"
            for sid in unit.streets}
        self._functions = {sid: street.functions() for sid, street in county.streets.items()}
        self._load: dict[str, int] | None = None
        self._grants: dict[tuple[str, str], list[str]] = {}
        self._bases: dict[tuple[str, str, str], str] = {}  # (street, dept, power) → basis
        for street in county.streets.values():
            for grant in street.granted_powers:
                self._grants.setdefault((street.id, grant.department), []).append(grant.power)
                self._bases.setdefault((street.id, grant.department, grant.power), grant.basis)

    @cached_property
    def names(self) -> dict[str, str]:
        """Chinese names of departments, units and streets by id."""
        county = self.county
        names = {d.id: d.name for d in county.departments.values()}
        names.update({u.id: u.name for u in county.units.values()})
        names.update({s.id: s.name for s in county.streets.values()})
        return names

    def for_county(self, county: County) -> CountyGraph:
        """This graph for a county with the same departments, streets and units (only its
        catalogue or lists changed): the lookups and names are shared, not rebuilt, and the
        streets' load, once known, moves by the items that changed."""
        other = copy.copy(self)
        other.county = county
        other.__dict__.pop("g", None)
        other._load = None
        old = self.county
        if self._load is not None and county.streets.keys() == old.streets.keys():
            changed = [i for i in {*old.items, *county.items}
                       if old.items.get(i) is not county.items.get(i)
                       or old.recalls.get(i) != county.recalls.get(i)]
            before, before_all = _item_load(old, [old.items[i] for i in changed if i in old.items])
            after, after_all = _item_load(county, [county.items[i] for i in changed
                                                   if i in county.items])
            other._load = {sid: days + after[sid] - before[sid] + after_all - before_all
                           for sid, days in self._load.items()}
        return other

    @cached_property
    def g(self) -> nx.MultiDiGraph:
        """The county as a typed networkx multigraph (built on first use)."""
        import networkx as nx

        county = self.county
        g = nx.MultiDiGraph()
        root = node("county", county.name)
        g.add_node(root, kind="county", id=county.name, name=county.name)
        for dept in county.departments.values():
            g.add_node(node("department", dept.id), kind="department", id=dept.id,
                       name=dept.name, powers=list(dept.powers))
            g.add_edge(root, node("department", dept.id), type="governs")
        for street in county.streets.values():
            g.add_node(node("street", street.id), kind="street", id=street.id, name=street.name,
                       street_kind=street.kind, population=street.population,
                       institutions=self._functions[street.id],
                       granted_powers=[gp.model_dump() for gp in street.granted_powers])
            g.add_edge(root, node("street", street.id), type="governs")
        for unit in county.units.values():
            u = node("unit", unit.id)
            g.add_node(u, kind="unit", id=unit.id, name=unit.name, mode=unit.mode,
                       department=unit.department)
            g.add_edge(node("department", unit.department), u, type="dispatches")
            for sid in unit.streets:
                s = node("street", sid)
                g.add_edge(u, s, type="stationed_in")
                g.add_edge(s, u, type="manages" if unit.mode == "devolved" else "coordinates")
        return g

    # -- the questions ---------------------------------------------------------------------

    def street(self, street_id: str) -> Street:
        return self.county.streets[street_id]

    def department(self, dept_id: str) -> Department:
        return self.county.departments[dept_id]

    def unit(self, unit_id: str) -> Unit:
        return self.county.units[unit_id]

    def department_powers(self, dept_id: str) -> list[str]:
        return list(self.county.departments[dept_id].powers)

    def unit_serving(self, dept_id: str, street_id: str) -> str | None:
        """The dispatched unit of ``dept_id`` stationed in ``street_id``, if any.

        A unit devolved to the street is the street's own body (属地管理): it never stands
        for the department, neither as the lead of a specialist item nor as the body taking
        a recalled item back.
        """
        return self._unit_index.get((dept_id, street_id))

    def street_load(self, street_id: str) -> int:
        """Person-days a year of the items on the street's basic and cooperating lists."""
        if self._load is None:
            load, everywhere = _item_load(self.county, self.county.items.values())
            self._load = {sid: days + everywhere for sid, days in load.items()}
        return self._load[street_id]

    def granted_powers(self, street_id: str, dept_id: str) -> list[str]:
        """Powers ``street_id`` holds in ``dept_id``'s domain by law or provincial decision."""
        return self._grants.get((street_id, dept_id), [])

    def grant_basis(self, street_id: str, dept_id: str, power: str) -> str | None:
        """The law or provincial decision a grant of ``power`` to the street rests on."""
        return self._bases.get((street_id, dept_id, power))

    def grants(self, street_id: str, dept_id: str) -> frozenset[tuple[str, str]] | None:
        """The street's grants in ``dept_id``'s domain as (power, basis), None for none: what
        a placement shows of them (``StreetDecision.powers``)."""
        powers = self._grants.get((street_id, dept_id))
        if not powers:
            return None
        return frozenset((p, self._bases[(street_id, dept_id, p)]) for p in powers)

    def institutions(self, street_id: str) -> list[str]:
        """The functions the street's bodies carry (a merged body carries several)."""
        return self._functions[street_id]


def _item_load(county: County, items: Iterable[DutyItem]) -> tuple[dict[str, int], int]:
    """Person-days a year that ``items`` put on each street's basic and cooperating lists: per
    street, and (added once, not to each street) those of the items on every street.

    As summing ``workload_days`` over ``county.listed_on(item)`` for each item, but an item on
    every street is counted once for all of them: a county is rebuilt for each admitted
    proposal applied, so on a large county this runs often."""
    load = dict.fromkeys(county.streets, 0)
    everywhere = 0
    for item in items:
        days = item.workload_days
        if not days or item.recalled:  # a recalled item is on no street's lists
            continue
        taken = county.recalls.get(item.id, {})
        if item.streets == "all":
            everywhere += days
            for sid in taken:
                if sid in load:
                    load[sid] -= days
        else:
            for sid in set(item.streets):
                if sid in load and sid not in taken:
                    load[sid] += days
    return load, everywhere


def build_graph(county: County) -> CountyGraph:
    return CountyGraph(county)
