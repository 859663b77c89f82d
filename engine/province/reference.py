"""The reference catalogue of items higher departments take back (上级部门收回事项).

A row names an item and how county catalogue items are matched to it: by code (``codes``:
catalogue item ids) or by name (the item's name contains one of ``match``, default the row's
name). Every row carries its source: the document (and article) or address it comes from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol

from pydantic import Field

from engine.errors import DataError, DataErrors, Location
from engine.loading.yamlio import read_yaml, validate
from engine.models.base import Id, Strict, Text
from engine.paths import reference_catalogue


class Named(Protocol):
    """What a reference row is matched against: a catalogue item's code and name."""

    @property
    def item(self) -> str: ...

    @property
    def name(self) -> str: ...


class ReferenceItem(Strict):
    id: Id
    name: Text
    match: list[Text] = Field(default_factory=list)  # name fragments; empty: the name itself
    codes: list[Id] = Field(default_factory=list)  # catalogue item ids that are this item
    department: Text | None = None  # who takes it back (承接部门)
    source: Text  # the document and article, or the address, it comes from

    def matches(self, item: Named) -> bool:
        return item.item in self.codes or any(w in item.name for w in self.match or [self.name])


class ReferenceCatalogue(Strict):
    schema_version: Literal[1]
    name: Text
    source: Text
    items: list[ReferenceItem] = Field(min_length=1)


def load_reference(path: Path | None = None) -> tuple[ReferenceCatalogue, str]:
    """A reference catalogue (default: the bundled one) and the name to show for its file.
    Bad files raise ``DataError``s naming file, line and field."""
    doc = read_yaml(path or reference_catalogue())
    if not isinstance(doc.data, dict):
        raise DataError("收回事项参考目录应是一个映射（含 schema_version、name、source、items）",
                        location=Location(doc.display, 1),
                        hint="参照内置目录 duties/reference/recalled.yaml 的格式填写。")
    catalogue = validate(ReferenceCatalogue, doc)
    errors: list[DataError] = []
    first: dict[str, int] = {}
    for i, row in enumerate(catalogue.items):
        if row.id in first:
            errors.append(DataError(
                f"收回事项编号 “{row.id}” 重复（第 {first[row.id] + 1} 项已用）", code="E-DUP",
                location=doc.location(("items", i, "id")), hint="每个收回事项取不同的编号。"))
        first.setdefault(row.id, i)
    if errors:
        raise DataErrors(errors)
    return catalogue, "内置参考目录" if path is None else doc.display
