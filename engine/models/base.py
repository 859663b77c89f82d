"""The common base of every model: strict, frozen, unknown keys refused."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]
Text = Annotated[str, StringConstraints(min_length=1)]


# Documented ranges (docs/security.md): a value outside is a data error where it is loaded,
# so that no sum or product of them can overflow a report or a workbook cell.
Count = Annotated[int, Field(ge=0, le=1_000_000)]  # posts, people, staff per street
Population = Annotated[int, Field(ge=0, le=100_000_000)]
WorkloadDays = Annotated[int, Field(ge=0, le=36_500)]  # person-days a year, per street
Amount = Annotated[int, Field(ge=0, le=1_000_000_000_000)]  # yuan a year
