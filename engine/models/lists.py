"""清单: each street's three lists and each department's list (the JSON of `duty lists`)."""

from __future__ import annotations

from pydantic import Field

from engine.models.decision import Funding, Out, Party, PowerSource, optional
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
    # the national list layout; defaults let versions stored before these fields load
    domain: str | None = None  # 履职领域 (None: the catalogue names none; listed under 其他)
    department_duty: str | None = None  # 上级部门职责 as the catalogue words it
    street_duty: str | None = None  # 乡镇（街道）配合职责 as the catalogue words it
    takeover: Party | None = None  # 承接部门 of a recalled row
    method: str | None = None  # 工作方式 of a recalled row, as the catalogue words it
    # the powers the street exercises on the item and what gave each (a grant or a decision)
    powers: list[PowerSource] = Field(default_factory=list)
    # dates (YYYY-MM-DD; left out when absent): the days the row is in force (the item's or the
    # admitting decision's), and a recall's hand-over period under way on the day the lists
    # are read: the street carries the item to ``handover_until``, ``successor`` after it
    effective: str | None = optional()
    until: str | None = optional()
    handover_until: str | None = optional()
    successor: Party | None = optional()


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
    # yuan a year the funds fall short of the workload at the county's rate, per street and
    # over the streets (0: enough, or no funds follow); versions stored before load as 0
    shortfall_per_street: int = 0
    shortfall_total: int = 0


class DepartmentList(Out):
    department: str
    name: str
    items: list[LedRow]
    funding_owed: dict[str, int]  # street id → yuan per year (费随事转 ledger)
    funding_total: int
    # street id → yuan per year the funds owed fall short of the workload (streets short only)
    funding_shortfall: dict[str, int] = Field(default_factory=dict)
    shortfall_total: int = 0


class ListSource(Out):
    """Which lists a document shows, for its title block: a version published in a store
    (its number, date and the audit anchor of its publication), or a draft built from the
    county directory (every field None)."""

    version: int | None = None
    published: str | None = None  # YYYY-MM-DD
    anchor: str | None = None  # audit entry "seq:mac" of the publication


class CountyLists(Out):
    county: str
    policy: str
    streets: list[StreetLists]
    departments: list[DepartmentList]


class ItemPlacement(Out):
    """Where one catalogue item sits on a county's streets' lists."""

    item: str
    name: str
    basic: list[str]  # the streets listing it as basic (基本履职), in the lists' order
    cooperative: list[str]
    recalled: int  # streets listing it as recalled (上级部门收回)


class ListSummary(Out):
    """A county's lists as the province reads them: every catalogue item (those that apply
    to no street too) and the streets placing it on each list. Kept with each published
    version, so that a province compares its counties without reading whole lists."""

    county: str
    streets: int
    items: list[ItemPlacement]  # by item id


class ListTotals(Out):
    """What a version's lists add up to, kept with it so that two versions are compared
    without reading the lists that did not change: the workload of the streets' basic and
    cooperative lists (person-days a year) and the funds each department owes the streets
    (yuan a year)."""

    workload_days: int
    funding: dict[str, int]  # department id → its list's funding total, in the lists' order
