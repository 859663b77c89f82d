"""Funds short of the workload at the county's rate: the effect a pack chooses, the department
ledger and the staffing report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from engine.errors import DataErrors
from engine.lists.build import build_lists
from engine.loading.policy import load_policy
from engine.loading.workspace import load_workspace
from engine.render.department_csv import departments_csv
from engine.staffing.report import staffing_report
from tests.conftest import MINI, run_cli, write_yaml

LOCAL = {"schema_version": 1, "id": "local", "version": 1, "title": "本区补充规则"}


def _county(tmp_path: Path, pack: dict | None = None,  # type: ignore[type-arg]
            **fields: object) -> Path:
    county = tmp_path / "county"
    shutil.copytree(MINI, county)
    data = yaml.safe_load((county / "county.yaml").read_text(encoding="utf-8"))
    next(i for i in data["items"] if i["id"] == "MZ-001").update(fields)
    if pack is not None:
        data["policy"] = ["baseline", "local.yaml"]
        write_yaml(county / "local.yaml", pack)
    write_yaml(county / "county.yaml", data)
    return county


def test_the_ledger_and_the_report_show_each_shortfall(tmp_path: Path) -> None:
    # 200 person-days at 220 yuan need 44,000 yuan; 20,000 follow: 24,000 short (54% > 20%)
    ws = load_workspace(_county(tmp_path, workload_days=200))
    lists = build_lists(ws)
    dept = next(d for d in lists.departments if d.department == "civil_affairs")
    assert dept.funding_owed == {"S01": 20000, "S02": 20000, "S03": 20000}
    assert dept.funding_shortfall == {"S01": 24000, "S02": 24000, "S03": 24000}
    assert dept.shortfall_total == 72000
    (row,) = [i for i in dept.items if i.item == "MZ-001"]
    assert (row.shortfall_per_street, row.shortfall_total) == (24000, 72000)
    others = [d for d in lists.departments if d.department != "civil_affairs"]
    assert all(not d.funding_shortfall and d.shortfall_total == 0 for d in others)
    csv = departments_csv(lists.departments, ws.names)
    assert "经费缺口（元）" in csv and ",20000,24000" in csv
    report = staffing_report(ws, "S01")
    (funds,) = [f for f in report.streets[0].funds if f.department == "civil_affairs"]
    assert (funds.amount, funds.shortfall) == (20000, 24000)
    assert report.streets[0].shortfall_total == 24000
    text = run_cli("report", "staffing", "--county", tmp_path / "county", "--street", "S01")
    assert "缺口 24,000 元" in text.stdout and "经费缺口合计 24,000 元/年" in text.stdout


def test_within_the_tolerance_nothing_is_short(tmp_path: Path) -> None:
    # 100 person-days need 22,000 yuan; 20,000 is 9% short, within the baseline's 20%
    lists = build_lists(load_workspace(_county(tmp_path, workload_days=100)))
    assert all(not d.funding_shortfall for d in lists.departments)


def test_the_tolerance_is_a_pack_parameter(tmp_path: Path) -> None:
    county = _county(tmp_path, {**LOCAL, "parameters": {"funding_tolerance_percent": 5}},
                     workload_days=100)
    dept = next(d for d in build_lists(load_workspace(county)).departments
                if d.department == "civil_affairs")
    assert dept.funding_shortfall == {"S01": 2000, "S02": 2000, "S03": 2000}


def test_the_baseline_returns_an_underfunded_transfer() -> None:
    rule = next(r for r in load_policy(["baseline"]).rules if r.id == "FUND-ADEQUATE")
    assert rule.effect == "return"


@pytest.mark.parametrize(("value", "expected"), [("admit", "不是可用的效果"),
                                                 ("assign", "不是可用的效果")])
def test_a_bad_effect_parameter_is_located(tmp_path: Path, value: str, expected: str) -> None:
    county = _county(tmp_path, {**LOCAL, "parameters": {"funding_shortfall_effect": value}})
    with pytest.raises(DataErrors) as caught:
        load_workspace(county)
    (error,) = caught.value.errors
    assert error.code == "E-POLICY" and expected in error.message
    assert error.location is not None and "baseline.yaml" in str(error.location)


def test_an_effect_naming_no_parameter_is_located(tmp_path: Path) -> None:
    rule = {"id": "LOCAL-FUND", "title": "经费", "scope": "proposal",
            "citation": {"document": "本区文件", "clause": "第一条"},
            "when": {"fact": "funding", "eq": 0}, "effect": {"param": "fund_effect"},
            "message": "无经费。"}
    county = _county(tmp_path, {**LOCAL, "rules": [rule]})
    with pytest.raises(DataErrors) as caught:
        load_workspace(county)
    (error,) = caught.value.errors
    assert "fund_effect" in error.message and "local.yaml" in str(error.location)


def test_a_county_chooses_conditional_admission(tmp_path: Path) -> None:
    county = _county(tmp_path, {**LOCAL, "parameters": {"funding_shortfall_effect": "condition"}})
    rule = next(r for r in load_workspace(county).policy.rules if r.id == "FUND-ADEQUATE")
    assert rule.effect == "condition"
