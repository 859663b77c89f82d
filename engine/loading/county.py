"""County directory → validated, cross-checked ``County``.

A county is a directory holding ``county.yaml``; catalogue items may also sit in
``items/*.yaml``. Every error names the file, line and field, and suggests a close id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from engine.errors import CountyMissingError, DataError, DataErrors, Location, did_you_mean
from engine.fileio import nearest_hint, yaml_files
from engine.loading.limits import county_limits
from engine.loading.yamlio import Document, display_path, read_yaml, validate
from engine.models.county import (
    County,
    Department,
    DutyItem,
    Street,
    Superior,
    Unit,
    UpwardReview,
)

T = TypeVar("T")


@dataclass
class CountySource:
    """A loaded county and where each of its items came from (for later located errors)."""

    county: County
    item_locations: dict[str, Location]
    county_file: Document


Entry = tuple[T, Document]  # an entity and the part of a file it was read from


@dataclass
class CountyParts:
    """A county as read, before cross-checking: every entity with where it was written.

    Scenarios alter a county at this stage (their entries point into the scenario file), so
    every later error names the file and line the offending entry really came from.
    """

    directory: Path
    county_file: Document
    name: str
    policy: list[str]
    departments: list[Entry[Department]]
    streets: list[Entry[Street]]
    units: list[Entry[Unit]]
    items: list[Entry[DutyItem]]
    code: str | None = None  # 行政区划代码: the county's stable identity
    city: Superior | None = None  # the levels above the county (逐级报送)
    province: Superior | None = None
    upward_review: UpwardReview | None = None


def load_county(directory: Path) -> CountySource:
    return assemble_county(read_county(directory))


def read_county(directory: Path) -> CountyParts:
    """Parse and validate a county directory's files, entity by entity."""
    from engine.models.county_files import CountyFile, ItemsFile  # the YAML's shapes

    directory = Path(directory)
    shown = display_path(directory)
    if not directory.exists():
        near = nearest_hint(directory)
        raise CountyMissingError("县区目录不存在", directory=shown,
                                 hint=(near + "。" if near else "")
                                 + "县区目录是包含 county.yaml 的目录。")
    if not directory.is_dir():
        raise DataError("应为县区目录（包含 county.yaml）", location=Location(shown),
                        code="E-NOTFOUND")
    if not os.path.lexists(directory / "county.yaml"):
        raise DataError("目录中没有 county.yaml", location=Location(shown), code="E-NOTFOUND",
                        hint="县区目录须包含 county.yaml，事项可另放在 items/*.yaml。")
    limits = county_limits(directory)
    doc = read_yaml(directory / "county.yaml", limits)
    if not isinstance(doc.data, dict):
        raise DataError("county.yaml 应为映射（键: 值）", location=doc.location(()),
                        code="E-SCHEMA")
    cf = validate(CountyFile, doc)

    def entries(models: list, doc: Document, section: str) -> list:
        return [(m, doc.sub((section, i))) for i, m in enumerate(models)]

    errors: list[DataError] = []
    items = entries(cf.items, doc, "items")
    for path in yaml_files(directory / "items", display_path(directory / "items")):
        idoc = read_yaml(path, limits)
        if idoc.data is None:
            continue
        try:
            items += entries(validate(ItemsFile, idoc).items, idoc, "items")
        except DataErrors as exc:
            errors.append(exc)
    if errors:
        raise DataErrors(errors)
    return CountyParts(directory, doc, cf.name, list(cf.policy),
                       entries(cf.departments, doc, "departments"),
                       entries(cf.streets, doc, "streets"), entries(cf.units, doc, "units"),
                       items, cf.code, cf.city, cf.province, cf.upward_review)


def assemble_county(parts: CountyParts) -> CountySource:
    """Cross-check the entities (unique ids, known references) into one ``County``."""
    errors: list[DataError] = []
    departments = _unique(parts.departments, "departments", errors)
    streets = _unique(parts.streets, "streets", errors)
    units = _unique(parts.units, "units", errors)

    def ref(value: str, known: dict[str, object], what: str, doc: Document,
            loc: tuple[str | int, ...]) -> None:
        if value not in known:  # located only when wrong: most references are right
            errors.append(DataError(f"未知的{what} “{value}”", location=doc.location(loc),
                                    code="E-REF", hint=did_you_mean(value, known)))

    for street, sdoc in parts.streets:
        for gi, grant in enumerate(street.granted_powers):
            ref(grant.department, departments, "部门", sdoc, ("granted_powers", gi, "department"))
    served: dict[tuple[str, str], str] = {}
    for unit, udoc in parts.units:
        ref(unit.department, departments, "部门", udoc, ("department",))
        for k, sid in enumerate(unit.streets):
            ref(sid, streets, "街道", udoc, ("streets", k))
            other = served.setdefault((unit.department, sid), unit.id)
            if other != unit.id:
                errors.append(DataError(
                    f"部门 {unit.department} 在街道 {sid} 有两个派驻机构（{other}、{unit.id}）",
                    location=udoc.location(("streets", k)), code="E-DUP",
                    hint="每个部门在一个街道至多一个派驻机构，否则主责单位不唯一。"))

    catalogue: dict[str, DutyItem] = {}
    locations: dict[str, Location] = {}
    for item, idoc in parts.items:
        loc = idoc.location(())
        if item.id in catalogue:
            errors.append(DataError(f"事项编号 “{item.id}” 重复（首次出现于 "
                                    f"{locations[item.id].render()}）", location=loc,
                                    code="E-DUP"))
            continue
        catalogue[item.id] = item
        locations[item.id] = loc
        ref(item.department, departments, "部门", idoc, ("department",))
        if item.takeover is not None:
            ref(item.takeover, departments, "部门", idoc, ("takeover",))
        if item.streets != "all":
            for k, sid in enumerate(item.streets):
                ref(sid, streets, "街道", idoc, ("streets", k))
    errors += _upward_checked(parts)
    if errors:
        raise DataErrors(errors)

    county = County(
        name=parts.name,
        code=parts.code,
        city=parts.city,
        province=parts.province,
        upward_review=parts.upward_review,
        directory=display_path(parts.directory),
        policy=parts.policy,
        departments=departments,
        streets=streets,
        units=units,
        items=catalogue,
    )
    return CountySource(county, locations, parts.county_file)


LEVELS = {"city": "市级", "province": "省级"}


def _upward_checked(parts: CountyParts) -> list[DataError]:
    """The city and province a county names, and the levels its ``upward_review`` asks for:
    known levels, each at most once, the city before the province, each one named; the codes
    of the right shape (a province's ends in 0000, a city's in 00) and of one province."""
    doc, errors = parts.county_file, []
    named = {"city": parts.city, "province": parts.province}
    for level, superior in named.items():
        if superior is None:
            continue
        code, where = superior.code, doc.location((level, "code"))
        if level == "province" and not code.endswith("0000"):
            errors.append(DataError(f"省级行政区划代码 “{code}” 应以 0000 结尾", location=where,
                                    code="E-SCHEMA", hint="例如福建省为 350000。"))
        if level == "city" and (not code.endswith("00") or code.endswith("0000")):
            errors.append(DataError(f"市级行政区划代码 “{code}” 应以 00 结尾（不以 0000 结尾）",
                                    location=where, code="E-SCHEMA", hint="例如漳州市为 350600。"))
        for other, what in ((parts.code, "县区"), (parts.province and parts.province.code, "省")):
            if other and other[:2] != code[:2]:
                errors.append(DataError(
                    f"{LEVELS[level]}行政区划代码 “{code}” 与{what}代码 “{other}” 不属同一省份"
                    "（前两位应相同）", location=where, code="E-SCHEMA"))
                break
    review = parts.upward_review
    for kind in ("decision", "street_request") if review else ():
        levels = getattr(review, kind)
        for j, level in enumerate(levels):
            where = doc.location(("upward_review", kind, j))
            if level not in LEVELS:
                errors.append(DataError(
                    f"未知的上级审核层级 “{level}”", location=where, code="E-SCHEMA",
                    hint=did_you_mean(level, LEVELS) or "层级为 city（市级）、province（省级）。"))
            elif level in levels[:j]:
                errors.append(DataError(f"上级审核层级 “{level}” 重复", location=where,
                                        code="E-DUP"))
            elif named[level] is None:
                errors.append(DataError(
                    f"要求{LEVELS[level]}审核，但 county.yaml 没有写明所属的"
                    f"{LEVELS[level][0]}（{level}）", location=where, code="E-REF",
                    hint=f"在 county.yaml 中写 {level}: {{code: 六位行政区划代码, name: 名称}}。"))
        if levels[:2] == ["province", "city"]:
            errors.append(DataError(
                "逐级报送须先市级后省级：city 应写在 province 之前",
                location=doc.location(("upward_review", kind)), code="E-SCHEMA",
                hint="写作 [city, province]。"))
    return errors


def _unique(entries: list, section: str, errors: list[DataError]) -> dict:
    out: dict = {}
    for entry, doc in entries:
        if entry.id in out:
            errors.append(DataError(f"编号 “{entry.id}” 在 {section} 中重复",
                                    location=doc.location(("id",)), code="E-DUP"))
        else:
            out[entry.id] = entry
    return out
