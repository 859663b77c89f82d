"""Pack parameters the engine itself reads (thresholds and tables are data, not code)."""

from __future__ import annotations

from pydantic import Field, NonNegativeInt, PositiveInt

from engine.models.base import Id, Strict
from engine.vocab import Phase, Power


class CapacityNeed(Strict):
    """A street carrying any of ``phases`` needs ``institution`` (成熟一批、下放一批)."""

    institution: Id
    phases: list[Phase] = Field(min_length=1)
    public_facing: bool = False  # only for items that face the public


class Parameters(Strict):
    phase_powers: dict[Phase, Power]
    enforcement_phases: list[Phase]
    reserved_powers: list[Power]
    capacity: list[CapacityNeed] = Field(default_factory=list)
    staff_threshold_days: NonNegativeInt
    emergency_approval_days: PositiveInt
    hearing_days: PositiveInt
    review_days: PositiveInt


ENGINE_PARAMETERS = frozenset(Parameters.model_fields)
