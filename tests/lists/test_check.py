"""`duty check`: each kind of problem found in a small county built to contain it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import MINI, run_cli, write_yaml

Edit = Callable[[dict[str, Any]], None]
ITEM = {"id": "X-1", "name": "测试事项", "department": "urban_management",
        "category": "comprehensive", "phases": ["patrol", "report"], "powers": [],
        "legal_basis": "测试依据", "workload_days": 10, "funding": 0}


def county_with(tmp_path: Path, edit: Edit, pack: dict[str, Any] | None = None) -> Path:
    target = tmp_path / "county"
    shutil.copytree(MINI, target)
    data = yaml.safe_load((target / "county.yaml").read_text(encoding="utf-8"))
    edit(data)
    if pack is not None:
        data["policy"] = ["baseline", "local.yaml"]
        write_yaml(target / "local.yaml", pack)
    write_yaml(target / "county.yaml", data)
    return target


def add(**changes: Any) -> Edit:
    return lambda d: d["items"].append({**ITEM, **changes})


def disable(*rule_ids: str) -> dict[str, Any]:
    return {"schema_version": 1, "id": "local", "version": 1, "title": "停用分工规则",
            "rules": [{"id": r, "title": "停用", "scope": "street", "enabled": False,
                       "citation": {"document": "d", "clause": "c"},
                       "when": {"fact": "listed", "eq": True}, "effect": "note", "message": "m"}
                      for r in rule_ids]}


def test_mini_and_sample_counties_are_clean() -> None:
    for args in ([], ["--county", MINI]):
        run = run_cli("check", *args)
        assert run.code == 0, run.stdout
        assert run.stdout.endswith("未发现问题。\n")


@pytest.mark.parametrize(("code", "edit", "pack", "where"), [
    ("GAP", add(), disable("ASG-COMP"), ("S01", "X-1")),
    ("POWER-MISMATCH", add(category="specialist", phases=["patrol", "inspection"],
                           powers=["inspection"]), disable("ASG-POWER"), ("S02", "X-1")),
    ("COMPREHENSIVE-POWER", add(phases=["patrol", "penalty"], powers=["penalty"]), None,
     ("S02", "X-1")),
    ("ASSIST-UNFUNDED", add(category="assisting"), None, (None, "X-1")),
    ("UNADMITTED", add(phases=["patrol", "penalty"], powers=["penalty"]), None, ("S04", "X-1")),
    ("OVERLAP", add(name="门前三包日常巡查", department="statistics"), None, (None, "CG-001")),
    ("DUPLICATE-NAME", add(name="门前三包日常巡查"), None, (None, "CG-001")),
])
def test_each_problem_is_found(tmp_path: Path, code: str, edit: Edit,
                               pack: dict[str, Any] | None, where: tuple[str | None, str]) -> None:
    county = county_with(tmp_path, edit, pack)
    run = run_cli("check", "--county", county, "--format", "json")
    assert run.code == 1 and run.stdout, run.stderr
    doc = json.loads(run.stdout)
    assert doc["clean"] is False
    found = {(p["code"], p["street"], p["item"]) for p in doc["problems"]}
    assert (code, *where) in found, found
    assert all(p["message"] and p["basis"] for p in doc["problems"])
    text = run_cli("check", "--county", county)
    assert text.code == 1 and f"[{code}]" in text.stdout


def test_check_text_golden(tmp_path: Path, golden: Any) -> None:
    county = county_with(tmp_path, add(phases=["patrol", "penalty"], powers=["penalty"]))
    run = run_cli("check", "--county", county)
    assert run.code == 1
    golden("check/comprehensive-penalty.txt", run.stdout)


def test_check_usage_and_data_errors(tmp_path: Path, golden: Any) -> None:
    assert run_cli("check", "--format", "xml").code == 2
    run = run_cli("check", "--county", tmp_path / "none")
    assert run.code == 1 and "[E-NOTFOUND]" in run.stderr and "none" in run.stderr
    golden("errors/lists_check/county-missing.txt", run.stderr)


def test_an_unfunded_assisting_item_taken_back_from_every_street_is_no_problem(
        tmp_path: Path) -> None:
    county = county_with(tmp_path, add(category="assisting", streets=["S01", "S02"]))
    assert "ASSIST-UNFUNDED" in run_cli("check", "--county", county).stdout
    recall = {"schema_version": 1, "id": "P-R-9", "title": "收回", "department":
              "urban_management", "change": "recall", "item": {"ref": "X-1"},
              "work_plan": True, "legal_review": "passed",
              "hearing": {"S01": "agree", "S02": "agree"},
              "meeting": {"body": "区委常委会", "ref": "1", "decided": True}}
    write_yaml(county / "admitted" / "P-R-9.yaml",
               {**recall, "streets": ["S01"], "hearing": {"S01": "agree"}})
    assert "ASSIST-UNFUNDED" in run_cli("check", "--county", county).stdout  # S02 still has it
    write_yaml(county / "admitted" / "P-R-9.yaml", recall)
    run = run_cli("check", "--county", county)
    assert run.code == 0 and run.stdout.endswith("未发现问题。\n"), run.stdout
