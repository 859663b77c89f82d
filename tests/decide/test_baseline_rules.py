"""Every baseline rule: a proposal that makes it fire and one that keeps it silent.

Each case runs through the engine (the rule ids among the findings) and through the CLI
(the full text report against a golden file, and the exit code).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.api import evaluate_files
from tests.conftest import MINI, proposal, run_cli, write_yaml

PENALTY_ITEM = {"item__phases": ["patrol", "report", "investigation", "penalty"],
                "item__powers": ["penalty"]}
URBAN = {"department": "urban_management", "item__name": "占道经营整治"}
BIG = {"item__workload_days": 6000, "resources__funding": 3500000}
SERVICE = {"item__phases": ["service", "report"], "item__public_facing": True,
           "item__category": "comprehensive"}

# rule id, case name, changes that make it fire, changes that keep it silent
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("ASG-COMP", "comprehensive", {"item__category": "comprehensive"}, {}),
    ("ASG-SPEC", "specialist", {}, {"item__category": "comprehensive"}),
    ("ASG-ASSIST", "assisting", {"item__category": "assisting"}, {}),
    ("ASG-PHASE", "penalty-phase", PENALTY_ITEM, {}),
    ("ASG-POWER", "inspection-phase",
     {"item__phases": ["patrol", "inspection"], "item__powers": ["inspection"]}, {}),
    ("FUND-ASSIST", "no-funds", {"item__category": "assisting", "resources__funding": 0},
     {"item__category": "assisting"}),
    ("FUND-TRANSFER", "no-funds", {"resources__funding": 0},
     {"mode": "assist", "resources__funding": 0}),
    ("FUND-TRANSFER", "no-staff", {"item__workload_days": 300, "resources__funding": 66000},
     {"item__workload_days": 300, "resources__funding": 66000, "resources__staff": 1}),
    ("ADM-PLAN", "no-plan", {"work_plan": False}, {}),
    ("ADM-HEARING", "not-heard", {"hearing": {"S01": "agree", "S02": "agree"}},
     {"streets": ["S01", "S02"], "hearing": {"S01": "agree", "S02": "agree"}}),
    ("ADM-LEGAL", "failed", {"legal_review": "failed"}, {}),
    ("ADM-LEGAL", "pending", {"legal_review": "pending"}, {}),
    ("ADM-MEETING", "no-meeting", {"meeting": None},
     {"meeting": None, "urgency": "emergency"}),
    ("ADM-EMERGENCY", "emergency", {"meeting": None, "urgency": "emergency"},
     {"urgency": "emergency"}),
    ("ADM-BAN-SHIFT", "pledge", {"instruments": ["responsibility_pledge"]}, {}),
    ("ADM-BAN-COUNTERPART", "counterpart", {"instruments": ["counterpart_office",
                                                            "dedicated_staff"]},
     {"instruments": ["counterpart_office", "dedicated_staff"],
      "higher_requirement": {"level": "provincial", "document": "某省委关于基层消防工作的通知"}}),
    ("ADM-BAN-VETO", "veto", {"instruments": ["one_vote_veto"]}, {}),
    ("ADM-BAN-TASKFORCE", "task-force", {"instruments": ["task_force"]}, {}),
    ("ADM-LAW-RESERVED", "delegated", {**URBAN, "resources__powers_delegated": ["penalty"]},
     {**URBAN, "resources__powers_delegated": ["penalty"], "streets": ["S01", "S03"],
      "hearing": {"S01": "agree", "S03": "agree"}}),
    ("ADM-LAW-RESERVED", "comprehensive-needs",
     {**URBAN, **PENALTY_ITEM, "item__category": "comprehensive"},
     {**URBAN, **PENALTY_ITEM, "item__category": "specialist"}),
    ("ADM-LAW-HELD", "not-held", {"department": "statistics",
                                  "resources__powers_delegated": ["compulsion"]},
     {"department": "statistics", "resources__powers_delegated": ["inspection"]}),
    ("ADM-CAPACITY", "no-service-center", SERVICE, {**SERVICE, "item__public_facing": False}),
    ("ADM-DEVOLVE", "public-high-volume",
     {"item__public_facing": True, "item__high_volume": True},
     {"item__public_facing": True, "item__high_volume": True, "mode": "assist"}),
    ("ADM-LISTED", "listed", {"item": {"ref": "CG-001"}, "department": "urban_management",
                              "resources__funding": 26400},
     {"item": {"ref": "SJ-001"}, "department": "market_regulation", "streets": ["S03", "S04"],
      "hearing": {"S03": "agree", "S04": "agree"}}),
    ("ADM-OPINION", "objection", {"hearing": {"S01": "object", "S02": "agree", "S03": "agree",
                                              "S04": "agree_with_conditions"}}, {}),
    ("FUND-ASSIST", "assist-request", {"mode": "assist", "resources__funding": 0},
     {"mode": "assist", "resources__funding": 0, "item__workload_days": 0}),
    ("FUND-ADEQUATE", "short", {"resources__funding": 3000}, {"resources__funding": 6000}),
    ("ADM-STAFF-FOLLOW", "past-capacity", {**BIG, "resources__staff": 1},
     {**BIG, "resources__staff": 10}),
    ("ADM-STAFF-NONE", "no-room", {**BIG, "item__workload_days": 16000, "resources__staff": 1},
     {**BIG, "resources__staff": 1}),
    ("ADM-TEMPORARY", "temporary", {"urgency": "temporary", "ends": "2026-12-31"}, {}),
    ("ADM-ENTRUST", "entrust", {"mode": "entrust"}, {}),
    ("ADM-NO-STREET-PHASE", "nothing-left", {**PENALTY_ITEM, "item__phases": ["penalty"]},
     PENALTY_ITEM),
]
IDS = [f"{rule}-{name}" for rule, name, _, _ in CASES]


def _fired(tmp_path: Path, changes: dict[str, Any]) -> set[str]:
    path = write_yaml(tmp_path / "p.yaml", proposal(**changes))
    (decision,) = evaluate_files([path], MINI)
    return {f.rule for f in decision.findings}


@pytest.mark.parametrize(("rule", "name", "fire", "silent"), CASES, ids=IDS)
def test_rule_fires(tmp_path: Path, rule: str, name: str, fire: dict[str, Any],
                    silent: dict[str, Any]) -> None:
    assert rule in _fired(tmp_path, fire)


@pytest.mark.parametrize(("rule", "name", "fire", "silent"), CASES, ids=IDS)
def test_rule_silent(tmp_path: Path, rule: str, name: str, fire: dict[str, Any],
                     silent: dict[str, Any]) -> None:
    assert rule not in _fired(tmp_path, silent)


@pytest.mark.parametrize(("rule", "name", "fire", "silent"), CASES, ids=IDS)
def test_rule_cli(tmp_path: Path, golden: Any, rule: str, name: str, fire: dict[str, Any],
                  silent: dict[str, Any]) -> None:
    for label, changes in (("fires", fire), ("silent", silent)):
        path = write_yaml(tmp_path / f"{label}.yaml", proposal(**changes))
        run = run_cli("evaluate", "--county", MINI, path)
        assert run.code == 0, run.stderr
        assert run.stderr == ""
        assert (f"] {rule} " in run.stdout) == (label == "fires")
        golden(f"rules/{rule}-{name}-{label}.txt", run.stdout)
