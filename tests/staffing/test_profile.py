"""A street's profile from pack parameters: size tier bounds, capacity by the calendar."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.loading.workspace import load_workspace
from engine.models.county import Body, Street
from engine.rules.parameters import SizeTiers
from engine.rules.staffing import capacity_days, person_days, size_tier, working_days
from engine.workdays import working_days_between
from tests.conftest import MINI, proposal, run_cli, write_yaml


@pytest.mark.parametrize(("population", "tier"), [
    (0, "small"), (20000, "small"), (20001, "medium"), (69999, "medium"), (70000, "large")])
def test_size_tier_bounds_are_inclusive_as_the_pack_states(population: int, tier: str) -> None:
    assert SizeTiers(small_max=20000, large_min=70000).tier(population) == tier


def test_capacity_is_staff_times_working_days_times_share() -> None:
    ws = load_workspace(MINI)
    params = ws.policy.parameters
    days = working_days_between(date(2024, 12, 31), date(2025, 12, 31))
    assert working_days(2025) == days == 248
    street = ws.county.streets["S04"]
    assert capacity_days(street, params) == int(25 * days * 0.8) == person_days(25, params)
    assert size_tier(street, params) == "small"
    off = params.model_copy(update={"capacity_year": None})
    assert capacity_days(street, off) is None and person_days(3, off) == 0


def test_old_institution_lists_stay_valid_and_merged_bodies_carry_their_nameplates() -> None:
    street = Street.model_validate({
        "id": "S", "name": "街", "kind": "street", "population": 1, "area_km2": 1.0,
        "staffing": {"administrative": 1, "institutional": 1, "actual": 1},
        "institutions": ["veterans_station",
                         {"id": "office", "functions": ["service_center",
                                                        {"id": "x", "name": "某牌子"}]}]})
    assert street.functions() == ["veterans_station", "office", "service_center", "x"]
    assert [b.id for b in street.bodies()] == ["veterans_station", "office"]
    assert Body(id="a", functions=["a"]).carries() == ["a"]


def test_temporary_work_needs_an_end_date(tmp_path: Path, golden: Any) -> None:
    missing = write_yaml(tmp_path / "t.yaml", proposal(urgency="temporary"))
    run = run_cli("evaluate", "--county", MINI, missing)
    assert run.code == 1 and "[E-SCHEMA]" in run.stderr and "ends" in run.stderr
    stray = write_yaml(tmp_path / "n.yaml", proposal(ends="2026-12-31"))
    assert run_cli("evaluate", "--county", MINI, stray).code == 1
    bad = write_yaml(tmp_path / "b.yaml", proposal(urgency="temporary", ends="明年"))
    run = run_cli("evaluate", "--county", MINI, bad)
    assert run.code == 1 and "字段 ends" in run.stderr and "“明年”" in run.stderr
    assert "Traceback" not in run.stderr
    golden("errors/staffing_profile/end-date-not-a-date.txt", run.stderr)


def test_a_body_written_twice_is_refused_with_its_line(tmp_path: Path, golden: Any) -> None:
    target = tmp_path / "county"
    shutil.copytree(MINI, target)
    data = yaml.safe_load((target / "county.yaml").read_text(encoding="utf-8"))
    data["streets"][0]["institutions"] = ["service_center", {"id": "service_center"}]
    write_yaml(target / "county.yaml", data)
    run = run_cli("check", "--county", target)
    assert run.code == 1 and "[E-SCHEMA]" in run.stderr
    assert "county.yaml:" in run.stderr and "streets[0].institutions" in run.stderr
    assert "service_center" in run.stderr
    golden("errors/staffing_profile/body-written-twice.txt", run.stderr)
