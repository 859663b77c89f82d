"""The cases the core issue names, checked street by street through the engine and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from engine.api import evaluate_files
from engine.models.decision import Decision
from tests.conftest import MINI, proposal, run_cli, write_yaml


def _decide(tmp_path: Path, **changes: object) -> Decision:
    (decision,) = evaluate_files([write_yaml(tmp_path / "p.yaml", proposal(**changes))], MINI)
    return decision


def _rules(d: Decision, effect: str | None = None) -> set[str]:
    return {f.rule for f in d.findings if effect is None or f.effect == effect}


def test_counterpart_office_and_dedicated_staff_rejected(tmp_path: Path) -> None:
    d = _decide(tmp_path, instruments=["counterpart_office", "dedicated_staff"])
    assert d.verdict == "rejected"
    assert "ADM-BAN-COUNTERPART" in _rules(d, "reject")


def test_counterpart_demand_with_provincial_requirement_not_rejected_on_that_ground(
        tmp_path: Path) -> None:
    d = _decide(tmp_path, instruments=["counterpart_office", "dedicated_staff"],
                higher_requirement={"level": "provincial", "document": "省委关于某项工作的通知"})
    assert "ADM-BAN-COUNTERPART" not in _rules(d)
    assert d.verdict == "admitted"


def test_responsibility_pledge_rejected(tmp_path: Path) -> None:
    d = _decide(tmp_path, instruments=["responsibility_pledge"])
    assert d.verdict == "rejected" and "ADM-BAN-SHIFT" in _rules(d, "reject")
    assert {s.verdict for s in d.streets} == {"rejected"}


def test_penalty_power_without_grant_rejected(tmp_path: Path) -> None:
    d = _decide(tmp_path, department="urban_management", streets=["S02", "S04"],
                hearing={"S02": "agree", "S04": "agree"},
                resources__powers_delegated=["penalty"])
    assert d.verdict == "rejected"
    assert [f.street for f in d.findings if f.rule == "ADM-LAW-RESERVED"] == ["S02", "S04"]


def test_comprehensive_item_complete_is_admitted_street_primary_basic(tmp_path: Path) -> None:
    d = _decide(tmp_path, item__category="comprehensive")
    assert d.verdict == "admitted"
    for s in d.streets:
        assert s.list == "basic"
        assert s.primary is not None and (s.primary.kind, s.primary.id) == ("street", s.street)
        assert [p.kind for p in s.cooperating] == ["department"]
        assert s.funding.follows and s.funding.payer == "fire_rescue"


def test_specialist_led_by_stationed_unit_where_one_serves(tmp_path: Path) -> None:
    d = _decide(tmp_path, department="market_regulation", item__phases=["patrol", "report"])
    leads = {s.street: (s.primary.kind, s.primary.id) for s in d.streets if s.primary}
    assert leads == {"S01": ("unit", "mr-east"), "S02": ("unit", "mr-east"),
                     "S03": ("department", "market_regulation"),
                     "S04": ("department", "market_regulation")}
    for s in d.streets:
        assert s.list == "cooperative"
        assert [(p.kind, p.id) for p in s.cooperating] == [("street", s.street)]


def test_assisting_item_funding_follows_from_department(tmp_path: Path) -> None:
    d = _decide(tmp_path, department="civil_affairs", item__category="assisting",
                resources__funding=15000)
    assert d.verdict == "admitted"
    for s in d.streets:
        assert (s.funding.follows, s.funding.payer, s.funding.amount) == (
            True, "civil_affairs", 15000)
        assert s.primary is not None and s.primary.kind == "department"


def test_streets_not_heard_returned(tmp_path: Path) -> None:
    d = _decide(tmp_path, hearing=None)
    assert d.verdict == "returned"
    (f,) = [f for f in d.findings if f.rule == "ADM-HEARING"]
    assert f.street is None and "东门街道、西关街道、南湖镇、北山乡" in f.message


def test_enforcement_phases_follow_grants(tmp_path: Path) -> None:
    d = _decide(tmp_path, department="urban_management",
                item__phases=["patrol", "inspection", "penalty"],
                item__powers=["inspection", "penalty"])
    phases = {s.street: {p.phase: p.party.kind for p in s.phases} for s in d.streets}
    assert phases["S01"] == {"patrol": "street", "inspection": "street", "penalty": "street"}
    assert phases["S03"] == {"patrol": "street", "inspection": "department",
                             "penalty": "street"}
    assert phases["S02"] == {"patrol": "street", "inspection": "department",
                             "penalty": "department"}


def test_json_output_shape_and_determinism(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "p.yaml", proposal())
    first = run_cli("evaluate", "--county", MINI, "--format", "json", path)
    second = run_cli("evaluate", "--county", MINI, "--format", "json", path)
    assert first.code == 0 and first.stdout == second.stdout
    doc = json.loads(first.stdout)
    assert set(doc) >= {"proposal", "verdict", "streets", "findings", "policy"}
    assert set(doc["streets"][0]) >= {"street", "verdict", "list", "primary", "cooperating",
                                      "phases", "funding"}
    assert set(doc["streets"][0]["funding"]) == {"follows", "payer", "amount", "per"}
    assert set(doc["findings"][0]) >= {"rule", "effect", "street", "message", "basis"}
    assert set(doc["policy"]) >= {"id", "version", "hash"}
    assert "测试申请" in first.stdout  # Chinese kept, not escaped


def test_several_proposals_give_a_json_array(tmp_path: Path) -> None:
    a = write_yaml(tmp_path / "a.yaml", proposal())
    b = write_yaml(tmp_path / "b.yaml", proposal(id="P-T-101", work_plan=False))
    run = run_cli("evaluate", "--county", MINI, "--format", "json", a, b)
    assert [d["verdict"] for d in json.loads(run.stdout)] == ["admitted", "returned"]


def test_fail_on_reject_exit_code(tmp_path: Path) -> None:
    ok = write_yaml(tmp_path / "ok.yaml", proposal())
    bad = write_yaml(tmp_path / "bad.yaml", proposal(id="P-T-102", instruments=["task_force"]))
    assert run_cli("evaluate", "--county", MINI, "--fail-on-reject", ok).code == 0
    assert run_cli("evaluate", "--county", MINI, bad).code == 0
    assert run_cli("evaluate", "--county", MINI, "--fail-on-reject", ok, bad).code == 3


def test_recalled_item_handed_back_needs_admission(tmp_path: Path) -> None:
    import shutil

    import yaml

    county = tmp_path / "county"
    shutil.copytree(MINI, county)
    data = yaml.safe_load((county / "county.yaml").read_text(encoding="utf-8"))
    data["items"][0]["recalled"] = True
    write_yaml(county / "county.yaml", data)
    path = write_yaml(tmp_path / "p.yaml", proposal(department="urban_management",
                                                     item={"ref": "CG-001"},
                                                     resources__funding=26400))
    (d,) = evaluate_files([path], county)
    assert "ADM-LISTED" not in _rules(d)
    assert d.verdict == "admitted"
