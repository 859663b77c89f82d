"""Loading a county directory: cross-references, duplicates, items split into files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.errors import CountyMissingError, DataErrors
from engine.loading.county import load_county
from engine.loading.workspace import load_workspace
from tests.conftest import MINI, run_cli


def _county(tmp_path: Path, edit: object = None) -> Path:
    target = tmp_path / "county"
    shutil.copytree(MINI, target)
    if edit is not None:
        data = yaml.safe_load((target / "county.yaml").read_text(encoding="utf-8"))
        edit(data)  # type: ignore[operator]
        (target / "county.yaml").write_text(yaml.safe_dump(data, allow_unicode=True,
                                                           sort_keys=False), encoding="utf-8")
    return target


def test_mini_county_loads() -> None:
    county = load_county(MINI).county
    assert list(county.streets) == ["S01", "S02", "S03", "S04"]
    assert county.item_streets(county.items["SJ-001"]) == ["S01", "S02"]


def test_sample_county_meets_the_brief() -> None:
    ws = load_workspace()
    county = ws.county
    assert len(county.streets) >= 12 and len(county.departments) >= 20
    assert len(county.items) >= 120
    assert {s.kind for s in county.streets.values()} >= {"street", "town"}
    assert any(s.granted_powers for s in county.streets.values())
    assert {c: sum(i.category == c for i in county.items.values())
            for c in ("comprehensive", "specialist", "assisting")}.keys()
    assert all(sum(i.category == c for i in county.items.values()) >= 10
               for c in ("comprehensive", "specialist", "assisting"))
    assert {u.department for u in county.units.values()} >= {
        "market_regulation", "public_security", "justice", "natural_resources"}


def _errors(directory: Path) -> DataErrors:
    with pytest.raises(DataErrors) as info:
        load_workspace(directory)
    return info.value


def _golden(golden: Any, case: str, text: str) -> None:
    golden(f"errors/loading_county/{case}.txt", text.rstrip("\n") + "\n")


def test_unknown_department_of_a_unit(tmp_path: Path, golden: Any) -> None:
    def edit(d: dict) -> None:  # type: ignore[type-arg]
        d["units"][0]["department"] = "market_regulaton"
    errors = _errors(_county(tmp_path, edit))
    assert [(e.code, e.location.field) for e in errors.errors] == [
        ("E-REF", "units[0].department")]
    assert "“market_regulaton”" in errors.message
    assert errors.hint is not None and "“market_regulation”" in errors.hint
    _golden(golden, "unknown-department-of-a-unit", errors.render())


def test_unknown_street_of_an_item(tmp_path: Path, golden: Any) -> None:
    def edit(d: dict) -> None:  # type: ignore[type-arg]
        d["items"][1]["streets"] = ["S01", "S05"]
    errors = _errors(_county(tmp_path, edit))
    assert [e.code for e in errors.errors] == ["E-REF"] and "“S05”" in errors.message
    _golden(golden, "unknown-street-of-an-item", errors.render())


def test_duplicate_ids(tmp_path: Path, golden: Any) -> None:
    def edit(d: dict) -> None:  # type: ignore[type-arg]
        d["streets"][1]["id"] = "S01"
        d["items"][1]["id"] = "CG-001"
    errors = _errors(_county(tmp_path, edit))
    dups = [e for e in errors.errors if e.code == "E-DUP"]
    assert [(e.location.field, "“S01”" in e.message, "“CG-001”" in e.message) for e in dups] == [
        ("streets[1].id", True, False), ("items[1]", False, True)]
    _golden(golden, "duplicate-ids", errors.render())


def test_two_units_of_one_department_in_a_street(tmp_path: Path, golden: Any) -> None:
    def edit(d: dict) -> None:  # type: ignore[type-arg]
        d["units"].append({"id": "mr-2", "name": "第二所", "department": "market_regulation",
                           "mode": "dispatched", "streets": ["S02"]})
    errors = _errors(_county(tmp_path, edit))
    assert len(errors.errors) == 1 and "mr-2" in errors.message
    _golden(golden, "two-units-of-one-department-in-a-street", errors.render())


def test_item_needing_a_power_its_department_lacks(tmp_path: Path, golden: Any) -> None:
    """A messy catalogue loads (`duty check` reports it); ``strict`` refuses it."""
    def edit(d: dict) -> None:  # type: ignore[type-arg]
        d["items"][2]["phases"] = ["service", "penalty"]
    county = _county(tmp_path, edit)
    assert "MZ-001" in load_workspace(county).county.items
    with pytest.raises(DataErrors) as info:
        load_workspace(county, strict=True)
    assert [(e.code, e.location.file is not None) for e in info.value.errors] == [
        ("E-POWER", True)]
    text = info.value.render()
    assert "MZ-001" in text and "penalty" in text and "county.yaml:" in text
    _golden(golden, "item-needing-a-power-its-department-lacks", text)
    run = run_cli("check", "--county", county, "--format", "json")
    assert run.code == 1
    found = [(p["code"], p["item"]) for p in json.loads(run.stdout)["problems"]]
    assert ("POWER-NOT-HELD", "MZ-001") in found and ("UNADMITTED", "MZ-001") in found
    strict = run_cli("check", "--county", county, "--strict")
    assert strict.code == 1 and "[E-POWER]" in strict.stderr and strict.stdout == ""


def test_items_in_separate_files(tmp_path: Path) -> None:
    target = _county(tmp_path)
    (target / "items").mkdir()
    (target / "items" / "extra.yaml").write_text(
        "items:\n  - id: X-1\n    name: 额外事项\n    department: statistics\n"
        "    category: assisting\n    phases: [statistics]\n    legal_basis: 《统计法》\n"
        "    funding: 1000\n", encoding="utf-8")
    assert "X-1" in load_county(target).county.items


def test_items_file_errors_name_that_file(tmp_path: Path, golden: Any) -> None:
    target = _county(tmp_path)
    (target / "items").mkdir()
    (target / "items" / "bad.yaml").write_text(
        "items:\n  - id: X-1\n    name: 额外事项\n    department: statistics\n"
        "    category: assisting\n    phases: [statistic]\n    legal_basis: x\n",
        encoding="utf-8")
    run = run_cli("graph", "--county", target)
    assert run.code == 1
    assert "bad.yaml:6 字段 items[0].phases[0]" in run.stderr and "“statistic”" in run.stderr
    _golden(golden, "items-file-errors-name-that-file", run.stderr)


def test_layout_fields_load_and_are_optional(tmp_path: Path) -> None:
    def edit(d: dict) -> None:  # type: ignore[type-arg]
        d["items"][0].update(domain="城乡建设", department_duty="负责业务指导和执法",
                             street_duty="日常巡查并劝导", takeover="urban_management",
                             method="部门直接办理")
        d["items"][1].pop("domain", None)  # the fixture's item, left without layout fields
    county = load_workspace(_county(tmp_path, edit)).county
    first, second = list(county.items.values())[:2]
    assert (first.domain, first.takeover, first.method) == (
        "城乡建设", "urban_management", "部门直接办理")
    assert second.domain is None and second.street_duty is None


def test_a_field_of_work_outside_the_vocabulary(tmp_path: Path, golden: Any) -> None:
    def edit(d: dict) -> None:  # type: ignore[type-arg]
        d["items"][0]["domain"] = "城乡建没"
        d["items"][1]["domain"] = "文化体育"
    county = _county(tmp_path, edit)
    with pytest.raises(DataErrors) as info:
        load_workspace(county)
    errors = info.value.errors
    assert [(e.code, e.value, e.location.field) for e in errors] == [  # type: ignore[attr-defined]
        ("E-VOCAB", "城乡建没", "items[0].domain"), ("E-VOCAB", "文化体育", "items[1].domain")]
    assert "城乡建设" in errors[0].allowed  # type: ignore[attr-defined]
    assert errors[0].hint is not None and "“城乡建设”" in errors[0].hint
    run = run_cli("check", "--county", county)
    assert run.code == 1 and run.stdout == ""
    assert "[E-VOCAB]" in run.stderr and "字段 items[0].domain" in run.stderr
    assert "“城乡建没”" in run.stderr and "parameters.domains" in run.stderr
    _golden(golden, "a-field-of-work-outside-the-vocabulary", run.stderr)


def test_a_county_pack_sets_its_own_fields_of_work(tmp_path: Path) -> None:
    def edit(d: dict) -> None:  # type: ignore[type-arg]
        d["items"][0]["domain"] = "文化体育"
        d["items"][1]["domain"] = "城乡建设"
        d["items"][2].pop("domain", None)
        d["policy"] = ["baseline", "local.yaml"]
    county = _county(tmp_path, edit)
    (county / "local.yaml").write_text(
        "schema_version: 1\nid: local\nversion: 1\ntitle: 本地\nparameters:\n  domains:\n"
        "    values: [文化体育, 城乡建设]\n"
        "    citation: {document: 本县清单, clause: 领域划分}\n", encoding="utf-8")
    assert load_workspace(county).policy.parameters.domains.values == ["文化体育", "城乡建设"]


def test_takeover_names_a_known_department(tmp_path: Path, golden: Any) -> None:
    def edit(d: dict) -> None:  # type: ignore[type-arg]
        d["items"][0]["takeover"] = "urban_managment"
    errors = _errors(_county(tmp_path, edit))
    assert [(e.code, e.location.field) for e in errors.errors] == [("E-REF", "items[0].takeover")]
    assert "“urban_managment”" in errors.message
    _golden(golden, "takeover-names-an-unknown-department", errors.render())


def test_every_sample_item_has_a_field_of_work() -> None:
    ws = load_workspace()
    assert ws.policy.parameters.domains is not None
    assert all(i.domain in ws.policy.parameters.domains.values
               for i in ws.county.items.values())


def test_a_missing_county_directory_is_a_typed_error(tmp_path: Path) -> None:
    """The doors recognise it by its class, not its words, and add how their users name one."""
    with pytest.raises(CountyMissingError) as missing:
        load_county(tmp_path / "nowhere")
    error = missing.value
    assert error.code == "E-NOTFOUND" and error.exit_code == 1
    assert error.directory.endswith("nowhere") and error.location.file == error.directory
    assert "--" not in error.render()
