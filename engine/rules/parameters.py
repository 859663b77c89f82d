"""Pack parameters the engine itself reads (thresholds and tables are data, not code)."""

from typing import Annotated, Literal

from pydantic import (
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveInt,
    confloat,
    model_validator,
)

from engine.models.base import Id, Strict, Text, new_list
from engine.models.policy import Citation
from engine.vocab import Phase, Power

Share = confloat(ge=0, le=1, strict=False)
ClassKey = Annotated[int, Field(strict=False, gt=0)]  # YAML mapping keys arrive as text


class CapacityNeed(Strict):
    """A street carrying any of ``phases`` needs ``institution`` (成熟一批、下放一批)."""

    institution: Id
    phases: list[Phase] = Field(min_length=1)
    public_facing: bool = False  # only for items that face the public


class SizeTiers(Strict):
    """Street size by resident population: small up to ``small_max`` (inclusive), large from
    ``large_min`` (inclusive), medium between."""

    small_max: NonNegativeInt
    large_min: PositiveInt

    @model_validator(mode="after")
    def _ordered(self) -> "SizeTiers":
        if self.large_min <= self.small_max:
            raise ValueError("large_min 须大于 small_max")
        return self

    def tier(self, population: int) -> str:
        if population <= self.small_max:
            return "small"
        return "large" if population >= self.large_min else "medium"


Basis = Literal["town_class", "size_tier", "population", "area_km2", "revenue"]


class Band(Strict):
    """From ``min`` (inclusive) of a factor upwards the limit is ``value``."""

    min: NonNegativeFloat
    value: NonNegativeFloat


class Range(Strict):
    """A number a street must keep within (either end may be open)."""

    min: NonNegativeFloat | None = None
    max: NonNegativeFloat | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "Range":
        if self.min is None and self.max is None:
            raise ValueError("min 和 max 至少写一个")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min 不能大于 max")
        return self


class Varying(Strict):
    """A limit that depends on the street: per town class or size tier (``values``), or per
    band of a factor (``bands``: the highest band the street reaches). A street the limit
    names no value for has no limit. ``citation``: the rule it comes from."""

    by: Basis
    values: dict[str, NonNegativeFloat | Range] = Field(default_factory=dict)  # keys as text
    bands: list[Band] = Field(default_factory=new_list)
    citation: Citation | None = None

    @model_validator(mode="after")
    def _one_form(self) -> "Varying":
        factor = self.by in ("population", "area_km2", "revenue")
        if factor and (self.values or not self.bands):
            raise ValueError(f"按 {self.by} 分档的限额写 bands（min 与 value）")
        if not factor and (self.bands or not self.values):
            raise ValueError(f"按 {self.by} 的限额写 values（各类别或规模的值）")
        return self


class InstitutionRules(Strict):
    """The bodies every street must have, how many bodies it may have (one number, or by
    class, tier or band), and the posts each office may hold (甘州 一之3)."""

    required: list[Id] = Field(default_factory=new_list)
    max_bodies: PositiveInt | Varying | None = None
    # body id → the posts it may hold, by class, tier or band (values: a number or a range)
    office_posts: dict[Id, Varying] = Field(default_factory=dict)


class Quota(Strict):
    """Posts allowed to one street."""

    administrative: NonNegativeInt
    institutional: NonNegativeInt
    logistics: NonNegativeInt = 0

    def total(self) -> int:
        return self.administrative + self.institutional + self.logistics


class FactorTier(Strict):
    """From ``min`` (inclusive) upwards a factor scores ``points``."""

    min: NonNegativeFloat
    points: NonNegativeInt


class Grade(Quota):
    """The quota of a street whose factor points reach ``min_points``."""

    min_points: NonNegativeInt


class FinanceQuota(Strict):
    """Finance-office posts (财政所单列) for a town class, from a population up."""

    town_class: PositiveInt
    min_population: NonNegativeInt = 0
    posts: NonNegativeInt


class Ceiling(Strict):
    administrative: NonNegativeInt
    institutional: NonNegativeInt


Factor = Literal["population", "area_km2", "revenue"]


class ShareTarget(Strict):
    """At least ``min`` of the county's ``county_posts`` posts (e.g. enforcement posts in
    the domains sunk to the streets) held by the streets."""

    min: Share
    county_posts: PositiveInt
    citation: Citation


class PostsTarget(Range):
    """Posts each street should hold, between ``min`` and ``max``."""

    citation: Citation


class Targets(Strict):
    """County-level targets for the streets' posts (太原 二（一）, 四（三）)."""

    enforcement_share: ShareTarget | None = None  # streets' enforcement posts / county's
    institutional_per_street: PostsTarget | None = None  # 事业编制 per street


class StaffingModel(Strict):
    """How a county sets street quotas: by town class, or by points over factors in tiers."""

    basis: Literal["class", "factors"]
    classes: dict[ClassKey, Quota] = Field(default_factory=dict)
    factors: dict[Factor, list[FactorTier]] = Field(default_factory=dict)
    grades: list[Grade] = Field(default_factory=new_list)
    finance_office: list[FinanceQuota] = Field(default_factory=new_list)
    assistant_share: Share | Varying | None = None  # of administrative posts
    non_establishment_share: Share | Varying | None = None  # of all posts
    county_ceiling: Ceiling | None = None

    @model_validator(mode="after")
    def _complete(self) -> "StaffingModel":
        if self.basis == "class" and not self.classes:
            raise ValueError("basis 为 class 时须写 classes（各类别的编制）")
        if self.basis == "factors" and not (self.factors and self.grades):
            raise ValueError("basis 为 factors 时须写 factors（各要素分档）"
                             "和 grades（总分对应的编制）")
        return self


class Domains(Strict):
    """The fields of work (履职领域) items are grouped by in the published lists."""

    values: list[Text] = Field(min_length=1)
    citation: Citation

    @model_validator(mode="after")
    def _unique(self) -> "Domains":
        if len(set(self.values)) != len(self.values):
            raise ValueError("履职领域重复")
        return self


class ProvincialGrant(Strict):
    """Reserved powers a provincial catalogue allows a department to delegate to streets
    (e.g. a province's list of county enforcement powers given to towns and streets)."""

    department: Id
    powers: list[Power] = Field(min_length=1)
    citation: Citation


class Parameters(Strict):
    phase_powers: dict[Phase, Power]
    enforcement_phases: list[Phase]
    reserved_powers: list[Power]
    capacity: list[CapacityNeed] = Field(default_factory=new_list)
    staff_threshold_days: NonNegativeInt
    emergency_approval_days: PositiveInt
    hearing_days: PositiveInt
    review_days: PositiveInt
    # the city's and the province's review of a county decision (逐级报送; working days)
    city_review_days: PositiveInt = 15
    province_review_days: PositiveInt = 15
    size_tiers: SizeTiers | None = None
    institutions: InstitutionRules = Field(default_factory=InstitutionRules)
    staffing: StaffingModel | None = None
    capacity_year: PositiveInt | None = None  # the year whose working days count (None: off)
    usable_share: Share = 1.0
    person_day_cost: NonNegativeInt = 0
    # funds may fall this many percent below workload × person_day_cost before they count as
    # short (the ledger and the staffing report show the shortfall; FUND-ADEQUATE decides)
    funding_tolerance_percent: NonNegativeInt = 0
    domains: Domains | None = None  # None: any field of work is accepted
    # reserved powers a provincial catalogue lets departments delegate (none: only grants
    # recorded in the county give a street a reserved power)
    provincial_catalogue: list[ProvincialGrant] = Field(default_factory=new_list)
    targets: Targets | None = None  # county-level targets for the streets' posts (太原)

    def catalogue_powers(self, department: str) -> set[str]:
        """The reserved powers the provincial catalogue lets ``department`` delegate."""
        return {p for g in self.provincial_catalogue if g.department == department
                for p in g.powers}

    def funding_needed(self, workload_days: int) -> int:
        """Yuan a year the workload costs at the county's rate per person-day."""
        return workload_days * self.person_day_cost

    def funding_shortfall(self, amount: int, workload_days: int) -> int:
        """Yuan a year by which funds that follow a duty fall short of its workload's cost,
        when they fall short by more than the tolerance; else 0. Funds of 0 are not short
        here (they do not follow at all: FUND-TRANSFER and FUND-ASSIST judge that)."""
        needed = self.funding_needed(workload_days)
        short = needed - amount
        if amount <= 0 or short <= 0 or short * 100 // needed <= self.funding_tolerance_percent:
            return 0
        return short


ENGINE_PARAMETERS = frozenset(Parameters.model_fields)
