"""The counties of a province view: county directories named one by one or in a province file,
or the counties of one PostgreSQL store.

A county directory is loaded as ``duty lists`` loads it (its admitted proposals applied), so
every view reads the lists the engine itself builds. A county in a store is read as its
newest published version: the lists it made public, nothing built again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from pydantic import Field

from engine.collector import paused
from engine.errors import DataError, Location, NotFoundError, UsageError
from engine.lists.apply import with_admitted
from engine.loading.workspace import Workspace, load_workspace
from engine.loading.yamlio import read_yaml, validate
from engine.models.base import Strict, Text
from engine.models.lists import ListSummary
from engine.store.config import StoreTarget
from engine.store.session import Store, open_counties


class ProvinceFile(Strict):
    """The shape of a province file: its name and its county directories (relative to it)."""

    schema_version: Literal[1]
    name: Text
    counties: list[Text] = Field(min_length=1)
    reference: Text | None = None  # its own reference catalogue (relative to the file)


class ProvinceCounty(Protocol):
    """One county of a view: ``id`` is unique in the view, ``name`` its Chinese name."""

    id: str

    @property
    def name(self) -> str: ...

    def summary(self) -> ListSummary:
        """The county's lists summed up: a view uses them and lets them go before the next
        county's, so memory holds one county's at a time, however many counties."""
        ...


@dataclass
class CountyEntry:
    """A county directory: ``id`` is its directory's name; its lists are built anew."""

    id: str
    directory: Path
    ws: Workspace

    @property
    def name(self) -> str:
        return self.ws.county.name

    def summary(self) -> ListSummary:
        from engine.lists.build import build_lists
        from engine.lists.summary import catalogue_of, summarise

        return summarise(build_lists(self.ws), catalogue_of(self.ws))


@dataclass
class StoredCounty:
    """A county of a PostgreSQL store of many: ``id`` is its id there, ``name`` its Chinese
    name; its lists are those of its newest published version."""

    id: str
    name: str
    store: Store

    def summary(self) -> ListSummary:
        from engine.workflow.versions import newest_summary

        return newest_summary(self.store)


def stored_province(target: StoreTarget, counties: Sequence[str] = ()) -> Province:
    """The counties of the PostgreSQL store ``target`` names (every one, or those named, in
    the order given); a county not there is refused before any is read."""
    from engine.store.config import check_county_id
    from engine.store.session import county_missing, many_counties

    known = many_counties(target)
    for county in counties:
        check_county_id(county)
        if county not in known:
            raise county_missing(target, county, known)
    if len(set(counties)) != len(counties):
        twice = next(c for c in counties if counties.count(c) > 1)
        raise UsageError(f"县区 “{twice}” 给出了两次", hint="每个县区只列一次。")
    chosen = list(counties) or known
    if not chosen:
        raise NotFoundError(f"数据库 {target.name} 中还没有县区", kind="county", name="",
                            hint="先用 duty store init（设置 DUTY_STORE_COUNTY）建立县区。")
    return Province(None, [StoredCounty(store.target.county or "", store.county or "", store)
                           for store in open_counties(target, chosen)])


@dataclass(frozen=True)
class Province:
    name: str | None  # None: counties named one by one, no province file
    counties: Sequence[ProvinceCounty]
    reference: Path | None = None  # named by the province file


def read_province_file(path: Path) -> tuple[str, list[Path], Path | None]:
    """A province file's name, county directories and reference catalogue (or None)."""
    doc = read_yaml(path)
    if not isinstance(doc.data, dict):
        raise DataError("省级文件应是一个映射（含 schema_version、name、counties）",
                        location=Location(doc.display, 1),
                        hint="参照文档中的省级文件示例填写。")
    model = validate(ProvinceFile, doc)
    base = path.parent
    return (model.name, [base / c for c in model.counties],
            base / model.reference if model.reference else None)


def load_province(directories: Sequence[Path], name: str | None = None,
                  reference: Path | None = None) -> Province:
    """Load every county directory (each once) as ``duty lists`` does: its admitted proposals
    applied. The first error stops, naming its directory."""
    if not directories:
        raise UsageError("没有给出县区目录",
                         hint="至少给出一个县区目录，或一个列出县区目录的省级文件。")
    seen: dict[str, Path] = {}
    counties = []
    for directory in directories:
        key = directory.name or str(directory)
        if key in seen:
            raise DataError(f"县区目录名 “{key}” 重复（{seen[key]} 与 {directory}）",
                            location=Location(str(directory)), code="E-DUP",
                            hint="每个县区只列一次；不同县区的目录请取不同的名称。")
        seen[key] = directory
        if not directory.is_dir():
            raise NotFoundError(f"县区目录 “{directory}” 不存在", kind="county",
                                name=str(directory),
                                hint="检查目录路径；省级文件中的县区目录按相对该文件的路径查找。")
        with paused():  # a large tree of new objects: the collector would rescan it
            ws = with_admitted(load_workspace(directory), directory)
        counties.append(CountyEntry(key, directory, ws))
    return Province(name, counties, reference)
