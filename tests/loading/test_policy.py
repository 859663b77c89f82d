"""Policy packs: the baseline, county packs that override by id, and located pack errors."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.api import evaluate_files
from engine.errors import DataErrors, PolicyError
from engine.loading.policy import load_policy
from tests.conftest import MINI, proposal, run_cli, write_yaml

BASELINE_RULES = {
    "ASG-COMP", "ASG-SPEC", "ASG-ASSIST", "ASG-PHASE", "ASG-POWER", "FUND-ASSIST",
    "FUND-TRANSFER", "ADM-PLAN", "ADM-HEARING", "ADM-LEGAL", "ADM-MEETING", "ADM-BAN-SHIFT",
    "ADM-BAN-COUNTERPART", "ADM-BAN-VETO", "ADM-BAN-TASKFORCE", "ADM-LAW-RESERVED",
    "ADM-LAW-HELD", "ADM-CAPACITY", "ADM-DEVOLVE", "ADM-LISTED", "ADM-EMERGENCY",
    "ASG-RECALL", "ADM-UNLISTED", "FUND-ADEQUATE", "ADM-STAFF-FOLLOW", "ADM-STAFF-NONE",
    "ADM-TEMPORARY", "ADM-ENTRUST", "ADM-NO-STREET-PHASE",
}


def test_baseline_holds_every_design_rule_with_a_citation() -> None:
    policy = load_policy(["baseline"])
    ids = {r.id for r in policy.rules}
    assert ids >= BASELINE_RULES
    assert all(r.citation.document and r.citation.clause for r in policy.rules)
    assert policy.id == "baseline" and policy.version == "3"
    assert policy.hash.startswith("sha256:") and len(policy.hash) == 71


def test_unknown_bundled_pack(golden: Any) -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(["baselin"])
    assert info.value.code == "E-NOTFOUND" and "“baselin”" in info.value.message
    assert "baseline" in (info.value.hint or "")
    golden("errors/loading_policy/unknown-bundled-pack.txt", info.value.render() + "\n")


def _county_with_pack(tmp_path: Path, pack: dict) -> Path:  # type: ignore[type-arg]
    target = tmp_path / "county"
    shutil.copytree(MINI, target)
    data = yaml.safe_load((target / "county.yaml").read_text(encoding="utf-8"))
    data["policy"] = ["baseline", "local.yaml"]
    write_yaml(target / "county.yaml", data)
    write_yaml(target / "local.yaml", pack)
    return target


LOCAL = {"schema_version": 1, "id": "local", "version": 2, "title": "本区补充规则"}


def test_county_pack_overrides_a_rule_and_a_parameter(tmp_path: Path) -> None:
    county = _county_with_pack(tmp_path, {
        **LOCAL,
        "parameters": {"staff_threshold_days": 100},
        "rules": [{"id": "ADM-DEVOLVE", "title": "停用", "scope": "proposal",
                   "citation": {"document": "本区文件", "clause": "第一条"},
                   "enabled": False,
                   "when": {"fact": "public_facing", "eq": True}, "effect": "note",
                   "message": "x"},
                  {"id": "LOCAL-WEEKEND", "title": "周末任务须说明", "scope": "street",
                   "citation": {"document": "本区减负办法", "clause": "第五条"},
                   "when": {"fact": "street_kind", "eq": "township"}, "effect": "note",
                   "message": "{street_name}为乡，注意统筹。"}]})
    path = write_yaml(tmp_path / "p.yaml", proposal(item__public_facing=True,
                                                     item__high_volume=True,
                                                     item__workload_days=150))
    (decision,) = evaluate_files([path], county)
    rules = [f.rule for f in decision.findings]
    assert "ADM-DEVOLVE" not in rules
    assert "FUND-TRANSFER" in rules  # 150 days now passes the county's 100-day threshold
    local = [f for f in decision.findings if f.rule == "LOCAL-WEEKEND"]
    assert [f.street for f in local] == ["S04"] and local[0].message == "北山乡为乡，注意统筹。"
    assert decision.policy.id == "baseline+local" and decision.policy.version == "3+2"


BAD_RULES = [
    ({"when": {"fact": "workload", "gt": 1}}, "unknown-fact", ["“workload”"]),
    ({"when": {"fact": "unit", "eq": "x"}, "scope": "proposal"}, "fact-of-another-scope",
     ["“unit”"]),
    ({"when": {"fact": "mode", "eq": "handover"}}, "value-suggested", ["“hand_over”"]),
    ({"effect": "assign"}, "assign-without-assign", ["assign"]),
    ({"message": "{streetname}"}, "unknown-placeholder", ["“{streetname}”"]),
    ({"effect": "block"}, "unknown-effect", ["“block”"]),
    ({"message": "abc { def"}, "unmatched-brace", ["rules[0].message"]),
    ({"message": "{}"}, "empty-placeholder", ["rules[0].message", "“{}”"]),
    ({"message": "{funding:,}"}, "placeholder-with-a-format",
     ["rules[0].message", "“{funding}”"]),
    ({"when": {"fact": ["listed"], "eq": True}}, "fact-not-a-name", ["rules[0].when"]),
    ({"effect": "assign", "assign": {"phases_to_department": "instruments"}},
     "assign-not-a-phase-list", ["phases_to_department", "instruments"]),
    ({"id": "ADM-PLANN", "enabled": False}, "disabling-an-unknown-rule", ["“ADM-PLANN”"]),
]


@pytest.mark.parametrize(("rule", "case", "values"), BAD_RULES,
                         ids=[case for _, case, _ in BAD_RULES])
def test_bad_rules_are_located(tmp_path: Path, rule: dict, case: str,  # type: ignore[type-arg]
                               values: list[str], golden: Any) -> None:
    base = {"id": "LOCAL-1", "title": "t", "scope": "street",
            "citation": {"document": "d", "clause": "c"},
            "when": {"fact": "listed", "eq": True}, "effect": "note", "message": "m"}
    county = _county_with_pack(tmp_path, {**LOCAL, "rules": [{**base, **rule}]})
    run = run_cli("evaluate", "--county", county, write_yaml(tmp_path / "p.yaml", proposal()))
    assert run.code == 1 and run.stdout == ""
    assert "local.yaml:" in run.stderr, run.stderr
    for value in values:
        assert value in run.stderr, (value, run.stderr)
    golden(f"errors/loading_policy/bad-rule-{case}.txt", run.stderr)


def test_combine_must_place_every_blocking_effect(tmp_path: Path, golden: Any) -> None:
    county = _county_with_pack(tmp_path, {**LOCAL, "combine": {
        "strategy": "precedence", "precedence": ["condition"], "proposal_decisive": ["reject"],
        "description": "只看附条件"}})
    run = run_cli("evaluate", "--county", county, write_yaml(tmp_path / "p.yaml", proposal()))
    assert run.code == 1
    assert "combine.precedence" in run.stderr and "reject" in run.stderr
    assert "proposal_decisive" in run.stderr
    golden("errors/loading_policy/combine-misses-blocking-effects.txt", run.stderr)


def test_same_rule_twice_in_a_pack(tmp_path: Path, golden: Any) -> None:
    rule = {"id": "LOCAL-1", "title": "t", "scope": "street",
            "citation": {"document": "d", "clause": "c"},
            "when": {"fact": "listed", "eq": True}, "effect": "note", "message": "m"}
    county = _county_with_pack(tmp_path, {**LOCAL, "rules": [rule, rule]})
    run = run_cli("evaluate", "--county", county, write_yaml(tmp_path / "p.yaml", proposal()))
    assert run.code == 1 and "LOCAL-1" in run.stderr and "local.yaml:" in run.stderr
    golden("errors/loading_policy/same-rule-twice-in-a-pack.txt", run.stderr)


def test_unused_unknown_parameter_is_an_error(tmp_path: Path) -> None:
    county = _county_with_pack(tmp_path, {**LOCAL, "parameters": {"staff_treshold_days": 1}})
    with pytest.raises(DataErrors) as info:
        evaluate_files([write_yaml(tmp_path / "p.yaml", proposal())], county)
    assert "staff_threshold_days" in info.value.render()
