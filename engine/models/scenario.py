"""情景: a county, a sequence of proposals, and what must hold after each of them.

Expectations are partial: only the fields a scenario writes are compared (writing ``null``
expects the value to be absent, e.g. ``list: null`` for a street the item reaches on no list).
"""

from __future__ import annotations

import builtins
from typing import Any, Literal

from pydantic import Field, NonNegativeInt

from engine.models.base import Day, Id, Strict, Text
from engine.models.policy import Citation
from engine.vocab import ListKind, PartyKind, Phase, ProposalMode, Verdict

ProblemCode = Literal["GAP", "OVERLAP", "DUPLICATE-NAME", "POWER-MISMATCH",
                      "COMPREHENSIVE-POWER", "ASSIST-UNFUNDED", "UNADMITTED", "POWER-NOT-HELD",
                      "INSTITUTION-MISSING", "INSTITUTION-LIMIT", "FUNCTION-MISSING",
                      "STAFF-UNGRADED", "STAFF-OVER-QUOTA", "STAFF-OVER-ESTABLISHMENT",
                      "STAFF-ASSISTANT", "STAFF-NON-ESTABLISHMENT", "STAFF-MIXED",
                      "STAFF-CEILING", "OFFICE-POSTS", "TARGET-INSTITUTIONAL",
                      "TARGET-ENFORCEMENT-SHARE", "LAW-REPEALED"]


# A field named ``list`` shadows the builtin in its class body: aliases and ``builtins.list``.
Ids = list[Id]
RuleIds = list[Text]


class PartyExpect(Strict):
    """A party by kind, by id, or both."""

    kind: PartyKind | None = None
    id: Id | None = None


class FundingExpect(Strict):
    follows: bool | None = None
    payer: Id | None = None
    amount: NonNegativeInt | None = None
    per: Literal["year", "task"] | None = None


class StreetExpect(Strict):
    """What must hold for one street in a step's decision."""

    verdict: Verdict | None = None
    list: ListKind | None = None
    primary: PartyKind | PartyExpect | None = None
    cooperating: Ids | None = None  # the ids of the cooperating parties, in any order
    phases: dict[Phase, str] | None = None  # phase → the kind or id of the party carrying it
    funding: FundingExpect | None = None
    fired: RuleIds = Field(default_factory=builtins.list)  # rules with a finding for this street
    not_fired: RuleIds = Field(default_factory=builtins.list)


class RowExpect(Strict):
    """A row of a street's lists after the step (``list: null``: the item is on none)."""

    street: Id
    item: Id
    list: ListKind | None
    primary: PartyKind | PartyExpect | None = None
    funding: FundingExpect | None = None
    proposal: Id | None = None
    mode: ProposalMode | None = None  # how an admitted proposal gave it (null: catalogue row)
    task: Text | None = None  # the street's duty as the row states it
    # the row's dates (null: none): in force from / to, and a recall's hand-over under way
    effective: Day | None = None
    until: Day | None = None
    handover_until: Day | None = None
    successor: PartyKind | PartyExpect | None = None  # who carries it after the hand-over


class StepExpect(Strict):
    verdict: Verdict | None = None
    streets: dict[Id, StreetExpect] = Field(default_factory=dict)
    each_street: StreetExpect | None = None  # checked for every target street
    fired: list[Text] = Field(default_factory=list)  # rules with any finding in the step
    not_fired: list[Text] = Field(default_factory=list)
    rows: list[RowExpect] = Field(default_factory=list)
    check: list[ProblemCode] | None = None  # the problem codes `duty check` finds; [] = clean


class Reading(Strict):
    """The lists after a step read on another day (dates of force counted)."""

    as_of: Day
    rows: list[RowExpect] = Field(default_factory=list)
    check: list[ProblemCode] | None = None


class Step(Strict):
    """One proposal, evaluated on the county as the previous applied steps left it."""

    proposal: Text | dict[str, Any]  # a path (relative to the scenario file) or inline
    apply: bool = False  # admit it (on the streets that admitted it) before the next step
    note: Text | None = None
    # the day the step is evaluated and its lists read (default: today, by the clock)
    as_of: Day | None = None
    expect: StepExpect = Field(default_factory=StepExpect)
    read: list[Reading] = Field(default_factory=list)  # the lists after it on other days


class CountyChanges(Strict):
    """Inline changes to the starting county. Entities with a known id are altered (the keys
    given replace theirs); others are added. ``parameters`` and ``rules`` act as one more
    policy pack after the county's own."""

    departments: list[dict[str, Any]] = Field(default_factory=list)
    streets: list[dict[str, Any]] = Field(default_factory=list)
    units: list[dict[str, Any]] = Field(default_factory=list)
    items: list[dict[str, Any]] = Field(default_factory=list)
    parameters: dict[str, Any] = Field(default_factory=dict)
    rules: list[dict[str, Any]] = Field(default_factory=list)


class CountySpec(Strict):
    path: Text = "sample"  # `sample` (the bundled county) or a directory
    changes: CountyChanges = Field(default_factory=CountyChanges)


class ScenarioFile(Strict):
    """The shape of a scenario YAML file."""

    schema_version: Literal[1]
    name: Text
    description: Text
    sources: list[Citation] = Field(default_factory=list)
    county: Text | CountySpec = "sample"
    steps: list[Step] = Field(min_length=1)
