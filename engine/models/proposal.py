"""准入申请: a department's request that streets take on a duty."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, NonNegativeInt, Tag

from engine.models.base import Id, Strict, Text
from engine.models.county import ItemFields
from engine.vocab import (
    Instrument,
    LegalReview,
    Opinion,
    Power,
    ProposalMode,
    RequirementLevel,
    Urgency,
)


class ItemRef(Strict):
    """A catalogue item named by id."""

    ref: Id


class NewItem(ItemFields):
    """A duty item described inline (not yet in the catalogue)."""

    id: Id | None = None  # defaults to the proposal id
    department: Id | None = None  # defaults to the proposing department


def _item_kind(value: Any) -> str:
    return "[ref]" if isinstance(value, dict) and "ref" in value else "[item]"


class Resources(Strict):
    """What moves with the duty (费随事转、人随事转、权随责走)."""

    funding: NonNegativeInt = 0  # yuan per street per year
    staff: NonNegativeInt = 0  # people per street
    powers_delegated: list[Power] = Field(default_factory=list)


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
    streets: Literal["all"] | list[Id] = "all"
    mode: ProposalMode
    item: Annotated[
        Annotated[ItemRef, Tag("[ref]")] | Annotated[NewItem, Tag("[item]")],
        Discriminator(_item_kind),
    ]
    resources: Resources = Field(default_factory=Resources)
    instruments: list[Instrument] = Field(default_factory=list)
    higher_requirement: HigherRequirement | None = None
    work_plan: bool = False
    legal_review: LegalReview = "pending"
    hearing: dict[Id, Opinion] | None = None
    meeting: Meeting | None = None
    urgency: Urgency = "normal"
