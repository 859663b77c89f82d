"""Every street's lists as their JSON, made once per class of streets.

A class of streets whose lists differ only by names (``ListPlan.street_classes``) is made
once with stand-ins for the street's id and name and for each department's side in it (its
unit there, or the department), and written as JSON once; each street's JSON is that text
with its own names put in, byte for byte what ``street_lists(sid).model_dump_json()`` writes.
A name JSON would escape (quotes, backslashes, control characters) or holding a stand-in
character is never put in that way: such a street's lists are made on their own.

A class's text is kept until its last street has been written, so that the streets come in
county order whatever their classes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from itertools import chain
from operator import itemgetter

from engine.lists.plan import ListPlan
from engine.lists.summary import Summing
from engine.models.decision import Party
from engine.models.lists import ListRow, StreetLists

# private-use characters around a stand-in's key: no format escapes them
OPEN, CLOSE = "\ue000", "\ue001"
SLOT = re.compile(f"{OPEN}(\\w+){CLOSE}")
_PLAIN = re.compile("[^\\x00-\\x1f\\x7f\"\\\\\ue000-\uf8ff]*")


def token(key: str) -> str:
    return f"{OPEN}{key}{CLOSE}"


def _plain(text: str) -> bool:
    """Whether JSON writes ``text`` as it is, with no stand-in character in it."""
    return _PLAIN.fullmatch(text) is not None


class _ClassJson:
    """A class's JSON with stand-ins, split at them and kept as UTF-8 (None when the data
    itself holds a stand-in character), and the items on its lists, for the summary."""

    def __init__(self, lists: StreetLists, keys: dict[str, int], summing: Summing) -> None:
        self.placing = summing.placing(lists)
        parts = SLOT.split(lists.model_dump_json())
        used = parts[1::2]
        self.literals: list[bytes] | None = [t.encode("utf-8") for t in parts[0::2]]
        if not set(used) <= set(keys) or any(OPEN in t or CLOSE in t for t in parts[0::2]):
            self.literals = None
        positions = [keys.get(k, 0) for k in used]
        self.pick: Callable[[list[bytes]], Sequence[bytes]] = (
            itemgetter(*positions) if len(positions) > 1
            else lambda values: [values[i] for i in positions])

    def fill(self, values: list[str]) -> bytes | None:
        """The JSON (UTF-8) with ``values`` at the stand-ins (in the order of the keys)."""
        if self.literals is None:
            return None
        return b"".join(chain.from_iterable(zip(
            self.literals, self.pick([v.encode("utf-8") for v in values]), strict=False))) \
            + self.literals[-1]


class Sides:
    """Each department's side in a street as (kind, id, name): its unit there, or the
    department; None for a side whose id or name ``plain`` says cannot be put in as it is."""

    def __init__(self, plan: ListPlan, depts: list[str], plain: Callable[[str], bool]) -> None:
        self.plan, self.depts, self.plain = plan, depts, plain
        self.found: dict[tuple[str, str | None], tuple[str, str, str] | None] = {}

    def of(self, sid: str) -> list[tuple[str, str, str]] | None:
        """The street's sides in the order of ``depts``, or None if one is not plain."""
        serving = self.plan.graph.unit_serving
        out = []
        for dept in self.depts:
            key = (dept, serving(dept, sid))
            if key in self.found:
                side = self.found[key]
            else:
                p = self.plan.side(dept, sid)
                side = self.found[key] = ((p.kind, p.id, p.name)
                                          if self.plain(p.id) and self.plain(p.name)
                                          else None)
            if side is None:
                return None
            out.append(side)
        return out


class StandIns:
    """The stand-in parties of a plan's streets (the street, and per department its side)
    with their keys (the street's id and name, each side's kind, id and name), and each row
    already made with them (by template: a row made with stand-ins is the same row in every
    street that has it)."""

    def __init__(self, plan: ListPlan) -> None:
        self.plan = plan
        self.depts = sorted({p.item.department for p in plan.items})
        self.slots = {d: Party.model_construct(kind=token(f"d{i}k"), id=token(f"d{i}i"),
                                               name=token(f"d{i}n"))
                      for i, d in enumerate(self.depts)}
        self.street = Party.model_construct(kind="street", id=token("s"), name=token("n"))
        self.keys = {k: i for i, k in enumerate(
            ["s", "n", *(f"d{i}{e}" for i in range(len(self.depts)) for e in "kin")])}
        self.rows: dict[int, ListRow] = {}

    def lists(self, sid: str, index: int | None = None) -> StreetLists:
        """The street's lists with stand-ins for its names."""
        return self.plan.street_lists(sid, index, street=self.street,
                                      side=self.slots.__getitem__, made=self.rows)


class StreetJson(StandIns):
    """The streets' lists of a plan as JSON, one street at a time in county order."""

    def __init__(self, plan: ListPlan, summing: Summing) -> None:
        super().__init__(plan)
        self.summing = summing
        self.sides = Sides(plan, self.depts, _plain)
        classes = list(plan.street_classes())
        self.of = {sid: c for c, members in enumerate(classes) for sid in members}
        self.left = [len(members) for members in classes]
        self.stencils: dict[int, _ClassJson] = {}

    def streets(self) -> Iterator[tuple[str, bytes]]:
        """Per street in county order: its id and its JSON (UTF-8), the street added to
        ``summing`` as it goes."""
        plan = self.plan
        for index, sid in enumerate(plan.streets):
            c = self.of[sid]
            stencil = self.stencils.get(c)
            if stencil is None:
                stencil = self.stencils[c] = _ClassJson(self.lists(sid, index), self.keys,
                                                        self.summing)
            self.left[c] -= 1
            if not self.left[c]:
                del self.stencils[c]
            name = plan.county.streets[sid].name
            sides = self.sides.of(sid) if _plain(sid) and _plain(name) else None
            text = None if sides is None else stencil.fill([sid, name,
                                                            *chain.from_iterable(sides)])
            if text is None:
                lists = plan.street_lists(sid, index)
                self.summing.add(lists)
                yield sid, lists.model_dump_json().encode("utf-8")
            else:
                self.summing.place(sid, stencil.placing)
                yield sid, text
