"""Scenario loading: the starting county, inline changes, inline proposals, located errors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from engine.errors import DataErrors
from engine.scenarios.load import Scenario, load_scenario
from tests.conftest import MINI, proposal, write_yaml


def _load(tmp_path: Path, county: Any = None, steps: list[Any] | None = None) -> Scenario:
    data = {"schema_version": 1, "name": "n", "description": "d",
            "county": county if county is not None else str(MINI),
            "steps": steps or [{"proposal": proposal()}]}
    return load_scenario(write_yaml(tmp_path / "s.yaml", data), "s")


def _errors(tmp_path: Path, **kwargs: Any) -> str:
    with pytest.raises(DataErrors) as exc:
        _load(tmp_path, **kwargs)
    return exc.value.render()


def test_altering_a_street_keeps_its_other_fields(tmp_path: Path) -> None:
    grant = {"power": "penalty", "department": "urban_management", "basis": "省政府决定"}
    sc = _load(tmp_path, county={"path": str(MINI), "changes": {
        "streets": [{"id": "S04", "granted_powers": [grant]}]}})
    s04 = sc.workspace.county.streets["S04"]
    assert s04.name == "北山乡" and s04.kind == "township" and s04.population == 9000
    assert [g.power for g in s04.granted_powers] == ["penalty"]
    assert sc.workspace.graph.granted_powers("S04", "urban_management") == ["penalty"]


def test_adding_entities(tmp_path: Path) -> None:
    item = {"id": "NEW-1", "name": "新事项", "department": "civil_affairs",
            "category": "comprehensive", "phases": ["service"], "legal_basis": "某条例",
            "streets": ["S01"]}
    unit = {"id": "fr-s02", "name": "消防站", "department": "fire_rescue",
            "mode": "dispatched", "streets": ["S02"]}
    sc = _load(tmp_path, county={"path": str(MINI), "changes": {"items": [item],
                                                                 "units": [unit]}})
    county = sc.workspace.county
    assert county.items["NEW-1"].streets == ["S01"]
    assert sc.workspace.graph.unit_serving("fire_rescue", "S02") == "fr-s02"


def test_parameters_and_rules_form_one_more_pack(tmp_path: Path) -> None:
    sc = _load(tmp_path, county={"path": str(MINI), "changes": {
        "parameters": {"staff_threshold_days": 5},
        "rules": [{"id": "LOCAL-1", "title": "本地规则", "scope": "proposal",
                   "citation": {"document": "县文件", "clause": "第一条"},
                   "when": {"fact": "urgency", "eq": "emergency"}, "effect": "note",
                   "message": "提示"}]}})
    policy = sc.workspace.policy
    assert policy.parameters.staff_threshold_days == 5
    assert policy.rules[-1].id == "LOCAL-1"
    assert policy.id == "baseline+scenario"


def test_switching_a_rule_off(tmp_path: Path) -> None:
    base = _load(tmp_path).workspace.policy
    rule = next(r for r in base.rules if r.id == "ADM-DEVOLVE")
    off = {**rule.model_dump(mode="json", exclude_none=True), "enabled": False}
    sc = _load(tmp_path, county={"path": str(MINI), "changes": {"rules": [off]}})
    assert "ADM-DEVOLVE" not in [r.id for r in sc.workspace.policy.rules]


def test_paths_are_relative_to_the_scenario_file(tmp_path: Path) -> None:
    write_yaml(tmp_path / "props" / "p.yaml", proposal(id="P-REL"))
    relative = os.path.relpath(MINI, tmp_path)
    sc = _load(tmp_path, county=relative, steps=[{"proposal": "props/p.yaml"}])
    assert sc.steps[0].source.proposal.id == "P-REL"
    assert sc.workspace.county.name == "测试区"


def test_errors_in_changes_name_the_scenario_line(tmp_path: Path, golden: Any) -> None:
    text = _errors(tmp_path, county={"path": str(MINI), "changes": {
        "streets": [{"id": "S01", "staffing": {"administrative": -1, "institutional": 1,
                                               "actual": 1}}]}})
    assert "s.yaml:" in text and "county.changes.streets[0].staffing.administrative" in text
    golden("errors/scenarios_load/staffing-too-small.txt", text)


def test_rule_errors_in_changes_are_located(tmp_path: Path) -> None:
    text = _errors(tmp_path, county={"path": str(MINI), "changes": {
        "rules": [{"id": "X", "title": "t", "scope": "street",
                   "citation": {"document": "d", "clause": "c"},
                   "when": {"fact": "no_such_fact", "eq": True}, "effect": "note",
                   "message": "m"}]}})
    assert "字段 county.changes.rules[0]" in text and "no_such_fact" in text


def test_inline_proposal_errors_are_located(tmp_path: Path, golden: Any) -> None:
    text = _errors(tmp_path, steps=[{"proposal": proposal(mode="handover")}])
    assert "steps[0].proposal.mode" in text and "“handover”" in text
    assert "“hand_over”" in text  # the suggestion
    golden("errors/scenarios_load/unknown-mode.txt", text)


def test_all_step_errors_at_once(tmp_path: Path) -> None:
    with pytest.raises(DataErrors) as exc:
        _load(tmp_path, steps=[{"proposal": proposal(mode="x")},
                               {"proposal": "nope.yaml"},
                               {"proposal": proposal(), "expect": {"not_fired": ["ASG"]}}])
    assert len(exc.value.errors) == 3
