"""Proposals that change a listed item: recall (收回) and revise (动态调整), and what each needs."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.api import evaluate_files
from engine.decide.evaluate import decide, resolve
from engine.errors import DataErrors
from engine.loading.proposal import load_proposal
from engine.loading.workspace import load_workspace
from engine.models.decision import Decision
from engine.models.proposal import Resources
from tests.conftest import MINI, proposal, run_cli, write_yaml

SJ_HEARD = {"S01": "agree", "S02": "agree"}  # SJ-001 is listed on S01 and S02
MZ_HEARD = {"S01": "agree", "S02": "agree", "S03": "agree"}  # MZ-001 on S01–S03


def doc(*, drop: tuple[str, ...] = (), **changes: Any) -> dict[str, Any]:
    """The base proposal with ``changes``, and the top-level keys in ``drop`` left out."""
    data = proposal(**changes)
    for key in drop:
        data.pop(key)
    return data


def recall(ref: str = "SJ-001", department: str = "market_regulation",
           **changes: Any) -> dict[str, Any]:
    """A recall: no mode, and nothing handed over with it (no resources)."""
    if ref == "SJ-001":
        changes.setdefault("hearing", SJ_HEARD)
    return doc(drop=("mode", "resources"), change="recall", item={"ref": ref},
               department=department, **changes)


def revise(ref: str, department: str, revision: dict[str, Any], **changes: Any) -> dict[str, Any]:
    changes.setdefault("mode", "assist")
    return doc(change="revise", item={"ref": ref}, department=department, revision=revision,
               **changes)


def _decide(tmp_path: Path, data: dict[str, Any], county: Path = MINI) -> Decision:
    (decision,) = evaluate_files([write_yaml(tmp_path / "p.yaml", data)], county)
    return decision


def _rules(d: Decision, effect: str | None = None) -> set[str]:
    return {f.rule for f in d.findings if effect is None or f.effect == effect}


def _verdicts(d: Decision) -> dict[str, str]:
    return {s.street: s.verdict for s in d.streets}


def _county(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the MINI county with ``county.yaml`` edited."""
    county = tmp_path / "county"
    shutil.copytree(MINI, county)
    data = yaml.safe_load((county / "county.yaml").read_text(encoding="utf-8"))
    edit(data)
    write_yaml(county / "county.yaml", data)
    return county


def _item(data: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(i for i in data["items"] if i["id"] == item_id)


# ---------------------------------------------------------------- admit stays the default


def test_change_defaults_to_admit_and_listed_streets_are_not_applicable(tmp_path: Path) -> None:
    d = _decide(tmp_path, proposal(department="market_regulation", item={"ref": "SJ-001"}))
    assert d.change == "admit"
    assert _verdicts(d) == {"S01": "not_applicable", "S02": "not_applicable",
                            "S03": "admitted", "S04": "admitted"}
    assert [f.street for f in d.findings if f.rule == "ADM-LISTED"] == ["S01", "S02"]
    assert "ASG-RECALL" not in _rules(d) and "ADM-UNLISTED" not in _rules(d)


# ---------------------------------------------------------------- recall (收回)


def test_recall_all_targets_the_streets_listing_the_item(tmp_path: Path) -> None:
    d = _decide(tmp_path, recall())
    assert d.change == "recall" and d.verdict == "admitted"
    assert [s.street for s in d.streets] == ["S01", "S02"]  # not S03, S04
    assert [(f.rule, f.street) for f in d.findings] == [("ASG-RECALL", "S01"),
                                                        ("ASG-RECALL", "S02")]
    for s in d.streets:  # the stationed unit takes it back, with every phase
        assert s.list == "recalled"
        assert s.primary is not None and (s.primary.kind, s.primary.id) == ("unit", "mr-east")
        assert [(p.phase, p.party.kind, p.party.id) for p in s.phases] == [
            ("discovery", "unit", "mr-east"), ("report", "unit", "mr-east"),
            ("licensing", "unit", "mr-east")]


def test_recall_goes_to_the_department_where_no_unit_serves(tmp_path: Path) -> None:
    d = _decide(tmp_path, recall("CG-001", "urban_management"))
    assert d.verdict == "admitted"
    primaries = {s.street: (s.primary.kind, s.primary.id) for s in d.streets if s.primary}
    # S01's squad is devolved to (managed by) the street: a recall never lands on it
    assert primaries == {"S01": ("department", "urban_management"),
                         "S02": ("department", "urban_management"),
                         "S03": ("department", "urban_management"),
                         "S04": ("department", "urban_management")}
    for s in d.streets:
        assert s.list == "recalled"
        assert all(p.party.kind != "street" for p in s.phases)
        assert [p.phase for p in s.phases] == ["patrol", "discovery", "dissuasion", "report"]
    # a comprehensive item taken back is not a basic street duty any more
    assert _rules(d) == {"ASG-RECALL"}


def test_recall_moves_no_money(tmp_path: Path) -> None:
    d = _decide(tmp_path, recall("MZ-001", "civil_affairs", hearing=MZ_HEARD))
    assert d.verdict == "admitted"  # FUND-ASSIST does not ask a recall for funds
    assert "FUND-ASSIST" not in _rules(d)
    assert {(s.funding.follows, s.funding.payer, s.funding.amount) for s in d.streets} == {
        (False, None, 0)}


def test_recall_funding_does_not_follow_even_with_funds_stated(tmp_path: Path) -> None:
    ws = load_workspace(MINI)
    source = load_proposal(write_yaml(tmp_path / "p.yaml", recall()))
    item, from_catalogue, targets = resolve(ws, source)
    # the decision itself, whatever the proposal file is allowed to say about funds
    funded = source.proposal.model_copy(update={"resources": Resources(funding=20000)})
    d = decide(ws, funded, item, from_catalogue, targets)
    assert d.verdict == "admitted"
    for s in d.streets:
        assert s.list == "recalled"
        assert (s.funding.follows, s.funding.payer, s.funding.amount) == (False, None, 0)


def test_recall_of_explicit_streets_unlisted_ones_not_applicable(tmp_path: Path) -> None:
    d = _decide(tmp_path, recall(streets=["S01", "S03"],
                                 hearing={"S01": "agree", "S03": "agree"}))
    assert _verdicts(d) == {"S01": "admitted", "S03": "not_applicable"}
    assert [f.street for f in d.findings if f.rule == "ADM-UNLISTED"] == ["S03"]
    assert [f.street for f in d.findings if f.rule == "ASG-RECALL"] == ["S01"]
    (s03,) = [s for s in d.streets if s.street == "S03"]
    assert s03.list is None and not s03.funding.follows
    assert d.verdict == "admitted"  # the unlisted street does not make it conditional


def test_recall_skips_the_substantive_rules_a_revise_applies(tmp_path: Path) -> None:
    def enforcing(data: dict[str, Any]) -> None:  # a comprehensive item needing reserved powers
        _item(data, "CG-001").update(phases=["patrol", "penalty"], powers=["penalty"])

    county = _county(tmp_path, enforcing)
    revised = _decide(tmp_path, revise("CG-001", "urban_management", {"workload_days": 100},
                                       mode="hand_over"), county)
    assert revised.verdict == "rejected"
    assert {"ADM-LAW-RESERVED", "ASG-COMP", "ASG-PHASE", "ADM-CAPACITY"} <= _rules(revised)
    d = _decide(tmp_path, recall("CG-001", "urban_management"), county)
    assert d.verdict == "admitted"
    assert _verdicts(d) == dict.fromkeys(["S01", "S02", "S03", "S04"], "admitted")
    assert _rules(d) == {"ASG-RECALL"}  # no ASG-COMP/PHASE/POWER, ADM-LAW-*, ADM-CAPACITY
    for s in d.streets:
        assert s.list == "recalled"
        assert {p.phase: p.party.kind != "street" for p in s.phases} == {
            "patrol": True, "penalty": True}


def test_recall_skips_capacity_but_revise_applies_it(tmp_path: Path) -> None:
    def on_every_street(data: dict[str, Any]) -> None:
        _item(data, "MZ-001")["streets"] = "all"  # 北山乡 has no service centre

    county = _county(tmp_path, on_every_street)
    heard = {"S01": "agree", "S02": "agree", "S03": "agree", "S04": "agree"}
    d = _decide(tmp_path, recall("MZ-001", "civil_affairs", hearing=heard), county)
    assert d.verdict == "admitted" and _verdicts(d)["S04"] == "admitted"
    assert "ADM-CAPACITY" not in _rules(d)
    revised = _decide(tmp_path, revise("MZ-001", "civil_affairs", {"name": "困难群众救助受理"},
                                       hearing=heard), county)
    assert _verdicts(revised)["S04"] == "deferred"
    assert [f.street for f in revised.findings if f.rule == "ADM-CAPACITY"] == ["S04"]


@pytest.mark.parametrize(("changes", "verdict", "rule"), [
    ({"work_plan": False}, "returned", "ADM-PLAN"),
    ({"hearing": None}, "returned", "ADM-HEARING"),
    ({"legal_review": "pending"}, "returned", "ADM-LEGAL"),
    ({"legal_review": "failed"}, "rejected", "ADM-LEGAL"),
    ({"meeting": None}, "returned", "ADM-MEETING"),
    ({"instruments": ["responsibility_pledge"]}, "rejected", "ADM-BAN-SHIFT"),
    ({"instruments": ["counterpart_office"]}, "rejected", "ADM-BAN-COUNTERPART"),
    ({"instruments": ["one_vote_veto"]}, "rejected", "ADM-BAN-VETO"),
    ({"instruments": ["task_force"]}, "rejected", "ADM-BAN-TASKFORCE"),
])
def test_recall_follows_the_procedure_and_the_bans(tmp_path: Path, changes: dict[str, Any],
                                                   verdict: str, rule: str) -> None:
    d = _decide(tmp_path, recall(**changes))
    assert d.verdict == verdict
    assert rule in _rules(d, "reject" if verdict == "rejected" else "return")
    assert set(_verdicts(d).values()) == {verdict}


def test_recall_unheard_names_only_the_listing_streets(tmp_path: Path) -> None:
    d = _decide(tmp_path, recall(hearing=None))
    (f,) = [f for f in d.findings if f.rule == "ADM-HEARING"]
    assert f.street is None and f.message == "尚未听取东门街道、西关街道的意见。"


def test_emergency_recall_and_street_objection_are_conditional(tmp_path: Path) -> None:
    d = _decide(tmp_path, recall(urgency="emergency", meeting=None,
                                 hearing={"S01": "agree", "S02": "object"}))
    assert d.verdict == "admitted_with_conditions"
    assert "ADM-EMERGENCY" in _rules(d, "condition")
    assert [f.street for f in d.findings if f.rule == "ADM-OPINION"] == ["S02"]
    assert all(s.list == "recalled" for s in d.streets)


@pytest.mark.parametrize("change", ["recall", "revise"])
def test_an_item_listed_nowhere_cannot_be_recalled_or_revised(tmp_path: Path, change: str,
                                                              golden: Any) -> None:
    def recalled(data: dict[str, Any]) -> None:
        _item(data, "SJ-001")["recalled"] = True

    county = _county(tmp_path, recalled)
    data = recall() if change == "recall" else revise(
        "SJ-001", "market_regulation", {"name": "食品小经营店备案"}, hearing=SJ_HEARD)
    path = write_yaml(tmp_path / "p.yaml", data)
    with pytest.raises(DataErrors) as caught:
        evaluate_files([path], county)
    (error,) = caught.value.errors
    assert error.code == "E-REF" and error.location.field == "item.ref"
    assert "SJ-001" in error.message
    golden(f"errors/decide_changes/{change}-of-an-item-listed-nowhere.txt", error.render() + "\n")
    run = run_cli("evaluate", path, "--county", county)
    assert run.code == 1 and run.stdout == ""
    assert "[E-REF]" in run.stderr and f"{path}:{error.location.line} 字段 item.ref" in run.stderr
    assert "Traceback" not in run.stderr
    golden(f"errors/decide_changes/{change}-of-an-item-listed-nowhere.txt", run.stderr)


# ---------------------------------------------------------------- revise (动态调整)


def test_revise_replaces_the_item_on_every_listing_street(tmp_path: Path) -> None:
    d = _decide(tmp_path, revise(
        "SJ-001", "market_regulation",
        {"name": "食品小经营店备案", "category": "comprehensive",
         "phases": ["discovery", "report"], "powers": []},
        hearing=SJ_HEARD, resources__funding=4400))  # 20 person-days at 220 yuan
    assert d.change == "revise" and d.verdict == "admitted"
    assert (d.item.id, d.item.name, d.item.category, d.item.from_catalogue) == (
        "SJ-001", "食品小经营店备案", "comprehensive", True)
    assert [s.street for s in d.streets] == ["S01", "S02"]
    for s in d.streets:  # placed as a comprehensive item now: the street leads
        assert s.list == "basic"
        assert s.primary is not None and (s.primary.kind, s.primary.id) == ("street", s.street)
        assert [p.phase for p in s.phases] == ["discovery", "report"]
        assert (s.funding.follows, s.funding.payer, s.funding.amount) == (
            True, "market_regulation", 4400)
    assert "ADM-LISTED" not in _rules(d)  # listed, yet not "already admitted"
    assert "ADM-UNLISTED" not in _rules(d)


def test_revise_keeps_the_fields_it_does_not_name(tmp_path: Path) -> None:
    d = _decide(tmp_path, revise("SJ-001", "market_regulation", {"workload_days": 5},
                                 hearing=SJ_HEARD))
    assert (d.item.name, d.item.category) == ("食品小经营店登记", "specialist")
    for s in d.streets:
        assert s.list == "cooperative"
        assert s.primary is not None and s.primary.id == "mr-east"
        assert {p.phase: p.party.kind for p in s.phases} == {
            "discovery": "street", "report": "street", "licensing": "unit"}


def test_revise_is_judged_by_the_admission_rules(tmp_path: Path) -> None:
    d = _decide(tmp_path, revise("MZ-001", "civil_affairs", {"name": "困难群众救助申请受理"},
                                 hearing=MZ_HEARD, resources__funding=0))
    assert d.verdict == "returned" and "FUND-ASSIST" in _rules(d, "return")


CG_FUNDS = 26400  # CG-001: 120 person-days at 220 yuan, funds that cover the work


def test_revise_mixed_streets_take_the_most_severe_verdict(tmp_path: Path) -> None:
    d = _decide(tmp_path, revise("CG-001", "urban_management",
                                 {"phases": ["patrol", "penalty"], "powers": ["penalty"]},
                                 mode="hand_over", resources__funding=CG_FUNDS))
    assert _verdicts(d) == {"S01": "admitted", "S02": "rejected", "S03": "deferred",
                            "S04": "rejected"}
    assert d.verdict == "rejected"
    assert [f.street for f in d.findings if f.rule == "ADM-LAW-RESERVED"] == ["S02", "S04"]


def test_revise_is_all_or_nothing_where_an_admission_is_conditional(tmp_path: Path) -> None:
    phases = ["patrol", "service"]  # 北山乡 has no service centre
    admit = _decide(tmp_path, proposal(department="urban_management", resources__funding=6600,
                                       item__category="comprehensive", item__phases=phases,
                                       item__public_facing=True))
    assert _verdicts(admit)["S04"] == "deferred"
    assert admit.verdict == "admitted_with_conditions"
    d = _decide(tmp_path, revise("CG-001", "urban_management", {"phases": phases},
                                 mode="hand_over", resources__funding=CG_FUNDS))
    assert _verdicts(d) == {"S01": "admitted", "S02": "admitted", "S03": "admitted",
                            "S04": "deferred"}
    assert d.verdict == "deferred"


# ---------------------------------------------------------------- what each change needs

INLINE = {"name": "新事项", "category": "specialist", "phases": ["patrol"],
          "legal_basis": "测试依据"}
ERRORS: dict[str, tuple[dict[str, Any], str, str, str | None]] = {
    "admit-without-mode": (
        doc(drop=("mode",)), "mode", "准入申请须写明街道承担的方式 mode",
        "mode: hand_over（交由）、entrust（委托）或 assist（请求协助）。"),
    "recall-with-mode": (
        doc(drop=("resources",), change="recall", item={"ref": "SJ-001"},
            department="market_regulation", hearing=SJ_HEARD),
        "mode", "收回申请不写 mode：收回后事项的各环节都由部门承担", "删去 mode。"),
    "revise-without-mode": (
        doc(drop=("mode",), change="revise", item={"ref": "SJ-001"},
            department="market_regulation", hearing=SJ_HEARD, revision={"workload_days": 5}),
        "mode", "动态调整申请须写明街道承担的方式 mode",
        "mode: hand_over（交由）、entrust（委托）或 assist（请求协助）。"),
    "revise-without-revision": (
        doc(change="revise", item={"ref": "SJ-001"}, department="market_regulation",
            hearing=SJ_HEARD),
        "change", "动态调整申请须用 revision 写明要调整的字段",
        "例如 revision: {phases: [patrol, report]}。"),
    "revise-empty-revision": (
        revise("SJ-001", "market_regulation", {}, hearing=SJ_HEARD),
        "revision", "revision 至少要写一个调整的字段", None),
    "revise-explicit-streets": (
        revise("SJ-001", "market_regulation", {"workload_days": 5}, streets=["S01", "S02"],
               hearing=SJ_HEARD),
        "streets", "动态调整针对事项所在的全部街道，streets 须为 all",
        "只涉及部分街道的，请对其余街道提出收回或另立事项。"),
    "admit-with-revision": (
        doc(revision={"workload_days": 5}), "revision",
        "只有动态调整（change: revise）的申请才写 revision", None),
    "recall-with-revision": (
        recall(revision={"workload_days": 5}), "revision",
        "只有动态调整（change: revise）的申请才写 revision", None),
    "recall-with-resources": (
        doc(drop=("mode",), change="recall", item={"ref": "SJ-001"},
            department="market_regulation", hearing=SJ_HEARD), "resources",
        "收回申请不写 resources：收回后不再向街道转移经费、人员和职权", "删去 resources。"),
    "recall-inline-item": (
        doc(drop=("mode", "resources"), change="recall", item=INLINE), "item",
        "收回申请须引用清单中的目录事项", "写 item: {ref: 事项编号}。"),
    "revise-inline-item": (
        doc(change="revise", item=INLINE, revision={"workload_days": 5}), "item",
        "动态调整申请须引用清单中的目录事项", "写 item: {ref: 事项编号}。"),
}


def _line_of(path: Path, key: str) -> int:
    """The line of a top-level key (1 when the key is absent: the document itself)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next((n for n, text in enumerate(lines, start=1) if text.startswith(f"{key}:")), 1)


@pytest.mark.parametrize("case", list(ERRORS))
def test_change_errors_name_file_line_and_field(tmp_path: Path, case: str) -> None:
    data, field, message, hint = ERRORS[case]
    path = write_yaml(tmp_path / f"{case}.yaml", data)
    line = _line_of(path, field)
    if field in data:
        assert line > 1  # the key is in the file: the error must point at its line
    # the engine: one DataError with its code and location
    with pytest.raises(DataErrors) as caught:
        resolve(load_workspace(MINI), load_proposal(path))
    (error,) = caught.value.errors
    assert (error.code, error.location.line, error.location.field) == ("E-SCHEMA", line, field)
    assert error.location.file is not None and error.location.file.endswith(f"{case}.yaml")
    assert error.message == message and error.hint == hint
    # the CLI: exit code 1, the message on stderr, no traceback
    run = run_cli("evaluate", path, "--county", MINI)
    assert run.code == 1 and run.stdout == ""
    expected = f"错误 [E-SCHEMA] {path}:{line} 字段 {field}：{message}\n"
    if hint is not None:
        expected += f"  提示：{hint}\n"
    assert run.stderr == expected


def test_a_recall_without_funds_may_keep_an_empty_resources_block(tmp_path: Path) -> None:
    d = _decide(tmp_path, doc(drop=("mode",), change="recall", item={"ref": "SJ-001"},
                              department="market_regulation", hearing=SJ_HEARD,
                              resources={"funding": 0, "staff": 0, "powers_delegated": []}))
    assert d.verdict == "admitted"


def test_an_opinion_from_a_street_not_listing_the_recalled_item_is_an_error(
        tmp_path: Path, golden: Any) -> None:
    # streets: all means the streets listing SJ-001 (S01, S02): S03 is no target
    path = write_yaml(tmp_path / "p.yaml", recall(hearing={**SJ_HEARD, "S03": "agree"}))
    run = run_cli("evaluate", path, "--county", MINI)
    assert run.code == 1 and run.stdout == ""
    assert run.stderr.count("[E-REF]") == 1 and run.stderr.count("\n") == 1
    assert f"{path}:{_line_of(path, 'hearing') + 3} 字段 hearing.S03" in run.stderr
    golden("errors/decide_changes/opinion-from-a-street-not-listing-the-item.txt", run.stderr)


def test_a_recall_is_worded_as_recall(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "r.yaml", recall("CG-001", "urban_management",
                                                  legal_review="failed"))
    text = run_cli("evaluate", "--county", MINI, path).stdout
    assert text.startswith("收回申请") and "结论：不予收回（rejected）" in text
    path = write_yaml(tmp_path / "r.yaml", recall("CG-001", "urban_management"))
    text = run_cli("evaluate", "--county", MINI, path).stdout
    assert "结论：同意收回（admitted）" in text and "准入" not in text.split("规则与依据")[0]


@pytest.mark.parametrize(("workload", "past"), [(4900, False), (5000, True)])
def test_a_revision_counts_the_revised_item_once_against_capacity(
        tmp_path: Path, workload: int, past: bool) -> None:
    # 北山乡 (S04): 25 people × 248 days × 0.8 = 4960 person-days; CG-001 is 120 of its 120
    d = _decide(tmp_path, revise("CG-001", "urban_management", {"workload_days": workload},
                                 resources__funding=2_000_000, resources__staff=0))
    s04 = {f.rule for f in d.findings if f.street == "S04"}
    assert ("ADM-STAFF-FOLLOW" in s04) is past


# ---------------------------------------------------------------- layout fields in proposals

def test_layout_fields_of_an_inline_item_and_a_revision_are_checked(tmp_path: Path,
                                                                    golden: Any) -> None:
    run = run_cli("evaluate", write_yaml(tmp_path / "p.yaml", doc(
        item__domain="平安法制", item__takeover="fire_rescu")), "--county", MINI)
    assert run.code == 1
    assert "[E-VOCAB]" in run.stderr and "字段 item.domain" in run.stderr
    assert "“平安法制”" in run.stderr and "“平安法治”" in run.stderr
    assert "[E-REF]" in run.stderr and "字段 item.takeover" in run.stderr
    assert "“fire_rescu”" in run.stderr
    golden("errors/decide_changes/layout-fields-of-an-inline-item.txt", run.stderr)
    with pytest.raises(DataErrors) as info:
        _decide(tmp_path, revise("MZ-001", "civil_affairs", {"domain": "民生"},
                                 hearing=MZ_HEARD))
    assert [(e.code, e.location.field) for e in info.value.errors] == [
        ("E-VOCAB", "revision.domain")]
    good = _decide(tmp_path, doc(item__domain="平安法治", item__department_duty="负责查处",
                                 item__street_duty="巡查报告"))
    assert good.verdict == "admitted"
