"""决定: the verdict on a proposal, per street and overall, with the findings behind it.

The JSON form of these models is the interface of ``duty evaluate --format json``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from engine.vocab import Change, Effect, ListKind, PartyKind, Phase, ProposalMode, Verdict


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Party(Out):
    kind: PartyKind
    id: str
    name: str


class PhaseDuty(Out):
    phase: Phase
    party: Party


class Funding(Out):
    follows: bool
    payer: str | None
    amount: int
    per: Literal["year", "task"] = "year"  # temporary work is funded per task


class Finding(Out):
    rule: str
    title: str
    effect: Effect
    street: str | None
    message: str
    basis: str


class StreetDecision(Out):
    street: str
    name: str
    verdict: Verdict
    list: ListKind | None
    primary: Party | None
    cooperating: list[Party]
    phases: list[PhaseDuty]
    funding: Funding


class PolicyRef(Out):
    id: str
    version: str
    hash: str
    combine: str


class ItemSummary(Out):
    id: str
    name: str
    department: str
    category: str
    from_catalogue: bool


class Decision(Out):
    proposal: str
    change: Change = "admit"
    title: str
    department: str
    department_name: str
    item: ItemSummary
    revision: dict[str, Any] | None = None  # change revise: the row fields it rewrites
    mode: ProposalMode | None = None  # how the street carries it (none for a recall)
    ends: str | None = None  # temporary work: the day it ends (it puts no row on any list)
    verdict: Verdict
    streets: list[StreetDecision]
    findings: list[Finding]
    policy: PolicyRef
