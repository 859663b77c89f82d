"""The shapes of a county's YAML files: ``county.yaml`` and ``items/*.yaml``.

Apart from ``engine.models.county`` because only reading a county's YAML uses them: a county
loaded from its compiled snapshot (``engine.loading.snapshot``) does not build them.
"""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from engine.models.base import Strict, Text, new_list
from engine.models.county import Department, DutyItem, Street, Superior, Unit, UpwardReview


class CountyFile(Strict):
    """The shape of ``county.yaml``."""

    schema_version: Literal[1]
    name: Text
    # 行政区划代码 (six digits): what binds a store to its county; the name may be shared
    code: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] | None = None
    policy: list[Text] = Field(default_factory=lambda: ["baseline"])
    departments: list[Department] = Field(min_length=1)
    streets: list[Street] = Field(default_factory=new_list)  # none: a catalogue of kept items
    units: list[Unit] = Field(default_factory=new_list)
    items: list[DutyItem] = Field(default_factory=new_list)
    # the city and province above the county, and which of them review the county's
    # decisions before publication (逐级报送)
    city: Superior | None = None
    province: Superior | None = None
    upward_review: UpwardReview | None = None


class ItemsFile(Strict):
    """The shape of ``items/*.yaml``."""

    items: list[DutyItem]
