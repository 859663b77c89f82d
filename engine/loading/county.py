"""County directory → validated, cross-checked ``County``.

A county is a directory holding ``county.yaml``; catalogue items may also sit in
``items/*.yaml``. Every error names the file, line and field, and suggests a close id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.errors import DataError, DataErrors, Location, did_you_mean
from engine.loading.yamlio import Document, display_path, read_yaml, validate
from engine.models.county import County, CountyFile, DutyItem, ItemsFile


@dataclass
class CountySource:
    """A loaded county and where each of its items came from (for later located errors)."""

    county: County
    item_locations: dict[str, Location]
    county_file: Document


def load_county(directory: Path) -> CountySource:
    directory = Path(directory)
    shown = display_path(directory)
    if not directory.exists():
        raise DataError("县区目录不存在", location=Location(shown), code="E-NOTFOUND",
                        hint="用 --county 指定包含 county.yaml 的目录；省略时使用内置示例区。")
    if not directory.is_dir():
        raise DataError("应为县区目录（包含 county.yaml）", location=Location(shown),
                        code="E-NOTFOUND")
    if not (directory / "county.yaml").exists():
        raise DataError("目录中没有 county.yaml", location=Location(shown), code="E-NOTFOUND",
                        hint="县区目录须包含 county.yaml，事项可另放在 items/*.yaml。")
    doc = read_yaml(directory / "county.yaml")
    if not isinstance(doc.data, dict):
        raise DataError("county.yaml 应为映射（键: 值）", location=doc.location(()),
                        code="E-SCHEMA")
    cf = validate(CountyFile, doc)

    errors: list[DataError] = []
    items: list[tuple[DutyItem, Location]] = [
        (item, doc.location(("items", i))) for i, item in enumerate(cf.items)
    ]
    items_dir = directory / "items"
    if items_dir.is_dir():
        for path in sorted([*items_dir.glob("*.yaml"), *items_dir.glob("*.yml")]):
            idoc = read_yaml(path)
            if idoc.data is None:
                continue
            try:
                part = validate(ItemsFile, idoc)
            except DataErrors as exc:
                errors.extend(exc.errors)
                continue
            items += [(item, idoc.location(("items", i))) for i, item in enumerate(part.items)]
    if errors:
        raise DataErrors(errors)

    departments = _unique(cf.departments, "departments", doc, errors)
    streets = _unique(cf.streets, "streets", doc, errors)
    units = _unique(cf.units, "units", doc, errors)

    def ref(value: str, known: dict[str, object], what: str, loc: Location) -> None:
        if value not in known:
            errors.append(DataError(f"未知的{what} “{value}”", location=loc, code="E-REF",
                                    hint=did_you_mean(value, known)))

    for si, street in enumerate(cf.streets):
        for gi, grant in enumerate(street.granted_powers):
            ref(grant.department, departments, "部门",
                doc.location(("streets", si, "granted_powers", gi, "department")))
    served: dict[tuple[str, str], str] = {}
    for ui, unit in enumerate(cf.units):
        ref(unit.department, departments, "部门", doc.location(("units", ui, "department")))
        for k, sid in enumerate(unit.streets):
            loc = doc.location(("units", ui, "streets", k))
            ref(sid, streets, "街道", loc)
            other = served.setdefault((unit.department, sid), unit.id)
            if other != unit.id:
                errors.append(DataError(
                    f"部门 {unit.department} 在街道 {sid} 有两个派驻机构（{other}、{unit.id}）",
                    location=loc, code="E-DUP",
                    hint="每个部门在一个街道至多一个派驻机构，否则主责单位不唯一。"))

    catalogue: dict[str, DutyItem] = {}
    locations: dict[str, Location] = {}
    for item, loc in items:
        if item.id in catalogue:
            errors.append(DataError(f"事项编号 “{item.id}” 重复（首次出现于 "
                                    f"{locations[item.id].render()}）", location=loc,
                                    code="E-DUP"))
            continue
        catalogue[item.id] = item
        locations[item.id] = loc
        ref(item.department, departments, "部门", _sub(loc, "department"))
        if item.streets != "all":
            for k, sid in enumerate(item.streets):
                ref(sid, streets, "街道", _sub(loc, f"streets[{k}]"))
    if errors:
        raise DataErrors(errors)

    county = County(
        name=cf.name,
        directory=shown,
        policy=list(cf.policy),
        departments=departments,
        streets=streets,
        units=units,
        items=catalogue,
    )
    return CountySource(county, locations, doc)


def _sub(loc: Location, field: str) -> Location:
    return Location(loc.file, loc.line, f"{loc.field}.{field}" if loc.field else field)


def _unique(entries: list, section: str, doc: Document, errors: list[DataError]) -> dict:
    out: dict = {}
    for i, entry in enumerate(entries):
        if entry.id in out:
            errors.append(DataError(f"编号 “{entry.id}” 在 {section} 中重复",
                                    location=doc.location((section, i, "id")), code="E-DUP"))
        else:
            out[entry.id] = entry
    return out
