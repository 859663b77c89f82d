"""Limits by town class, size tier or factor band, and the county's targets (太原)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.api import county_workspace
from engine.errors import DataErrors
from engine.lists.check import check_county
from engine.staffing.report import staffing_report
from tests.conftest import MINI, ROOT, write_yaml

CLASSES = ROOT / "duties" / "towns-by-class"
LOCAL = {"schema_version": 1, "id": "local", "version": 1, "title": "本区补充参数"}


def _county(tmp_path: Path, base: Path, parameters: dict[str, Any],
            streets: dict[str, dict[str, Any]] | None = None) -> Path:
    county = tmp_path / "county"
    shutil.copytree(base, county)
    data = yaml.safe_load((county / "county.yaml").read_text(encoding="utf-8"))
    data["policy"] = [*data.get("policy", ["baseline"]), "local.yaml"]
    for street in data["streets"]:
        street.update((streets or {}).get(street["id"], {}))
    write_yaml(county / "county.yaml", data)
    write_yaml(county / "local.yaml", {**LOCAL, "parameters": parameters})
    return county


def _problems(county: Path, code: str) -> list[Any]:
    return [p for p in check_county(county_workspace(county)) if p.code == code]


def test_max_bodies_by_class_flags_only_the_class_over_its_limit(tmp_path: Path) -> None:
    ninth = {"id": "party_office", "name": "党建办公室"}
    data = yaml.safe_load((CLASSES / "county.yaml").read_text(encoding="utf-8"))
    bodies = {s["id"]: s["institutions"] for s in data["streets"]}
    county = _county(tmp_path, CLASSES, {}, {
        "T02": {"institutions": [*bodies["T02"], ninth]}})  # class 2: 9 bodies
    (problem,) = _problems(county, "INSTITUTION-LIMIT")  # T01 (class 1) has 9 too
    assert problem.street == "T02"
    assert "超过限额 8 个（2 类乡镇）" in problem.message and "一之3" in problem.basis


def test_office_posts_within_the_range_of_the_class(tmp_path: Path) -> None:
    data = yaml.safe_load((CLASSES / "county.yaml").read_text(encoding="utf-8"))
    bodies = {s["id"]: s["institutions"] for s in data["streets"]}

    def general(sid: str, posts: int) -> dict[str, Any]:
        return {"institutions": [{**b, "posts": posts} if b["id"] == "general_office" else b
                                 for b in bodies[sid]]}

    county = _county(tmp_path, CLASSES, {}, {"T02": general("T02", 13),  # class 2: 12–14
                                              "T03": general("T03", 11),  # class 2: short
                                              "T05": general("T05", 12)})  # class 3: 9–11
    found = {p.street: p.message for p in _problems(county, "OFFICE-POSTS")}
    assert set(found) == {"T03", "T05"}
    assert "不足核定的 12—14 名" in found["T03"] and "超出核定的 9—11 名" in found["T05"]
    report = staffing_report(county_workspace(county), "T05")
    (row,) = [r for r in report.streets[0].limits if r.what == "党政综合办公室编制"]
    assert (row.have, row.allowed, row.ok) == (12, "9—11", False)


def test_a_share_can_vary_by_size_tier(tmp_path: Path) -> None:
    model = {"basis": "factors", "factors": {"population": [{"min": 0, "points": 1}]},
             "grades": [{"min_points": 0, "administrative": 99, "institutional": 99}],
             "assistant_share": {"by": "size_tier", "values": {"small": 0.0, "medium": 0.5,
                                                               "large": 0.5}}}
    county = _county(tmp_path, MINI, {"staffing": model},
                     {"S04": {"staffing": {"administrative": 25, "institutional": 20,
                                           "actual": 25, "assistant": 1}}})
    tiers = {s.street: s.size_tier for s in staffing_report(county_workspace(county)).streets}
    (problem,) = _problems(county, "STAFF-ASSISTANT")
    assert problem.street == "S04" and tiers["S04"] == "small"


def test_county_targets(tmp_path: Path) -> None:
    cite = {"document": "太原", "clause": "四（三）"}
    targets = {"enforcement_share": {"min": 0.6, "county_posts": 50, "citation": cite},
               "institutional_per_street": {"min": 30, "max": 35, "citation": cite}}
    data = yaml.safe_load((MINI / "county.yaml").read_text(encoding="utf-8"))
    streets = {s["id"]: {"staffing": {**s["staffing"], "enforcement": 7}}
               for s in data["streets"]}
    county = _county(tmp_path, MINI, {"targets": targets}, streets)
    (share,) = _problems(county, "TARGET-ENFORCEMENT-SHARE")
    total = 7 * len(streets)
    assert f"合计 {total} 名" in share.message and "低于 60% 的目标" in share.message
    report = staffing_report(county_workspace(county))
    assert report.targets[0].have == round(total / 50, 4) and report.targets[0].ok is False
    outside = {p.street for p in _problems(county, "TARGET-INSTITUTIONAL")}
    assert outside == {sid for sid, s in streets.items()
                       if not 30 <= s["staffing"]["institutional"] <= 35}


def test_a_varying_limit_must_have_its_form(tmp_path: Path) -> None:
    county = _county(tmp_path, MINI, {"institutions": {"max_bodies": {
        "by": "population", "values": {"small": 3}}}})
    with pytest.raises(DataErrors) as caught:
        county_workspace(county)
    assert any("bands" in e.message and "local.yaml" in str(e.location)
               for e in caught.value.errors)


def test_old_packs_load_unchanged() -> None:
    ws = county_workspace(CLASSES)
    assert ws.policy.parameters.targets is None
    assert county_workspace(MINI).policy.parameters.institutions.max_bodies is None
