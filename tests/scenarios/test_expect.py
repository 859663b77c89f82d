"""The comparison code: only written fields count; nulls, parties, phases, rows, check."""

from __future__ import annotations

from typing import Any

from engine.api import county_lists
from engine.decide.evaluate import evaluate
from engine.lists.check import ListProblem
from engine.loading.proposal import ProposalSource
from engine.loading.workspace import load_workspace
from engine.loading.yamlio import Document
from engine.models.decision import Decision
from engine.models.proposal import Proposal
from engine.models.scenario import RowExpect, StepExpect
from engine.scenarios.expect import compare_check, compare_decision, compare_rows
from tests.conftest import MINI, proposal


def _decision(**changes: Any) -> Decision:
    data = proposal(**changes)
    doc = Document(MINI / "p.yaml", data, {}, "p.yaml")
    return evaluate(load_workspace(MINI), [ProposalSource(Proposal.model_validate(data),
                                                          doc)])[0]


def _diff(expect: dict[str, Any], decision: Decision) -> list[tuple[Any, ...]]:
    return [(d.street, d.field, d.expected, d.actual)
            for d in compare_decision(StepExpect.model_validate(expect), decision)]


def test_only_written_fields_are_compared() -> None:
    d = _decision()
    assert _diff({}, d) == []
    assert _diff({"streets": {"S01": {}}}, d) == []
    assert _diff({"verdict": "rejected"}, d) == [(None, "verdict", "rejected", "admitted")]


def test_null_is_an_expectation() -> None:
    d = _decision()
    assert _diff({"streets": {"S01": {"list": None}}}, d) == [
        ("S01", "streets.S01.list", None, "cooperative")]
    assert _diff({"streets": {"S01": {"primary": None}}}, d) == [
        ("S01", "streets.S01.primary", None, "department:fire_rescue")]


def test_parties_by_kind_or_id() -> None:
    d = _decision()
    assert _diff({"each_street": {"primary": "department"}}, d) == []
    assert _diff({"streets": {"S01": {"primary": {"id": "fire_rescue"}}}}, d) == []
    assert _diff({"streets": {"S01": {"primary": {"kind": "unit"}}}}, d) == [
        ("S01", "streets.S01.primary", "unit", "department:fire_rescue")]


def test_phases_cooperating_funding() -> None:
    d = _decision()
    assert _diff({"streets": {"S02": {
        "phases": {"patrol": "street", "report": "S02"}, "cooperating": ["S02"],
        "funding": {"follows": True, "payer": "fire_rescue"}}}}, d) == []
    got = _diff({"streets": {"S02": {"phases": {"patrol": "department"},
                                     "funding": {"amount": 5}}}}, d)
    assert ("S02", "streets.S02.phases.patrol", "department", "street:S02") in got
    assert ("S02", "streets.S02.funding.amount", 5, 20000) in got


def test_rules_fired_per_street_and_overall() -> None:
    d = _decision(hearing={"S01": "object", "S02": "agree", "S03": "agree", "S04": "agree"})
    assert _diff({"fired": ["ADM-OPINION"], "streets": {"S01": {"fired": ["ADM-OPINION"]}},
                  "not_fired": ["ADM-LISTED"]}, d) == []
    assert _diff({"streets": {"S02": {"fired": ["ADM-OPINION"]}}}, d) == [
        ("S02", "streets.S02.fired", "ADM-OPINION", "未触发")]
    assert _diff({"not_fired": ["ASG-SPEC"]}, d) == [
        (None, "not_fired", "ASG-SPEC", "已触发")]


def test_a_street_outside_the_targets() -> None:
    d = _decision(streets=["S01"], hearing={"S01": "agree"})
    assert _diff({"streets": {"S02": {"verdict": "admitted"}}}, d) == [
        ("S02", "street", "目标街道", "不是本申请的目标街道")]


def test_rows_and_check() -> None:
    lists, _ = county_lists(MINI)
    row = lists.streets[0].basic[0]
    ok = RowExpect(street=lists.streets[0].street, item=row.item, list="basic")
    assert compare_rows([ok], lists) == []
    absent = RowExpect(street="S01", item="NOT-THERE", list=None)
    assert compare_rows([absent], lists) == []
    wrong = RowExpect(street="S01", item=row.item, list=None)
    [d] = compare_rows([wrong], lists)
    assert (d.field, d.expected, d.actual) == (f"rows[0]({row.item}).list", None, "basic")
    problem = ListProblem(code="GAP", street="S01", item="X", message="m", basis="b")
    assert compare_check([], []) == []
    [d] = compare_check([], [problem])
    assert (d.field, d.expected, d.actual) == ("check", [], ["GAP"])
