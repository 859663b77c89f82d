"""The common base of every model: strict, frozen, unknown keys refused."""

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo


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


# Dates of force (docs/formats.md, Dates): a day written YYYY-MM-DD (a date YAML reads, or the
# same text quoted). Every such field is optional and left out of JSON when absent, so files,
# stored versions and outputs without dates stay byte for byte as they were.
Day = Annotated[date, Field(strict=False)]


def _absent(value: Any) -> bool:
    return value is None


def optional_day() -> Any:
    """The default of an optional date field: None, and left out of JSON when None."""
    return Field(None, exclude_if=_absent)


def not_before(value: date | None, info: ValidationInfo, other: str) -> date | None:
    """``value`` unless it falls before the field ``other`` of the same model (a data error
    on ``value``'s own field)."""
    start = info.data.get(other)
    if value is not None and isinstance(start, date) and value < start:
        raise ValueError(f"{info.field_name}（{value.isoformat()}）早于 {other}"
                         f"（{start.isoformat()}）：截止日期不能早于开始日期")
    return value


def in_force(effective: date | None, until: date | None, day: date) -> bool:
    """Whether something in force from ``effective`` to ``until`` (both days included; None:
    open) is in force on ``day``."""
    return (effective is None or effective <= day) and (until is None or day <= until)


def new_list() -> list[Any]:
    """A new empty list: the default factory of list fields, for ``list`` itself. pydantic
    reads a default factory's signature when it builds a model, and for a built-in such as
    ``list`` that means running the tokenizer over its text signature (compiling the
    tokenizer's expressions the first time), for a plain function only reading its code."""
    return []
