"""准入申请: a request to change what streets carry.

``change`` says which: ``admit`` hands a duty to streets (准入), ``recall`` takes a listed item
back from streets (收回), ``revise`` rewrites a listed item's row (动态调整).
"""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, ValidationInfo, field_validator, model_validator

from engine.models.base import (
    Amount,
    Count,
    Day,
    Id,
    Strict,
    Text,
    WorkloadDays,
    new_list,
    not_before,
    optional_day,
)
from engine.models.county import ItemFields, unique_phases
from engine.vocab import (
    Category,
    Change,
    Instrument,
    LegalReview,
    Opinion,
    Phase,
    Power,
    ProposalMode,
    RequirementLevel,
    ReturnReason,
    Urgency,
)


class ItemRef(Strict):
    """A catalogue item named by id."""

    ref: Id


class NewItem(ItemFields):
    """A duty item described inline (not yet in the catalogue)."""

    id: Id | None = None  # defaults to the proposal id
    department: Id | None = None  # defaults to the proposing department


class ItemRevision(Strict):
    """The fields of a listed item a revision (动态调整) rewrites; the others stay."""

    name: Text | None = None
    category: Category | None = None
    phases: list[Phase] | None = Field(default=None, min_length=1)
    powers: list[Power] | None = None
    legal_basis: Text | None = None
    public_facing: bool | None = None
    high_volume: bool | None = None
    workload_days: WorkloadDays | None = None
    domain: Text | None = None
    department_duty: Text | None = None
    street_duty: Text | None = None
    takeover: Id | None = None
    method: Text | None = None

    @field_validator("phases")
    @classmethod
    def _unique_phases(cls, phases: list[str] | None) -> list[str] | None:
        return phases if phases is None else unique_phases(phases)

    def changed(self) -> dict[str, Any]:
        """The fields the revision sets."""
        return self.model_dump(exclude_none=True)


def _item_kind(value: Any) -> str:
    """Which form an item takes, for validation (a dict) and serialization (a model)."""
    ref = isinstance(value, ItemRef) or (isinstance(value, dict) and "ref" in value)
    return "[ref]" if ref else "[item]"


class Resources(Strict):
    """What moves with the duty (费随事转、人随事转、权随责走)."""

    funding: Amount = 0  # yuan per street per year
    staff: Count = 0  # people per street
    powers_delegated: list[Power] = Field(default_factory=new_list)


class HigherRequirement(Strict):
    level: RequirementLevel
    document: Text


class Meeting(Strict):
    body: Text
    ref: Text
    decided: bool


class Proposal(Strict):
    schema_version: Literal[1]
    id: Id
    title: Text
    department: Id
    change: Change = "admit"
    streets: Literal["all"] | list[Id] = "all"
    mode: ProposalMode | None = None  # required to admit or revise; a recall has none
    item: Annotated[
        Annotated[ItemRef, Tag("[ref]")] | Annotated[NewItem, Tag("[item]")],
        Discriminator(_item_kind),
    ]
    revision: ItemRevision | None = None  # only with change: revise
    resources: Resources = Field(default_factory=Resources)
    instruments: list[Instrument] = Field(default_factory=new_list)
    higher_requirement: HigherRequirement | None = None
    work_plan: bool = False
    legal_review: LegalReview = "pending"
    hearing: dict[Id, Opinion] | None = None
    meeting: Meeting | None = None
    urgency: Urgency = "normal"
    # temporary work (urgency: temporary) ends on this day; its funds are per task
    ends: Annotated[date | None, Field(strict=False)] = None
    # a street's own request to hand an item back or change its share: the street asking,
    # its stated reasons, and (in the process: as recorded) the opinion of the department
    requested_by: Id | None = None
    reasons: list[ReturnReason] = Field(default_factory=new_list)
    reason_note: Text | None = None
    department_opinion: Opinion | None = None
    # dates of force (docs/formats.md, Dates): an admission is in force from ``effective`` to
    # ``until``; a recall takes effect on ``effective`` and may leave the street a hand-over
    # period to ``handover_until`` (both days included); None: at once, open
    effective: Day | None = optional_day()
    until: Day | None = optional_day()
    handover_until: Day | None = optional_day()

    @field_validator("until", "handover_until")
    @classmethod
    def _after_effective(cls, value: date | None, info: ValidationInfo) -> date | None:
        return not_before(value, info, "effective")

    @model_validator(mode="after")
    def _temporary_ends(self) -> "Proposal":
        if (self.urgency == "temporary") != (self.ends is not None):
            raise ValueError("临时性工作（urgency: temporary）须写结束日期 ends（如 2026-12-31），"
                             "其他工作不写 ends")
        if self.requested_by is not None and self.change == "admit":
            raise ValueError("街道申请（requested_by）只能是收回（recall）或动态调整（revise），"
                             "准入须由部门申请")
        return self
