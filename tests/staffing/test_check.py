"""`duty check` on bodies and staff: each code found in a bundled county altered to contain it,
and bad staffing parameters refused with file, line and field."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import MINI, ROOT, run_cli, write_yaml

CLASSES = ROOT / "duties" / "towns-by-class"
FACTORS = ROOT / "duties" / "streets-by-factors"
Edit = Callable[[dict[str, Any]], None]


def altered(tmp_path: Path, source: Path, county: Edit | None = None,
            pack: Edit | None = None) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    for name, edit in (("county.yaml", county), ("staffing.yaml", pack)):
        if edit is not None:
            data = yaml.safe_load((target / name).read_text(encoding="utf-8"))
            edit(data)
            write_yaml(target / name, data)
    return target


def street(i: int, **changes: Any) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        for key, value in changes.items():
            if key in ("institutions",):
                d["streets"][i][key] = value
            else:
                d["streets"][i]["staffing"][key] = value
    return edit


def problems(county: Path) -> set[tuple[str, str | None]]:
    run = run_cli("check", "--county", county, "--format", "json")
    assert run.code == 1, run.stdout
    doc = json.loads(run.stdout)
    assert all(p["message"] and p["basis"] for p in doc["problems"])
    return {(p["code"], p["street"]) for p in doc["problems"]}


@pytest.mark.parametrize(("source", "county", "pack", "found"), [
    (CLASSES, street(1, administrative=23, actual=67), None, ("STAFF-OVER-QUOTA", "T02")),
    (CLASSES, street(1, finance_office=5, actual=60), None, ("STAFF-OVER-QUOTA", "T02")),
    (CLASSES, street(3, actual=70), None, ("STAFF-OVER-ESTABLISHMENT", "T04")),
    (CLASSES, lambda d: d["streets"][4].pop("town_class"), None, ("STAFF-UNGRADED", "T05")),
    (CLASSES, street(2, institutions=["general_office", "economy_office", {
        "id": "social_affairs_center", "functions": ["service_center"]}]), None,
     ("INSTITUTION-MISSING", "T03")),
    (CLASSES, None, lambda p: p["parameters"]["institutions"].update(max_bodies=8),
     ("INSTITUTION-LIMIT", "T01")),
    (FACTORS, street(0, assistant=5), None, ("STAFF-ASSISTANT", "J01")),
    (FACTORS, street(5, non_establishment=7), None, ("STAFF-NON-ESTABLISHMENT", "J06")),
    (FACTORS, street(2, mixed=2), None, ("STAFF-MIXED", "J03")),
    (FACTORS, None, lambda p: p["parameters"]["staffing"]["county_ceiling"].update(
        institutional=240), ("STAFF-CEILING", None)),
    (FACTORS, lambda d: d["streets"][4].pop("revenue"), None, ("STAFF-UNGRADED", "J05")),
])
def test_each_staffing_and_institution_problem(tmp_path: Path, source: Path, county: Edit | None,
                                               pack: Edit | None,
                                               found: tuple[str, str | None]) -> None:
    assert problems(altered(tmp_path, source, county, pack)) == {found}


def test_a_function_no_body_carries_but_a_listed_item_needs(tmp_path: Path) -> None:
    # the service window hangs on T03's social affairs centre; take the nameplate down
    def edit(d: dict[str, Any]) -> None:
        bodies = [dict(b) for b in d["streets"][2]["institutions"]]
        bodies[5] = {"id": "social_affairs_center", "name": "社会事务服务中心"}
        d["streets"][2]["institutions"] = bodies
    found = problems(altered(tmp_path, CLASSES, edit))
    assert ("FUNCTION-MISSING", "T03") in found and ("UNADMITTED", "T03") in found


def test_merged_body_satisfies_a_required_function(tmp_path: Path) -> None:
    pack = {"schema_version": 1, "id": "local", "version": 1, "title": "必设机构",
            "parameters": {"institutions": {"required": ["service_center"], "max_bodies": 3}}}
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    data = yaml.safe_load((target / "county.yaml").read_text(encoding="utf-8"))
    data["policy"] = ["baseline", "local.yaml"]
    for s in data["streets"]:
        s["institutions"] = [{"id": "office", "name": "综合办公室",
                              "functions": ["service_center", "enforcement_team"]}]
    write_yaml(target / "county.yaml", data)
    write_yaml(target / "local.yaml", pack)
    run = run_cli("check", "--county", target)
    assert run.code == 0, run.stdout


@pytest.mark.parametrize(("edit", "field", "case"), [
    (lambda p: p["parameters"]["staffing"].update(basis="formula"),
     "parameters.staffing.basis", "unknown-basis"),
    (lambda p: p["parameters"]["staffing"].update(assistant_share=1.5),
     "parameters.staffing.assistant_share", "share-above-one"),
    (lambda p: p["parameters"]["staffing"].pop("grades"), "parameters.staffing",
     "grades-missing"),
], ids=["unknown-basis", "share-above-one", "grades-missing"])
def test_bad_staffing_parameters_name_file_line_and_field(tmp_path: Path, edit: Edit,
                                                          field: str, case: str,
                                                          golden: Any) -> None:
    county = altered(tmp_path, FACTORS, pack=edit)
    run = run_cli("check", "--county", county)
    assert run.code == 1 and run.stdout == ""
    assert "staffing.yaml:" in run.stderr and f"字段 {field}" in run.stderr
    assert "Traceback" not in run.stderr
    golden(f"errors/staffing_check/bad-staffing-parameters-{case}.txt",
           run.stderr.replace(str(ROOT), "<root>"))


def test_bad_size_tiers_refused(tmp_path: Path) -> None:
    pack = {"schema_version": 1, "id": "local", "version": 1, "title": "分档",
            "parameters": {"size_tiers": {"small_max": 70000, "large_min": 20000}}}
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    data = yaml.safe_load((target / "county.yaml").read_text(encoding="utf-8"))
    data["policy"] = ["baseline", "local.yaml"]
    write_yaml(target / "county.yaml", data)
    write_yaml(target / "local.yaml", pack)
    run = run_cli("check", "--county", target)
    assert run.code == 1 and "local.yaml:" in run.stderr and "large_min" in run.stderr
