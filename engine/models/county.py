"""The county: departments, streets, stationed units and the duty catalogue."""

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    Field,
    NonNegativeFloat,
    PositiveInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from engine.models.base import (
    Amount,
    Count,
    Day,
    Id,
    Population,
    Strict,
    Text,
    WorkloadDays,
    new_list,
    not_before,
    optional_day,
)
from engine.vocab import Category, Phase, Power, ProposalMode, StreetKind, UnitMode


class Department(Strict):
    """职能部门: a county-level department and the powers it holds."""

    id: Id
    name: Text
    powers: list[Power] = Field(default_factory=new_list)


class GrantedPower(Strict):
    """A power that reached a street by law or provincial decision, for one department's domain."""

    power: Power
    department: Id
    basis: Text
    # the days the grant is in force (a pilot's term, say); None: open
    effective: Day | None = optional_day()
    until: Day | None = optional_day()

    @field_validator("until")
    @classmethod
    def _until(cls, value: date | None, info: ValidationInfo) -> date | None:
        return not_before(value, info, "effective")


class Staffing(Strict):
    """A street's posts (编制) and the people in them.

    ``administrative`` and ``institutional`` are the posts the street holds, ``actual`` the
    people on establishment in post. The other fields are optional: a county that records
    them gets the matching checks (``None``: not recorded).
    """

    administrative: Count
    institutional: Count
    actual: Count
    logistics: Count = 0  # 机关后勤事业编制
    finance_office: Count = 0  # 财政所单列编制
    assistant: Count | None = None  # 主任助理职数
    non_establishment: Count | None = None  # 编外人员
    mixed: Count | None = None  # 混岗: institutional staff in administrative posts
    enforcement: Count | None = None  # posts of the street's enforcement squad

    def posts(self) -> int:
        """Every post the street holds."""
        return self.administrative + self.institutional + self.logistics + self.finance_office


class Nameplate(Strict):
    """A further function a body carries, with the name on its nameplate (挂牌子)."""

    id: Id
    name: Text | None = None


class Body(Strict):
    """A street body (机构) and the further functions it carries (挂牌子, merged offices).

    A body written as a bare id carries the one function of that id.
    """

    id: Id
    name: Text | None = None
    functions: list[Id | Nameplate] = Field(default_factory=new_list)
    posts: Count | None = None  # the posts the body holds (None: not recorded)

    def nameplates(self) -> list[Nameplate]:
        """The further functions, each once, without the body's own."""
        out: dict[str, Nameplate] = {}
        for f in self.functions:
            plate = f if isinstance(f, Nameplate) else Nameplate(id=f)
            if plate.id != self.id:
                out.setdefault(plate.id, plate)
        return list(out.values())

    def carries(self) -> list[str]:
        return [self.id, *(p.id for p in self.nameplates())]


class Street(Strict):
    """街道/乡镇."""

    id: Id
    name: Text
    kind: StreetKind
    population: Population
    area_km2: NonNegativeFloat
    revenue: NonNegativeFloat | None = None  # fiscal revenue, 10,000 yuan a year
    town_class: PositiveInt | None = None  # where the county classes its towns (甘州: 1–3)
    institutions: list[Id | Body] = Field(default_factory=new_list)
    staffing: Staffing
    granted_powers: list[GrantedPower] = Field(default_factory=new_list)

    @field_validator("institutions")
    @classmethod
    def _unique_bodies(cls, bodies: list[str | Body]) -> list[str | Body]:
        ids = [b.id if isinstance(b, Body) else b for b in bodies]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"机构编号重复：{'、'.join(twice)}（一个机构只写一次，"
                             "它承担的其他职能写在 functions 中）")
        return bodies

    def bodies(self) -> list[Body]:
        """The street's bodies (a bare id is a body carrying that one function)."""
        return [b if isinstance(b, Body) else Body(id=b) for b in self.institutions]

    def functions(self) -> list[str]:
        """Every function some body of the street carries, in order, once each."""
        return list(dict.fromkeys(f for b in self.bodies() for f in b.carries()))


class Unit(Strict):
    """派驻机构: a department's body stationed in one or more streets."""

    id: Id
    name: Text
    department: Id
    mode: UnitMode
    streets: list[Id] = Field(min_length=1)


def unique_phases(phases: list[str]) -> list[str]:
    if len(set(phases)) != len(phases):
        raise ValueError("环节重复")
    return phases


class ItemFields(Strict):
    """What describes a duty, in the catalogue and in a proposal's inline item."""

    name: Text
    category: Category
    phases: list[Phase] = Field(min_length=1)
    powers: list[Power] = Field(default_factory=new_list)
    legal_basis: str  # empty: the list gave none (`duty check` reports it, BASIS-MISSING)
    public_facing: bool = False
    high_volume: bool = False
    workload_days: WorkloadDays = 0
    # the national list layout (DESIGN.md §7); all optional
    domain: Text | None = None  # 履职领域, from the policy's ``domains`` vocabulary
    department_duty: Text | None = None  # 上级部门职责: what the department itself does
    street_duty: Text | None = None  # 乡镇（街道）配合职责, as the county words it
    takeover: Id | None = None  # 承接部门 of a recalled item (a department id)
    method: Text | None = None  # 工作方式: how the department carries a recalled item

    @field_validator("phases")
    @classmethod
    def _unique_phases(cls, phases: list[str]) -> list[str]:
        return unique_phases(phases)


LAYOUT_FIELDS = ("domain", "department_duty", "street_duty", "takeover", "method")
"""The item fields of the national list layout: they describe how a duty is published, not
what it is, so a proposal that leaves them out still names the same duty."""


class DutyItem(ItemFields):
    """职责事项: one duty item of the catalogue (or of a proposal, once resolved)."""

    id: Id
    department: Id
    funding: Amount = 0
    streets: Literal["all"] | list[Id] = "all"
    recalled: bool = False
    # the days the item is in force; None: open (an item out of force is on no list that day)
    effective: Day | None = optional_day()
    until: Day | None = optional_day()

    @field_validator("until")
    @classmethod
    def _until(cls, value: date | None, info: ValidationInfo) -> date | None:
        return not_before(value, info, "effective")


class Admission(Strict):
    """An item put on one street's lists by an admitted proposal, with the funds agreed and
    how the street carries it (``entrust``: in the department's name)."""

    proposal: Id
    funding: Amount
    mode: ProposalMode | None = None
    # powers the decision delegated to the street for this item (lawful ones only); a recall
    # or a revision that does not delegate them again takes them back
    powers: list[Power] = Field(default_factory=new_list)
    # the days the decision put the item on the street's lists for; None: open
    effective: Day | None = optional_day()
    until: Day | None = optional_day()


class Recall(Strict):
    """An item taken back from one street (收回): by an admitted recall proposal, or (no
    proposal) by the catalogue marking the item recalled.

    ``effective``: the day the recall takes effect (None: at once); before it the street holds
    the item as before. ``handover_until``: the last day of a hand-over period the policy
    granted (ASG-HANDOVER): the street still carries the item until then. ``held``: the
    admission the recall replaced, what the street holds until the recall is complete."""

    proposal: Id | None
    effective: Day | None = optional_day()
    handover_until: Day | None = optional_day()
    held: Admission | None = Field(None, exclude_if=lambda v: v is None)


class Handover(Strict):
    """A street in the hand-over period of a recall on the day the county is read: it still
    carries the item until ``until``, and from the day after, the department does."""

    proposal: Id | None
    until: Day


AreaCode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]  # 行政区划代码, six digits


class Superior(Strict):
    """The city (市) or province (省) a county belongs to: its code and its name."""

    code: AreaCode
    name: Text


class UpwardReview(Strict):
    """Which levels above the county review a county's decision before it is published, in
    order (``city`` then ``province``): for a department's proposal (``decision``) and for a
    street's request to hand an item back or revise it (``street_request``). The levels are
    checked when the county is loaded (``engine.loading.county``)."""

    decision: list[str] = Field(default_factory=new_list)
    street_request: list[str] = Field(default_factory=new_list)

    def levels(self, street_request: bool) -> list[str]:
        return list(self.street_request if street_request else self.decision)


def _absent(value: object) -> bool:
    return value is None


class County(Strict):
    """A loaded, cross-checked county."""

    name: str
    code: str | None = None
    directory: str
    policy: list[str]
    departments: dict[str, Department]
    streets: dict[str, Street]
    units: dict[str, Unit]
    items: dict[str, DutyItem]
    # item id → street id → the admission that put the item on that street's lists
    admissions: dict[str, dict[str, Admission]] = Field(default_factory=dict)
    # item id → street id → the recall that took the item back from that street
    recalls: dict[str, dict[str, Recall]] = Field(default_factory=dict)
    # item id → street id → the hand-over under way on ``as_of`` (a county read at a date)
    handovers: dict[str, dict[str, Handover]] = Field(default_factory=dict,
                                                      exclude_if=lambda v: not v)
    # the day the county is read at (``engine.loading.dated``); None: as written, undated
    as_of: Day | None = optional_day()
    # the levels above the county and what they review (absent: none; a county without them
    # digests as it always did)
    city: Superior | None = Field(default=None, exclude_if=_absent)
    province: Superior | None = Field(default=None, exclude_if=_absent)
    upward_review: UpwardReview | None = Field(default=None, exclude_if=_absent)

    def superior(self, level: str) -> Superior | None:
        """The county's city (``city``) or province (``province``), if named."""
        return self.city if level == "city" else self.province if level == "province" \
            else None

    def review_levels(self, street_request: bool) -> list[str]:
        """The levels that review a county decision on this kind of proposal, in order."""
        return self.upward_review.levels(street_request) if self.upward_review else []

    def item_streets(self, item: DutyItem) -> list[str]:
        """The streets an item applies to, in county order."""
        if item.streets == "all":
            return list(self.streets)
        wanted = set(item.streets)
        return [s for s in self.streets if s in wanted]

    def recalled_from(self, item: DutyItem) -> list[str]:
        """The streets the item has been taken back from: all of its streets when the
        catalogue marks it recalled, else those a recall proposal named."""
        if item.recalled:
            return self.item_streets(item)
        taken = self.recalls.get(item.id, {})
        return [s for s in self.item_streets(item) if s in taken]

    def listed_on(self, item: DutyItem) -> list[str]:
        """The streets whose basic or cooperating lists hold the item."""
        taken = set(self.recalled_from(item))
        return [s for s in self.item_streets(item) if s not in taken]
