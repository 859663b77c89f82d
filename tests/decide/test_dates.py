"""Evaluation and lists on a day: only what is in force then counts; a recall's hand-over
period, granted by the policy's rule, keeps the street carrying the item until it ends."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from engine.api import county_workspace, evaluate_sources
from engine.decide.evaluate import decide, resolve
from engine.errors import DataErrors
from engine.lists.build import build_lists
from engine.loading.dated import at_date
from engine.loading.proposal import load_proposals
from engine.loading.workspace import Workspace
from engine.models.lists import ListRow
from tests.conftest import MINI, TESTS, run_cli

DATED = TESTS / "fixtures" / "dated"


@pytest.fixture(scope="module")
def dated() -> Workspace:
    return county_workspace(DATED)


def _row(ws: Workspace, street: str, item: str) -> ListRow | None:
    [lists] = [s for s in build_lists(ws).streets if s.street == street]
    return next((r for r in (*lists.basic, *lists.cooperative, *lists.recalled)
                 if r.item == item), None)


def test_a_county_without_dates_is_read_the_same_on_any_day() -> None:
    ws = county_workspace(MINI)
    assert at_date(ws, date(2000, 1, 1)) is ws
    assert at_date(ws, None) is ws


def test_items_count_only_while_in_force(dated: Workspace) -> None:
    june, july, next_year = (at_date(dated, date(2026, 6, 30)), at_date(dated, date(2026, 7, 1)),
                             at_date(dated, date(2027, 1, 1)))
    assert "TJ-001" in june.county.items and "TJ-001" not in july.county.items
    assert "XF-001" not in july.county.items and "XF-001" in next_year.county.items
    last = _row(june, "S01", "TJ-001")
    assert last is not None and last.until == "2026-06-30" and last.effective is None
    assert _row(july, "S01", "TJ-001") is None
    first = _row(next_year, "S02", "XF-001")
    assert first is not None and first.effective == "2027-01-01"


def test_a_grant_counts_only_in_its_term(dated: Workspace) -> None:
    for day, held in ((date(2025, 12, 31), False), (date(2026, 1, 1), True),
                      (date(2026, 12, 31), True), (date(2027, 1, 1), False)):
        ws = at_date(dated, day)
        assert bool(ws.graph.granted_powers("S03", "urban_management")) is held, day


def test_the_recall_before_during_and_after_its_hand_over(dated: Workspace) -> None:
    undated = dated.county
    recall = undated.recalls["MZ-001"]["S02"]
    assert (recall.effective, recall.handover_until) == (date(2027, 1, 1), date(2027, 3, 31))

    before = at_date(dated, date(2026, 12, 31))
    assert "S02" not in before.county.recalls.get("MZ-001", {})
    assert not before.county.handovers
    row = _row(before, "S02", "MZ-001")
    assert row is not None and row.list == "cooperative" and row.handover_until is None

    for day in (date(2027, 1, 1), date(2027, 3, 31)):  # both ends of the period included
        during = at_date(dated, day)
        assert during.county.handovers["MZ-001"]["S02"].until == date(2027, 3, 31)
        row = _row(during, "S02", "MZ-001")
        assert row is not None and row.list == "cooperative", day
        assert row.handover_until == "2027-03-31"
        assert row.successor is not None and row.successor.id == "civil_affairs"
        assert row.funding.follows and row.funding.amount == 20000  # the street still acts
        other = _row(during, "S01", "MZ-001")
        assert other is not None and other.handover_until is None  # not recalled there

    after = at_date(dated, date(2027, 4, 1))
    assert not after.county.handovers
    row = _row(after, "S02", "MZ-001")
    assert row is not None and row.list == "recalled" and row.handover_until is None
    assert row.effective == "2027-04-01" and row.proposal == "P-2026-T01"


def _recall(tmp_path: Path, extra: str) -> Any:
    path = tmp_path / "recall.yaml"
    path.write_text(
        "schema_version: 1\nid: P-X\ntitle: 收回\ndepartment: civil_affairs\nchange: recall\n"
        f"streets: [S01]\nitem: {{ref: MZ-001}}\n{extra}work_plan: true\n"
        "legal_review: passed\nhearing: {S01: agree}\n"
        "meeting: {body: 区政府常务会议, ref: 一, decided: true}\n", encoding="utf-8")
    return load_proposals([path])


def test_the_hand_over_is_the_policy_rules_to_grant(tmp_path: Path) -> None:
    ws = county_workspace(MINI)
    [decision] = evaluate_sources(_recall(tmp_path, "effective: 2027-01-01\n"
                                                    "handover_until: 2027-03-31\n"), ws)
    assert "ASG-HANDOVER" in {f.rule for f in decision.findings}
    [street] = decision.streets
    assert street.list == "recalled" and street.handover_until == "2027-03-31"
    assert (decision.effective, decision.handover_until) == ("2027-01-01", "2027-03-31")

    # the same recall under a pack without the rule: no hand-over, whatever the proposal says
    rules = [r for r in ws.policy.rules if r.id != "ASG-HANDOVER"]
    without = Workspace(ws.county, _policy_without(ws, rules), ws.graph)
    [plain] = evaluate_sources(_recall(tmp_path, "effective: 2027-01-01\n"
                                                 "handover_until: 2027-03-31\n"), without)
    assert "ASG-HANDOVER" not in {f.rule for f in plain.findings}
    assert plain.streets[0].handover_until is None


def _policy_without(ws: Workspace, rules: list[Any]) -> Any:
    from dataclasses import replace

    keep = [i for i, r in enumerate(ws.policy.rules) if r in rules]
    return replace(ws.policy, rules=tuple(ws.policy.rules[i] for i in keep),
                   cases=tuple(ws.policy.cases[i] for i in keep),
                   hash=ws.policy.hash + "-without-handover")


def test_a_recall_without_dates_decides_and_dumps_as_before(tmp_path: Path) -> None:
    ws = county_workspace(MINI)
    [decision] = evaluate_sources(_recall(tmp_path, ""), ws)
    assert "ASG-HANDOVER" not in {f.rule for f in decision.findings}
    dumped = json.loads(decision.model_dump_json())
    assert not {"effective", "until", "handover_until"} & dumped.keys()
    assert "handover_until" not in dumped["streets"][0]


def test_evaluation_on_a_day_sees_only_what_is_in_force(dated: Workspace,
                                                        tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "schema_version: 1\nid: P-Y\ntitle: 协助\ndepartment: statistics\n"
        "streets: [S01]\nmode: assist\nitem: {ref: TJ-001}\nresources: {funding: 2200}\n"
        "work_plan: true\nlegal_review: passed\nhearing: {S01: agree}\n"
        "meeting: {body: 区政府常务会议, ref: 一, decided: true}\n", encoding="utf-8")
    [source] = load_proposals([path])
    june = at_date(dated, date(2026, 6, 1))
    item, from_catalogue, targets = resolve(june, source)
    assert decide(june, source.proposal, item, from_catalogue, targets).verdict == \
        "not_applicable"  # already on S01's lists that day
    with pytest.raises(DataErrors) as info:  # no longer in the catalogue
        resolve(at_date(dated, date(2026, 7, 1)), source)
    assert info.value.code == "E-REF"
    run = run_cli("evaluate", "--county", DATED, "--as-of", "2026-06-01", path,
                  "--format", "json")
    assert run.code == 0 and json.loads(run.stdout)["verdict"] == "not_applicable"
    assert run_cli("evaluate", "--county", DATED, "--as-of", "2026-07-01", path).code == 1


def test_today_is_the_clocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --as-of the county is read today, by the one clock (DUTY_NOW fixes it)."""
    monkeypatch.setenv("DUTY_NOW", "2027-02-15T09:00:00+08:00")
    during = run_cli("lists", "build", "--county", DATED, "--street", "S02", "--format", "json")
    monkeypatch.setenv("DUTY_NOW", "2027-04-01T09:00:00+08:00")
    after = run_cli("lists", "build", "--county", DATED, "--street", "S02", "--format", "json")
    assert during.code == after.code == 0
    rows = json.loads(during.stdout)["streets"][0]
    assert [r["handover_until"] for r in rows["cooperative"] if r["item"] == "MZ-001"] == [
        "2027-03-31"]
    assert [r["item"] for r in json.loads(after.stdout)["streets"][0]["recalled"]] == ["MZ-001"]
