"""清单: each street's three lists and each department's list (the JSON of `duty lists`)."""

from __future__ import annotations

from engine.models.decision import Funding, Out, Party
from engine.vocab import Category, ListKind, Phase, ProposalMode


class ListRow(Out):
    item: str
    name: str
    department: str
    category: Category
    list: ListKind
    primary: Party | None
    cooperating: list[Party]
    street_phases: list[Phase]
    department_phases: list[Phase]
    task: str
    funding: Funding
    workload_days: int
    legal_basis: str
    rules: list[str]
    proposal: str | None
    mode: ProposalMode | None = None  # how an admitted proposal gave it (entrust: 委托)


class NotApplying(Out):
    item: str
    name: str
    reason: str


class StreetLists(Out):
    street: str
    name: str
    kind: str
    basic: list[ListRow]
    cooperative: list[ListRow]
    recalled: list[ListRow]
    not_applying: list[NotApplying]


class LedRow(Out):
    """An item a department leads or owns, the streets it relies on, and the funds it owes."""

    item: str
    name: str
    category: Category
    streets: list[str]
    funding_per_street: int
    funding_total: int


class DepartmentList(Out):
    department: str
    name: str
    items: list[LedRow]
    funding_owed: dict[str, int]  # street id → yuan per year (费随事转 ledger)
    funding_total: int


class CountyLists(Out):
    county: str
    policy: str
    streets: list[StreetLists]
    departments: list[DepartmentList]
